"""整改通知书 pages: issue from selected items, the company's answers, the sender's decisions, print."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Case, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from orgs.views import paginate

from . import evidence as evidence_service
from . import orders, workflow
from .filters import OrderFilter
from .forms import AnswerForm, DecideForm, OrderForm
from .models import Evidence, LedgerItem, OrderResponse, RectificationOrder
from .workflow import WorkflowError


def order_url(order: RectificationOrder) -> str:
    return reverse("ledgers:order_detail", args=[order.pk])


@login_required
def order_list(request: HttpRequest) -> HttpResponse:
    """A company sees its open orders first (its portal); senders see what they issued."""
    rows = RectificationOrder.objects.visible_to(request.user).select_related(
        "project", "company", "township"
    )
    filterset = OrderFilter(request.GET, queryset=rows, request=request)
    still_open = Case(When(status=RectificationOrder.Status.CLOSED, then=1), default=0)
    page = paginate(request, filterset.qs.order_by(still_open, "deadline", "-id"))
    may_issue = workflow.role_of(request.user) in workflow.ACCEPTORS
    return render(
        request, "ledgers/order_list.html", {"filter": filterset, "page": page, "may_issue": may_issue}
    )


DEFAULT_BODY = (
    "经检查，你单位服务的{project}存在下列问题。根据物业领域突出问题专项整治工作要求，"
    "请于整改时限前逐项整改到位，并在本系统中逐项答复整改措施、上传整改后照片，申请验收。"
)


@login_required
def order_create(request: HttpRequest) -> HttpResponse:
    """Issue an order for items picked on the ledger list (bulk action "下达整改通知书")."""
    if request.method == "POST":
        form = OrderForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                order = orders.issue(user=request.user, **form.cleaned_data)
            except WorkflowError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, f"已下达 {order.number}。")
                return redirect(order_url(order))
        ids = request.POST.getlist("items")
    else:
        ids = request.GET.getlist("items")
    items = list(
        LedgerItem.objects.visible_to(request.user)
        .filter(pk__in=[i for i in ids if i.isdigit()])
        .select_related("project", "category")
    )
    if request.method == "GET":
        project = items[0].project if items else ""
        initial = {"items": items, "body": DEFAULT_BODY.format(project=project)}
        form = OrderForm(user=request.user, initial=initial)
    return render(request, "ledgers/order_create.html", {"form": form, "items": items})


def _order_context(request: HttpRequest, pk: int, refused: AnswerForm | None = None) -> dict:
    """The order and its lines, each line with its answer form — the refused one bound, as typed."""
    order = get_object_or_404(
        RectificationOrder.objects.visible_to(request.user).select_related(
            "project", "project__community", "company", "township", "sender", "campaign"
        ),
        pk=pk,
    )
    lines = list(
        OrderResponse.objects.visible_to(request.user)
        .filter(order=order)
        .select_related("item", "item__category", "submitted_by", "decided_by")
        .prefetch_related("evidence")
    )
    for line in lines:
        line.answer_form = AnswerForm(auto_id=f"answer-{line.pk}-%s")
        if refused is not None and refused.auto_id == line.answer_form.auto_id:
            line.answer_form = refused
    role = workflow.role_of(request.user)
    return {
        "order": order,
        "lines": lines,
        "may_answer": role == workflow.COMPANY,
        "may_decide": role in workflow.ACCEPTORS,
        "Decision": OrderResponse.Decision,
    }


@login_required
def order_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "ledgers/order_detail.html", _order_context(request, pk))


@login_required
def order_print(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "ledgers/order_print.html", _order_context(request, pk))


def _line(request: HttpRequest, pk: int) -> OrderResponse:
    return get_object_or_404(
        OrderResponse.objects.visible_to(request.user).select_related("order", "item"), pk=pk
    )


@login_required
@require_POST
def order_answer(request: HttpRequest, pk: int) -> HttpResponse:
    line = _line(request, pk)
    form = AnswerForm(request.POST, request.FILES, auto_id=f"answer-{line.pk}-%s")
    if form.is_valid():
        try:
            _answer_with_photo(request, line, form.cleaned_data)
        except WorkflowError as error:
            form.add_error("photo" if isinstance(error, evidence_service.FileRefused) else None, str(error))
        else:
            messages.success(request, f"已答复 {line.item.reference}，等待验收。")
            return redirect(order_url(line.order))
    # Refused: the page again with what was typed (a company's 整改措施 was lost with a refused photo).
    context = _order_context(request, line.order_id, refused=form)
    return render(request, "ledgers/order_detail.html", context, status=400)


@transaction.atomic
def _answer_with_photo(request: HttpRequest, line: OrderResponse, data: dict) -> None:
    """Answer first, photo last: a refused answer then never leaves a stored file behind, and a
    refused photo (checked before anything is written) rolls the answer back with it."""
    orders.answer(line, request.user, measures=data["measures"])
    if data.get("photo"):
        evidence_service.attach(line.item, request.user, data["photo"], Evidence.Kind.AFTER, response=line)


@login_required
@require_POST
def order_decide(request: HttpRequest, pk: int) -> HttpResponse:
    line = _line(request, pk)
    form = DecideForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请选择验收通过或退回。")
        return redirect(order_url(line.order))
    accepted = form.cleaned_data["decision"] == "accept"
    try:
        orders.decide(line, request.user, accepted=accepted, reason=form.cleaned_data["reason"])
    except WorkflowError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"{line.item.reference} 已{'验收销号' if accepted else '退回'}。")
    return redirect(order_url(line.order))
