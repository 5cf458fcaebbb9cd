"""整改通知书: the township or task force orders one company to fix listed problems at one project.

SPEC.md: "a township or the task force sends a company a notice for one project listing items
and a deadline; the company sees it, answers item by item (measures taken, evidence photos)
and asks for acceptance; the sender accepts or returns each item." Each answer and each
decision moves the item through `workflow`, so the item's history tells the same story.
"""

from collections.abc import Sequence
from datetime import date

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from orgs.models import Notification, User
from orgs.notifications import notify

from . import workflow
from .models import LedgerEvent, LedgerItem, OrderResponse, RectificationOrder
from .workflow import ACCEPTORS, COMPANY, NotAllowed, WorkflowError, role_of, within_bounds

Decision = OrderResponse.Decision


def next_number(sender_org: str, year: int) -> str:
    """A 文号 like 城关街道整改〔2024〕3号, numbered per issuing organisation and year."""
    prefix = f"{sender_org}整改〔{year}〕"
    taken = RectificationOrder.objects.filter(number__startswith=prefix).count()
    return f"{prefix}{taken + 1}号"


@transaction.atomic
def issue(
    *,
    user: User,
    items: Sequence[LedgerItem],
    deadline: date,
    body: str,
    number: str = "",
    title: str = "",
) -> RectificationOrder:
    """Send an order for open items of one project to the company serving it."""
    if role_of(user) not in ACCEPTORS:
        raise NotAllowed("只有镇街或专班可以下达整改通知书。")
    ids = {item.pk for item in items}
    locked = list(LedgerItem.objects.visible_to(user).select_for_update().filter(pk__in=ids).order_by("pk"))
    if not ids or len(locked) != len(ids):
        raise WorkflowError("请选择您管辖范围内的问题。")
    if len({item.project_id for item in locked}) != 1:
        raise WorkflowError("一份整改通知书只能针对一个项目，请只选择同一项目的问题。")
    if any(not item.is_open for item in locked):
        raise WorkflowError("已销号或已撤销的问题不能再下达整改通知书。")
    first = locked[0]
    if first.company_id is None or len({item.company_id for item in locked}) != 1:
        raise WorkflowError("这些问题没有同一个物业企业，无法下达整改通知书。")
    if deadline is None or deadline < timezone.localdate():
        raise WorkflowError("整改时限不能早于今天。")
    if not (body or "").strip():
        raise WorkflowError("请填写通知书正文。")
    within_bounds(RectificationOrder, {"number": number, "title": title, "deadline": deadline, "body": body})
    sender_org = str(user.organisation or "")
    order = RectificationOrder.objects.create(
        number=number.strip() or next_number(sender_org, timezone.localdate().year),
        title=title.strip() or RectificationOrder._meta.get_field("title").default,
        campaign_id=first.campaign_id,
        project_id=first.project_id,
        company_id=first.company_id,
        township_id=first.township_id,
        region_path=first.region_path,
        sender=user,
        sender_org=sender_org,
        deadline=deadline,
        body=body.strip(),
    )
    OrderResponse.objects.bulk_create(OrderResponse(order=order, item=item) for item in locked)
    LedgerEvent.objects.bulk_create(
        LedgerEvent(
            item=item,
            actor=user,
            move="order",
            from_status=item.status,
            to_status=item.status,
            note=f"下达整改通知书 {order.number}",
        )
        for item in locked
    )
    company_staff = User.objects.filter(role=COMPANY, company_id=order.company_id).values_list(
        "pk", flat=True
    )
    _tell(list(company_staff), Notification.Kind.ORDER, f"整改通知书 {order.number}：{first.project}", order)
    return order


def _locked_response(response: OrderResponse, user: User) -> OrderResponse:
    locked = (
        OrderResponse.objects.visible_to(user)
        .select_for_update()
        .select_related("order", "item")
        .filter(pk=response.pk)
        .first()
    )
    if locked is None:
        raise WorkflowError("找不到该整改事项，或您无权处理。")
    return locked


@transaction.atomic
def answer(response: OrderResponse, user: User, *, measures: str) -> OrderResponse:
    """The company answers one item with the measures taken and asks for acceptance (申请验收)."""
    if role_of(user) != COMPANY:
        raise NotAllowed("整改通知书由物业企业答复。")
    line = _locked_response(response, user)
    if line.decision not in (Decision.PENDING, Decision.RETURNED):
        raise WorkflowError("该问题已答复，请等待验收。")
    if not (measures or "").strip():
        raise WorkflowError("请填写已采取的整改措施。")
    item = workflow.edit(line.item, user, {"measures": measures.strip()})
    # The item may already await acceptance (submitted from its own page); the answer then stands alone.
    if item.status != LedgerItem.Status.SUBMITTED:
        workflow.submit(item, user, note=measures.strip())
    line.measures = measures.strip()
    line.submitted_by = user
    line.submitted_at = timezone.now()
    line.decision = Decision.ANSWERED
    line.reason = ""
    line.save()
    if _refresh(line.order) == RectificationOrder.Status.ANSWERED:
        _tell(
            [line.order.sender_id],
            Notification.Kind.ORDER_ANSWERED,
            f"整改通知书已答复：{line.order.number}",
            line.order,
        )
    return line


@transaction.atomic
def decide(response: OrderResponse, user: User, *, accepted: bool, reason: str = "") -> OrderResponse:
    """The sender's side accepts (验收销号) or returns (退回, with a reason) one answered item."""
    if role_of(user) not in ACCEPTORS:
        raise NotAllowed("只有镇街或专班可以验收。")
    line = _locked_response(response, user)
    if line.decision != Decision.ANSWERED:
        raise WorkflowError("该问题尚未答复或已处理。")
    if accepted:
        # An item already closed from its own page needs no second acceptance.
        if line.item.status != LedgerItem.Status.CLOSED:
            workflow.accept(line.item, user, note=f"整改通知书 {line.order.number} 验收通过")
        line.decision = Decision.ACCEPTED
    else:
        workflow.return_(line.item, user, reason=reason)
        line.decision = Decision.RETURNED
        line.reason = reason.strip()
    line.decided_by = user
    line.decided_at = timezone.now()
    line.save()
    _refresh(line.order)
    return line


def _refresh(order: RectificationOrder) -> str:
    """An order is closed when every item is accepted, awaiting acceptance when all are answered."""
    decisions = set(order.responses.values_list("decision", flat=True))
    if decisions == {Decision.ACCEPTED}:
        status = RectificationOrder.Status.CLOSED
    elif decisions <= {Decision.ANSWERED, Decision.ACCEPTED}:
        status = RectificationOrder.Status.ANSWERED
    else:
        status = RectificationOrder.Status.ISSUED
    if status != order.status:
        order.status = status
        order.save(update_fields=["status"])
    return status


def _tell(user_ids: list[int], kind: str, title: str, order: RectificationOrder) -> None:
    url = reverse("ledgers:order_detail", args=[order.pk])
    transaction.on_commit(lambda: notify(user_ids, kind, title, url=url))
