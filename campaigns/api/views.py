"""API over campaigns, their categories, filled self-checks and the action register; every queryset is the viewer's scope."""

from django.db import transaction
from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action as route
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from orgs.api.conditional import ConditionalMixin

from .. import actions as register
from ..filters import ActionFilter, CampaignFilter, CategoryFilter
from ..models import Action, Campaign, Category, SelfCheck
from . import serializers


class CampaignViewSet(ConditionalMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = serializers.CampaignSerializer
    filterset_class = CampaignFilter
    lookup_field = "slug"

    def get_queryset(self):
        return (
            Campaign.objects.visible_to(self.request.user)
            .select_related("jurisdiction")
            .prefetch_related("phases")
        )


class CategoryViewSet(ConditionalMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = serializers.CategorySerializer
    filterset_class = CategoryFilter

    def get_queryset(self):
        return (
            Category.objects.visible_to(self.request.user)
            .select_related("campaign")
            .prefetch_related("lead_units", "supporting_units")
        )


class SelfCheckViewSet(ConditionalMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = serializers.SelfCheckSerializer
    filterset_fields = ["project", "template"]

    def get_queryset(self):
        return SelfCheck.objects.visible_to(self.request.user).select_related(
            "campaign", "project", "filled_by"
        )


class ActionViewSet(ConditionalMixin, viewsets.ReadOnlyModelViewSet):
    """`GET /api/actions/?kind=&period=&campaign=`; POST confirm / waive / complete (task force only).

    Detail responses carry an ETag; a decision sent with a stale If-Match is refused with 412.
    """

    serializer_class = serializers.ActionSerializer
    filterset_class = ActionFilter

    def get_queryset(self):
        actions = Action.objects.visible_to(self.request.user).select_related("campaign")
        if self.request.method == "POST":
            # Locked from the If-Match and status checks to the save: two decisions never both pass.
            actions = actions.select_for_update(of=("self",))
        return actions

    def _move(self, move) -> Response:
        action = None
        try:
            with transaction.atomic():
                action = self.get_object()
                move(action)
        except register.ActionError as exc:
            detail = {"detail": str(exc)}
            if action is not None and register.heavy([action]) and register.may_decide(self.request.user):
                # The API's confirmation step: send the same request again with this token.
                detail["confirmation"] = register.confirmation_token(self.request.user, [action])
            raise ValidationError(detail) from exc
        return self.tagged(action)

    @extend_schema(request=serializers.ConfirmSerializer)
    @route(detail=True, methods=["post"])
    def confirm(self, request: Request, pk=None) -> Response:
        """A heavy consequence (更换物业企业, 黑名单, 媒体曝光) is refused with a `confirmation` token
        the first time; posting again with it confirms."""
        token = _validated(serializers.ConfirmSerializer, request).get("confirmation", "")
        return self._move(lambda a: register.confirm(a, request.user, token))

    @extend_schema(request=serializers.WaiveSerializer)
    @route(detail=True, methods=["post"])
    def waive(self, request: Request, pk=None) -> Response:
        reason = _validated(serializers.WaiveSerializer, request)["reason"]
        return self._move(lambda a: register.waive(a, request.user, reason))

    @extend_schema(request=serializers.CompleteSerializer)
    @route(detail=True, methods=["post"])
    def complete(self, request: Request, pk=None) -> Response:
        note = _validated(serializers.CompleteSerializer, request)["note"]
        return self._move(lambda a: register.complete(a, request.user, note))


def _validated(serializer_class, request: Request) -> dict:
    """The body checked against the serializer the schema documents: a JSON list or a number is a 400,
    not a 500 (the fuzzer sent `[]` to confirm, and `request.data.get` failed on it)."""
    body = serializer_class(data=request.data)
    body.is_valid(raise_exception=True)
    return body.validated_data
