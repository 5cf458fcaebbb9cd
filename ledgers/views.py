"""Ledger pages: scope → filter → form → workflow → response. Orders live in order_views.py."""

import hashlib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache, caches
from django.core.exceptions import FieldDoesNotExist
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Max, Q
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from config.display import readable
from orgs.models import Project

from . import evidence as evidence_service
from . import workflow
from .filters import LedgerItemFilter
from .forms import BulkForm, EvidenceForm, ItemEditForm, MoveForm, QuickEntryForm
from .models import Evidence, LedgerItem
from .querysets import overdue_q
from .workflow import Move, WorkflowError

PAGE_SIZE = 50
# Filters the list's tabs set; the badge counts are made without them (status_counts).
TABS = ("status", "overdue")
COUNTS_TTL = 600  # seconds; the key already changes with every change to the ledger
LIST_JOINED = ("project", "project__community", "township", "company", "category")
# PostgreSQL plans a 7-table join in ~30 ms (exhaustive search) and a 6-table one in ~3 ms, so the
# last small lookup is one query by id instead of one more join.
LIST_PREFETCHED = ("responsible_unit",)
# The list page joins only these (5 tables plan in ~1.5 ms at province, 6 in 3.5–6.5 ms): its category
# and responsible unit come from the lists its filter selects read anyway (_attach).
ROWS_JOINED = ("project", "project__community", "township", "company")


class CountedPaginator(Paginator):
    """A paginator told its total, so the page reuses the per-status counts instead of a second COUNT(*)."""

    def __init__(self, object_list, per_page: int, count: int | None):
        super().__init__(object_list, per_page)
        if count is not None:
            self.count = count


def status_counts(request: HttpRequest, filterset: LedgerItemFilter) -> tuple[dict[str, int], int]:
    """Counts per status for the current filters other than the tabs (status, overdue), and the overdue count.

    The tabs are left out so that each tab's badge says how many rows that tab lists, whichever
    tab is open.

    One grouped scan gives both, and its total feeds the paginator. The result is cached under
    the ledger's last change time (one indexed MAX), so turning pages or coming back costs no
    scan of 500,000 rows, while any saved change anywhere (every move and edit sets updated_at)
    makes the next view count afresh: what a user sees is never older than the last change to an
    item. Only a row deleted outside the app (items are withdrawn, not deleted) would stay counted,
    for at most COUNTS_TTL. The cache is first this process's memory, then the database's shared
    table, so the scan is made once for all worker processes, with or without Redis.
    """
    data = request.GET.copy()
    for name in (*TABS, "page", "o"):
        data.pop(name, None)
    last_change = LedgerItem.objects.aggregate(last=Max("updated_at"))["last"]
    user = request.user
    who = f"{user.pk}:{user.role}:{user.region_id}:{user.department_id}:{user.company_id}"
    raw = f"{who}|{data.urlencode()}|{last_change}|{timezone.localdate()}"
    key = "ledger-counts:" + hashlib.sha256(raw.encode()).hexdigest()
    result = cache.get(key)
    if result is None:
        result = caches["shared"].get(key)
        if result is None:
            result = _count_statuses(_all_but_tabs(filterset))
            caches["shared"].set(key, result, COUNTS_TTL)
        cache.set(key, result, COUNTS_TTL)
    return result


def _all_but_tabs(filterset: LedgerItemFilter):
    """The rows under every valid filter but the tabs (and ordering), from the form already checked."""
    rows = filterset.queryset
    for name, value in filterset.form.cleaned_data.items():
        if name not in (*TABS, "o"):
            rows = filterset.filters[name].filter(rows, value)
    return rows


def _count_statuses(filtered) -> tuple[dict[str, int], int]:
    late = Count("id", filter=overdue_q(timezone.localdate()))
    rows = list(filtered.order_by().values("status").annotate(n=Count("id"), late=late))
    return {row["status"]: row["n"] for row in rows}, sum(row["late"] for row in rows)


@login_required
def item_list(request: HttpRequest) -> HttpResponse:
    items = LedgerItem.objects.visible_to(request.user)
    filterset = LedgerItemFilter(request.GET, queryset=items, request=request)
    valid = filterset.is_valid()
    counts, overdue = status_counts(request, filterset)
    total = _rows_listed(filterset.form.cleaned_data if valid else {}, counts, overdue)
    rows = filterset.qs.select_related(*ROWS_JOINED)
    if not request.GET.get("o"):
        rows = rows.order_by("-id")
    page = CountedPaginator(rows, PAGE_SIZE, total if valid else 0).get_page(request.GET.get("page"))
    for name in ("category", "responsible_unit"):
        _attach(page.object_list, name, filterset.form.fields[name].queryset)
    context = {
        "filter": filterset,
        "page": page,
        "statuses": [(value, label, counts.get(value, 0)) for value, label in LedgerItem.Status.choices],
        "total": sum(counts.values()),
        "overdue_count": overdue,
        "today": timezone.localdate(),
        "bulk_form": _bulk_form(request.user, filterset),
    }
    template = "ledgers/_item_rows.html" if request.htmx else "ledgers/item_list.html"
    return render(request, template, context)


