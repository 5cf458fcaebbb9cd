"""API over the action register, the red/black lists and the credit ratings; every queryset is scoped."""

from django.db import transaction
from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action as route
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from campaigns import actions as register
from campaigns.models import Action
from orgs.api.conditional import ConditionalMixin

from ..filters import ActionFilter, CreditRatingFilter, ListEntryFilter
from ..models import CreditRating, ListEntry
from . import serializers


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
        try:
            with transaction.atomic():
                action = self.get_object()
                move(action)
        except register.ActionError as exc:
            raise ValidationError({"detail": str(exc)}) from exc
        return self.tagged(action)

    @extend_schema(request=None)
    @route(detail=True, methods=["post"])
    def confirm(self, request: Request, pk=None) -> Response:
        return self._move(lambda a: register.confirm(a, request.user))

    @extend_schema(request=serializers.WaiveSerializer)
    @route(detail=True, methods=["post"])
    def waive(self, request: Request, pk=None) -> Response:
        return self._move(lambda a: register.waive(a, request.user, str(request.data.get("reason", ""))))

    @extend_schema(request=serializers.CompleteSerializer)
    @route(detail=True, methods=["post"])
    def complete(self, request: Request, pk=None) -> Response:
        return self._move(lambda a: register.complete(a, request.user, str(request.data.get("note", ""))))


class ListEntryViewSet(ConditionalMixin, viewsets.ReadOnlyModelViewSet):
    """`GET /api/lists/?quarter=YYYY-Qn[&campaign=SLUG][&list=red|black]`."""

    serializer_class = serializers.ListEntrySerializer
    filterset_class = ListEntryFilter

    def get_queryset(self):
        return (
            ListEntry.objects.visible_to(self.request.user)
            .select_related("run__campaign", "project", "company")
            .order_by("-run__quarter", "list", "rank", "project_id")
        )


class CreditRatingViewSet(ConditionalMixin, viewsets.ReadOnlyModelViewSet):
    """`GET /api/credit-ratings/?quarter=YYYY-Qn[&campaign=SLUG][&level=]`."""

    serializer_class = serializers.CreditRatingSerializer
    filterset_class = CreditRatingFilter

    def get_queryset(self):
        return (
            CreditRating.objects.visible_to(self.request.user)
            .select_related("run__campaign", "company")
            .order_by("-run__quarter", "company__name")
        )
