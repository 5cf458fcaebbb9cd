"""Ledger API: every queryset is `visible_to(request.user)`; every change goes through workflow.

Errors: a role that may not make a move → 403, a stale `version` → 409, a stale If-Match → 412, any
other refused move → 400; the body is {"detail": "<Chinese message>"}. Detail responses carry an ETag
(orgs/api/conditional.py); an item's tag is its version, so If-Match and `version` are one check.
"""

from django.db import transaction
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.pagination import CursorPagination
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from orgs.api.conditional import STALE, ConditionalMixin

from .. import evidence as evidence_service
from .. import orders, workflow
from ..filters import LedgerItemFilter, OrderFilter
from ..models import Evidence, LedgerEvent, LedgerItem, OrderResponse, RectificationOrder
from ..workflow import NotAllowed, StaleVersion, WorkflowError
from . import serializers


class NewestFirst(CursorPagination):
    """Keyset pages in id order: no COUNT(*) and no deep OFFSET, however long the ledger grows."""

    ordering = "-id"
    page_size = 50


class LedgerItemApiFilter(LedgerItemFilter):
    """The page's FilterSet minus its sort order: API pages are keyset pages in id order."""

    o = None


def refused(error: WorkflowError, if_match: bool = False) -> Response:
    code = status.HTTP_400_BAD_REQUEST
    if isinstance(error, StaleVersion) and if_match:
        # If-Match held when read, but another writer got the row lock first.
        return Response({"detail": STALE}, status=status.HTTP_412_PRECONDITION_FAILED)
    if isinstance(error, StaleVersion):
        code = status.HTTP_409_CONFLICT
    elif isinstance(error, NotAllowed):
        code = status.HTTP_403_FORBIDDEN
    return Response({"detail": str(error)}, status=code)


def _move_view(move: str, call, description: str, attr: str = ""):
    @extend_schema(
        request=serializers.MoveSerializer,
        responses=serializers.LedgerItemSerializer,
        description=description,
    )
    def view(self, request: Request, pk=None) -> Response:
        item = self.get_object()
        data = serializers.MoveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            item = call(item, request.user, self.with_seen_version(item, data.validated_data))
        except WorkflowError as error:
            return refused(error, self.if_match_tags() is not None)
        return self.tagged(item)

    view.__name__ = attr or move
    return action(detail=True, methods=["post"], url_path=move, url_name=move)(view)


class LedgerItemViewSet(
    ConditionalMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """台账问题. Moves are actions; nothing is deleted (withdraw is a move with a reason)."""

    serializer_class = serializers.LedgerItemSerializer
    filterset_class = LedgerItemApiFilter
    pagination_class = NewestFirst

    def get_queryset(self):
        return (
            LedgerItem.objects.visible_to(self.request.user)
            .select_related("project", "company", "township")
            .order_by("-id")
        )

    def get_serializer_context(self):
        return super().get_serializer_context() | {"today": timezone.localdate()}

    def etag_of(self, data: dict) -> str:
        return f'"{data["id"]}-v{data["version"]}"'

    def with_seen_version(self, item: LedgerItem, data: dict) -> dict:
        """If-Match, once get_object() has checked it, names the version read: the workflow checks it again
        under its row lock, so a writer who passed the check a moment too late still gets no overwrite."""
        tags = self.if_match_tags()
        if tags is not None and "*" not in tags:
            return {**data, "version": item.version}
        return data

    def create(self, request: Request, *args, **kwargs) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("version", None)
        try:
            item = workflow.create_item(user=request.user, **data)
        except WorkflowError as error:
            return refused(error)
        return self.tagged(item, status.HTTP_201_CREATED)

    def update(self, request: Request, *args, **kwargs) -> Response:
        item = self.get_object()
        serializer = self.get_serializer(item, data=request.data, partial=kwargs.get("partial", False))
        serializer.is_valid(raise_exception=True)
        data = self.with_seen_version(item, serializer.validated_data)
        changes = {k: v for k, v in data.items() if k in workflow.ITEM_FIELDS and getattr(item, k) != v}
        try:
            item = workflow.edit(item, request.user, changes, version=data.get("version"))
        except WorkflowError as error:
            return refused(error, self.if_match_tags() is not None)
        return self.tagged(item)

    start = _move_view(
        "start",
        lambda i, u, d: workflow.start(i, u, version=d.get("version"), note=d["note"]),
        "开始整改（待整改 → 整改中）。",
    )
    submit = _move_view(
        "submit",
        lambda i, u, d: workflow.submit(i, u, version=d.get("version"), note=d["note"]),
        "申请验收（→ 待验收）。",
    )
    accept = _move_view(
        "accept",
        lambda i, u, d: workflow.accept(i, u, version=d.get("version"), note=d["note"]),
        "验收销号（待验收 → 已销号），仅镇街或专班。",
    )
    return_ = _move_view(
        "return",
        lambda i, u, d: workflow.return_(i, u, version=d.get("version"), reason=d["reason"]),
        "退回（待验收 → 整改中），需填写 reason。",
        "return_",
    )
    escalate = _move_view(
        "escalate",
        lambda i, u, d: workflow.escalate(
            i,
            u,
            version=d.get("version"),
            level=d.get("level", ""),
            deadline=d.get("deadline"),
            note=d["note"],
        ),
        "挂牌督办，仅专班；需 level（county/city）和 deadline。",
    )
    extend = _move_view(
        "extend",
        lambda i, u, d: workflow.extend(
            i, u, version=d.get("version"), new_deadline=d.get("new_deadline"), plan=d["plan"]
        ),
        "整改计划：需 plan 和晚于原时限的 new_deadline。",
    )
    withdraw = _move_view(
        "withdraw",
        lambda i, u, d: workflow.withdraw(i, u, version=d.get("version"), reason=d["reason"]),
        "撤销，需填写 reason；记录保留。",
    )

    @extend_schema(responses=serializers.LedgerEventSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)  # the whole history, as one list
    def history(self, request: Request, pk=None) -> Response:
        item = self.get_object()
        events = item.events.select_related("actor")
        return Response(serializers.LedgerEventSerializer(events, many=True).data)

    @extend_schema(
        request={"multipart/form-data": serializers.EvidenceUploadSerializer},
        responses=serializers.EvidenceSerializer,
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser])
    def evidence(self, request: Request, pk=None) -> Response:
        item = self.get_object()
        upload = serializers.EvidenceUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        try:
            evidence = evidence_service.attach(
                item, request.user, upload.validated_data["file"], upload.validated_data["kind"]
            )
        except WorkflowError as error:
            return refused(error)
        return Response(serializers.EvidenceSerializer(evidence).data, status=status.HTTP_201_CREATED)


