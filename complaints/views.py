"""Complaint pages. Scope first: every object comes through visible_to; moves go through workflow."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.views.decorators.http import require_POST

from orgs.models import Project
from orgs.outbox import enqueue

from . import pages, preview, tasks, workflow
from .filters import ComplaintFilter, ReviewFilter
from .forms import ImportForm, ResolveForm
from .importing import confirm_batch, create_batch, previous_import_of_same_file
from .models import Complaint, ImportBatch
from .querysets import COUNT_CAP

PAGE_SIZE = 25
REVIEW_PAGE = 20


class CappedPaginator(Paginator):
    """Counts at most COUNT_CAP rows (one LIMITed scan); `capped` says whether more exist."""

    capped = False

    @cached_property
    def count(self) -> int:
        found, self.capped = self.object_list.count_up_to(COUNT_CAP)
        return found


def _page(request: HttpRequest, queryset, size: int = PAGE_SIZE):
    return Paginator(queryset, size).get_page(request.GET.get("page"))


def _capped_page(request: HttpRequest, queryset, size: int = PAGE_SIZE):
    return CappedPaginator(queryset, size).get_page(request.GET.get("page"))


@login_required
def complaint_list(request: HttpRequest) -> HttpResponse:
    complaints = Complaint.objects.visible_to(request.user).select_related("township", "project")
    filterset = ComplaintFilter(request.GET, queryset=complaints, request=request)
    context = {
        "filter": filterset,
        "page": _capped_page(request, filterset.qs),
        "can_import": workflow.can_import(request.user),
        "can_review": workflow.can_review(request.user),
    }
    template = "complaints/_complaint_rows.html" if request.htmx else "complaints/complaint_list.html"
    return render(request, template, context)


@login_required
def complaint_detail(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = get_object_or_404(
        Complaint.objects.visible_to(request.user).select_related("township", "project", "batch"), pk=pk
    )
    context = {
        "complaint": complaint,
        "changes": complaint.changes.select_related("by", "batch"),
        "candidates": complaint.candidates.select_related("project"),
        "ledger_item": pages.ledger_item_for(complaint),
        "can_review": workflow.can_review(request.user),
        "can_close": workflow.can_close(request.user),
    }
    return render(request, "complaints/complaint_detail.html", context)


@login_required
@require_POST
def complaint_to_ledger(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = get_object_or_404(Complaint.objects.visible_to(request.user), pk=pk)
    try:
        item = workflow.to_ledger_item(complaint, request.user)
    except workflow.ComplaintError as exc:
        messages.error(request, str(exc))
        return redirect("complaints:detail", pk=pk)
    messages.success(request, f"已转为台账问题（工单 {complaint.ticket}）")
    return redirect("ledgers:item_detail", pk=item.pk)


@login_required
def import_page(request: HttpRequest) -> HttpResponse:
    if not workflow.can_import(request.user):
        raise PermissionDenied("只有专班可以导入诉求")
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        channel = form.cleaned_data["channel"]
        batch = create_batch(request.user, channel, upload.name, upload=upload, kind="complaint_preview")
        earlier = previous_import_of_same_file(batch)
        if earlier is not None:
            when = timezone.localtime(earlier.created_at)
            messages.info(request, f"该文件已于 {when:%Y年%-m月%-d日 %H:%M} 导入过，重复导入不会新增诉求")
        enqueue(tasks.preview_complaints, batch.pk, job=batch.job)
        return redirect(f"{request.path}?batch={batch.pk}")
    batches = ImportBatch.objects.visible_to(request.user).select_related("created_by", "job")
    current = (
        batches.filter(pk=request.GET.get("batch")).first()
        if request.GET.get("batch", "").isdigit()
        else None
    )
    context = {
        "form": form,
        "page": _page(request, batches),
        "current": current,
        "awaiting": current is not None and preview.awaiting_confirmation(current),
    }
    return render(request, "complaints/import.html", context)


@login_required
@require_POST
def import_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """The person read the preview and confirms: a second job imports the stored file."""
    if not workflow.can_import(request.user):
        raise PermissionDenied("只有专班可以导入诉求")
    batch = get_object_or_404(ImportBatch.objects.visible_to(request.user).select_related("job"), pk=pk)
    if not preview.awaiting_confirmation(batch):
        messages.error(request, "该批次没有待确认的预览（可能已导入、已失败或已过期），请重新上传。")
        return redirect("complaints:import")
    confirm_batch(batch, request.user)
    enqueue(tasks.import_complaints, batch.pk, job=batch.job)
    return redirect(f"{reverse('complaints:import')}?batch={batch.pk}")


@login_required
def batch_report(request: HttpRequest, pk: int) -> FileResponse:
    batch = get_object_or_404(ImportBatch.objects.visible_to(request.user), pk=pk)
    if not batch.report:
        raise Http404("该批次没有报告")
    return FileResponse(batch.report.open("rb"), as_attachment=True, filename=f"诉求导入报告-{batch.pk}.csv")


@login_required
def review_queue(request: HttpRequest) -> HttpResponse:
    """The queue by spelling: one decision per township + written name settles all its complaints."""
    if not workflow.can_review(request.user):
        raise PermissionDenied("您的角色不能确认诉求对应的项目")
    filterset = ReviewFilter(
        request.GET, queryset=Complaint.objects.visible_to(request.user).pending(), request=request
    )
    page = _page(request, pages.spelling_groups(filterset.qs), REVIEW_PAGE)
    entries = pages.spellings(filterset.qs, list(page))
    context = {
        "filter": filterset,
        "page": page,
        "entries": entries,
        "township_projects": pages.projects_by_township(
            request.user, {e.sample.township_id for e in entries}
        ),
    }
    context["total"], context["capped"] = filterset.qs.count_up_to(COUNT_CAP)
    template = "complaints/_review_list.html" if request.htmx else "complaints/review.html"
    return render(request, template, context)


@login_required
@require_POST
def review_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    """Decide the spelling complaint `pk` was written with (a project, or 不属于物业项目)."""
    complaint = get_object_or_404(
        Complaint.objects.visible_to(request.user).select_related("township"), pk=pk
    )
    form = ResolveForm(request.POST)
    if not form.is_valid():
        return _review_refused(request, " ".join(form.non_field_errors()), 400)
    project_id = form.cleaned_data["project_id"]
    project = (
        None
        if project_id is None
        else get_object_or_404(Project.objects.visible_to(request.user), pk=project_id)
    )
    try:
        settled = workflow.resolve(complaint, project, request.user, form.cleaned_data["save_alias"])
    except workflow.ComplaintError as exc:
        return _review_refused(request, f"{complaint.ticket}：{exc}", 409)
    text = pages.decision_text(complaint, project, len(settled))
    if request.htmx:
        return render(request, "complaints/_review_done.html", {"complaint": complaint, "text": text})
    messages.success(request, text)
    return redirect(f"{reverse('complaints:review')}?{request.GET.urlencode()}")


def _review_refused(request: HttpRequest, message: str, status: int) -> HttpResponse:
    """The queue card shows the text under its choices and keeps them (complaints.js); without htmx,
    the queue comes back with the message."""
    if request.htmx:
        return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")
    messages.error(request, message)
    return redirect(f"{reverse('complaints:review')}?{request.GET.urlencode()}")