def _rows_listed(cleaned: dict, counts: dict[str, int], overdue: int) -> int | None:
    """How many rows the open tab lists, from the counts already made; None where they cannot say
    (a status and 逾期 together, typed by hand), and the paginator counts the rows itself."""
    status, late = cleaned.get("status"), cleaned.get("overdue")
    if status and late is not None:
        return None
    if status:
        return counts.get(status, 0)
    if late is True:
        return overdue
    if late is False:
        return sum(counts.values()) - overdue
    return sum(counts.values())


def _attach(items, field: str, listed) -> None:
    """Set each item's `field` (a foreign key) from rows already read for the filter's select; ids the
    viewer's list lacks (an item's category under a campaign of another jurisdiction) in one query."""
    known = {obj.pk: obj for obj in listed}
    missing = {getattr(item, f"{field}_id") for item in items} - known.keys() - {None}
    if missing:
        known |= LedgerItem._meta.get_field(field).related_model.objects.in_bulk(missing)
    for item in items:
        setattr(item, field, known.get(getattr(item, f"{field}_id")))


def _bulk_form(user, filterset: LedgerItemFilter) -> BulkForm | None:
    """The bulk actions' form, drawing its departments from the list the filter's select read."""
    if not _may_bulk(user):
        return None
    return BulkForm(user=user, departments=list(filterset.form.fields["responsible_unit"].queryset))


def _may_bulk(user) -> bool:
    return workflow.role_of(user) in (workflow.TASK_FORCE, workflow.TOWNSHIP)


@login_required
@require_POST
def item_bulk(request: HttpRequest) -> HttpResponse:
    back = reverse("ledgers:item_list") + ("?" + request.POST["next"] if request.POST.get("next") else "")
    form = BulkForm(request.POST, user=request.user)
    if not _may_bulk(request.user) or not form.is_valid():
        messages.error(
            request, "批量操作未执行：" + " ".join(e for errs in form.errors.values() for e in errs)
        )
        return redirect(back)
    data, user = form.cleaned_data, request.user
    if data["action"] == "order":
        query = "&".join(f"items={item.pk}" for item in data["items"])
        return redirect(reverse("ledgers:order_create") + "?" + query)
    done, errors = workflow.bulk(data["items"], _bulk_action(data, user))
    if done:
        messages.success(request, f"已处理 {done} 条问题。")
    for error in errors[:20]:
        messages.error(request, error)
    return redirect(back)


def _bulk_action(data: dict, user):
    if data["action"] == "escalate":
        return lambda item: workflow.escalate(item, user, level=data["level"], deadline=data["deadline"])
    if data["action"] == "deadline":
        return lambda item: workflow.edit(item, user, {"deadline": data["deadline"]}, note="批量设定完成时限")
    changes = {k: data[k] for k in ("responsible_unit", "responsible_person") if data[k]}
    return lambda item: workflow.edit(item, user, changes, note="批量指定责任单位/责任人")


@login_required
def item_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "ledgers/item_detail.html", _detail_context(request, pk, EvidenceForm()))


def _detail_context(request: HttpRequest, pk: int, evidence_form: EvidenceForm) -> dict:
    items = LedgerItem.objects.visible_to(request.user).select_related(*LIST_JOINED)
    item = get_object_or_404(items.prefetch_related(*LIST_PREFETCHED), pk=pk)
    moves = workflow.available_moves(item, request.user)
    context = {
        "item": item,
        "moves": [(move, workflow.MOVE_LABELS[move]) for move in moves if move != Move.EDIT],
        "can_edit": Move.EDIT in moves,
        "can_upload": workflow.can(request.user, item, Move.EVIDENCE),
        "move_form": MoveForm(initial={"version": item.version}),
        "evidence_form": evidence_form,
        "evidence": item.evidence.select_related("uploaded_by"),
        "timeline": timeline(item),
        "source_url": source_url(item),
        "today": timezone.localdate(),
        "plans": item.plans.select_related("created_by"),
        "orders": item.order_responses.select_related("order"),
    }
    return context


def source_url(item: LedgerItem) -> str:
    """Where the record an item was born of can be read (the complaint for a 12345 item)."""
    kind, _, pk = item.source_ref.partition(":")
    if kind == "complaint" and pk.isdigit():
        return reverse("complaints:detail", args=[int(pk)])
    return ""


