"""导入项目台账 from a page: upload → preview → confirm, each step a Job the page polls."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from . import roster_jobs
from .excel import LABELS
from .forms import RosterUploadForm
from .models import Job
from .roster import STATUS_LABELS


def _require_importer(request: HttpRequest) -> None:
    if not roster_jobs.can_import(request.user):
        raise PermissionDenied("只有专班和管理员可以导入项目台账")


def _import_job(request: HttpRequest, pk: int) -> Job:
    return get_object_or_404(Job.objects.visible_to(request.user).filter(kind=roster_jobs.KIND), pk=pk)


@login_required
def import_projects(request: HttpRequest) -> HttpResponse:
    _require_importer(request)
    form = RosterUploadForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        job = roster_jobs.start_import(
            request.user, data["file"], data["county"], dry_run=not data["direct"],
            create_regions=data["create_regions"],
        )  # fmt: skip
        return redirect("orgs:import_job", pk=job.pk)
    recent = Job.objects.visible_to(request.user).filter(kind=roster_jobs.KIND)[:10]
    context = {"form": form, "recent": recent, "columns": list(LABELS.values())}
    return render(request, "orgs/import_projects.html", context)


@login_required
def import_job(request: HttpRequest, pk: int) -> HttpResponse:
    """The job page; htmx polls the same URL for the status partial until the job is finished."""
    _require_importer(request)
    job = _import_job(request, pk)
    context = {"job": job, "status_labels": STATUS_LABELS, "rows": job.result.get("rows", [])}
    template = "orgs/_import_result.html" if request.htmx else "orgs/import_job.html"
    return render(request, template, context)


@login_required
@require_POST
def import_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    _require_importer(request)
    preview = _import_job(request, pk)
    if not (preview.params.get("dry_run") and preview.status == Job.Status.DONE):
        raise PermissionDenied("只能确认已完成的预览")
    if not preview.params.get("path"):
        messages.error(request, "这份预览已过期（上传超过一天未确认），请重新上传文件。")
        return redirect("orgs:import_projects")
    job = roster_jobs.confirm_import(
        request.user, preview, create_regions=bool(request.POST.get("create_regions"))
    )
    return redirect("orgs:import_job", pk=job.pk)