class LedgerEventViewSet(ConditionalMixin, viewsets.ReadOnlyModelViewSet):
    """台账记录: every change of every item the viewer may see."""

    serializer_class = serializers.LedgerEventSerializer
    filterset_fields = ["item", "move"]
    pagination_class = NewestFirst

    def get_queryset(self):
        return (
            LedgerEvent.objects.visible_to(self.request.user).select_related("actor").order_by("-at", "-id")
        )


class EvidenceViewSet(ConditionalMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = serializers.EvidenceSerializer
    filterset_fields = ["item", "kind"]

    def get_queryset(self):
        return Evidence.objects.visible_to(self.request.user)


class RectificationOrderViewSet(
    ConditionalMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """整改通知书: issued by a township or the task force for items of one project."""

    serializer_class = serializers.RectificationOrderSerializer
    filterset_class = OrderFilter

    def get_queryset(self):
        return (
            RectificationOrder.objects.visible_to(self.request.user)
            .select_related("project", "company")
            .prefetch_related("responses__item")
        )

    def create(self, request: Request, *args, **kwargs) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            order = orders.issue(user=request.user, **serializer.validated_data)
        except WorkflowError as error:
            return refused(error)
        return self.tagged(order, status.HTTP_201_CREATED)


class OrderResponseViewSet(ConditionalMixin, viewsets.ReadOnlyModelViewSet):
    """One item of an order: the company answers it, the sender accepts or returns it."""

    serializer_class = serializers.OrderResponseSerializer
    filterset_fields = ["order", "decision"]

    def get_queryset(self):
        lines = OrderResponse.objects.visible_to(self.request.user).select_related("item")
        if self.request.method == "POST":
            # Locked from the If-Match check to the answer: no second writer between the two.
            lines = lines.select_for_update(of=("self",))
        return lines

    @extend_schema(request=serializers.AnswerSerializer, responses=serializers.OrderResponseSerializer)
    @action(detail=True, methods=["post"])
    def answer(self, request: Request, pk=None) -> Response:
        data = serializers.AnswerSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._run(lambda line: orders.answer(line, request.user, **data.validated_data))

    @extend_schema(request=serializers.DecideSerializer, responses=serializers.OrderResponseSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk=None) -> Response:
        data = serializers.DecideSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._run(lambda line: orders.decide(line, request.user, **data.validated_data))

    def _run(self, call) -> Response:
        try:
            with transaction.atomic():
                line = call(self.get_object())
        except WorkflowError as error:
            return refused(error)
        line.refresh_from_db()
        return self.tagged(line)