def _field_label(name: str) -> str:
    try:
        return str(LedgerItem._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:
        return name


def timeline(item: LedgerItem) -> list[dict]:
    """The item's events as the page shows them: who, when, which move, each field before → after."""
    labels = {str(k): v for k, v in workflow.MOVE_LABELS.items()} | {"order": "下达整改通知书"}
    statuses = dict(LedgerItem.Status.choices)
    return [
        {
            "event": event,
            "label": labels.get(event.move, event.move),
            "from": statuses.get(event.from_status, ""),
            "to": statuses.get(event.to_status, ""),
            "changes": [
                (_field_label(f), readable(before), readable(after))
                for f, (before, after) in event.changes.items()
            ],
        }
        for event in item.events.select_related("actor")
    ]


MOVE_CALLS = {
    Move.START: lambda item, user, d: workflow.start(item, user, version=d["version"], note=d["note"]),
    Move.SUBMIT: lambda item, user, d: workflow.submit(item, user, version=d["version"], note=d["note"]),
    Move.ACCEPT: lambda item, user, d: workflow.accept(item, user, version=d["version"], note=d["note"]),
    Move.RETURN: lambda item, user, d: workflow.return_(item, user, version=d["version"], reason=d["reason"]),
    Move.WITHDRAW: lambda item, user, d: workflow.withdraw(
        item, user, version=d["version"], reason=d["reason"]
    ),
    Move.ESCALATE: lambda item, user, d: workflow.escalate(
        item, user, version=d["version"], level=d["level"], deadline=d["deadline"], note=d["note"]
    ),
    Move.EXTEND: lambda item, user, d: workflow.extend(
        item, user, version=d["version"], new_deadline=d["new_deadline"], plan=d["plan"]
    ),
}


@login_required
@require_POST
def item_move(request: HttpRequest, pk: int, move: str) -> HttpResponse:
    item = get_object_or_404(LedgerItem.objects.visible_to(request.user), pk=pk)
    form = MoveForm(request.POST)
    call = MOVE_CALLS.get(move)
    if call is None or not form.is_valid():
        messages.error(request, "提交的内容有误，请检查后重试。")
        return redirect(item_url(item))
    try:
        call(item, request.user, form.cleaned_data)
    except WorkflowError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"已{workflow.MOVE_LABELS[Move(move)]}。")
    return redirect(item_url(item))


def item_url(item: LedgerItem) -> str:
    return reverse("ledgers:item_detail", args=[item.pk])


@login_required
def item_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(LedgerItem.objects.visible_to(request.user), pk=pk)
    form = ItemEditForm(request.POST or None, instance=item, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            workflow.edit(item, request.user, form.changes(), version=form.cleaned_data["version"])
        except WorkflowError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, "已保存。")
            return redirect(item_url(item))
    # The form edits a copy: a refused save must not show the refused values as if stored.
    return render(request, "ledgers/item_edit.html", {"item": item, "form": form})


@login_required
def item_create(request: HttpRequest) -> HttpResponse:
    """Quick entry (快速登记): the problem, a photo and a deadline; everything else defaults."""
    initial = {"source": "self_check" if request.user.role == "company" else "inspection"}
    form = QuickEntryForm(request.POST or None, request.FILES or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            item = _create_with_photo(request, form.cleaned_data)
        except WorkflowError as error:
            form.add_error("photo" if isinstance(error, evidence_service.FileRefused) else None, str(error))
        else:
            messages.success(request, f"已登记 {item.reference}。")
            return redirect(item_url(item))
    return render(request, "ledgers/item_create.html", {"form": form})


@transaction.atomic
def _create_with_photo(request: HttpRequest, data: dict) -> LedgerItem:
    """The item and its photo stand or fall together: a refused photo logs nothing."""
    item = workflow.create_item(
        user=request.user,
        campaign=data["campaign"],
        project=data["project"],
        category=data["category"],
        problem=data["problem"],
        deadline=data["deadline"],
        source=data["source"],
    )
    if data.get("photo"):
        evidence_service.attach(item, request.user, data["photo"], Evidence.Kind.BEFORE)
    return item


@login_required
def project_search(request: HttpRequest) -> HttpResponse:
    """Type-ahead for quick entry: the viewer's own projects matching name or alias."""
    q = request.GET.get("q", "").strip()
    projects = Project.objects.none()
    if q:
        projects = (
            Project.objects.visible_to(request.user)
            .filter(Q(name__icontains=q) | Q(aliases__name__icontains=q))
            .select_related("township", "company")
            .distinct()
            .order_by("name")[:10]
        )
    return render(request, "ledgers/_project_options.html", {"projects": projects, "q": q})


@login_required
@require_POST
def evidence_upload(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(LedgerItem.objects.visible_to(request.user), pk=pk)
    form = EvidenceForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            evidence_service.attach(item, request.user, form.cleaned_data["file"], form.cleaned_data["kind"])
        except WorkflowError as error:
            form.add_error("file" if isinstance(error, evidence_service.FileRefused) else None, str(error))
        else:
            messages.success(request, "已上传。")
            return redirect(item_url(item))
    # Refused: the item again, the chosen 类别 kept and the reason beside the file field.
    return render(request, "ledgers/item_detail.html", _detail_context(request, pk, form), status=400)


@login_required
def evidence_file(request: HttpRequest, pk: int) -> FileResponse:
    """The only way to a stored file: scoped, with the type we wrote, never sniffed."""
    evidence = get_object_or_404(Evidence.objects.visible_to(request.user).select_related("item"), pk=pk)
    ext = evidence_service.EXTENSIONS.get(evidence.content_type, "bin")
    response = FileResponse(
        evidence.file.open("rb"),
        content_type=evidence.content_type,
        as_attachment=not evidence.is_image,
        filename=f"{evidence.item.reference}-{evidence.pk}.{ext}",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
