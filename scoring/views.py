"""Quarter pages, the survey upload, inspection and evaluation forms. Scope first, then rules, then render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.db.models.functions import Floor
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from config.uploads import content_disposition
from orgs.models import Job
from orgs.outbox import enqueue
from orgs.views import paginate

from . import excel, import_jobs, recompute, tasks
from .forms import ComputeForm, EvaluationForm, ImportForm, InspectionForm, PublishMonthForm
from .models import (
    CompanyAssessment,
    CompanyBlacklist,
    CreditRating,
    InspectionScore,
    ListEntry,
    ProjectScore,
    Publication,
    ScoreRun,
    UnitScore,
)
from .periods import Quarter
from .quarterly import ScoringError
from .rules import INPUT_LABELS
from .services import publish_month, publish_quarter, record_evaluation


def is_task_force(user) -> bool:
    return user.is_admin or user.role == user.Role.TASK_FORCE


def _task_force_only(request: HttpRequest) -> None:
    if not is_task_force(request.user):
        raise Http404


@login_required
def quarter_list(request: HttpRequest) -> HttpResponse:
    runs = (
        ScoreRun.objects.visible_to(request.user)
        .select_related("campaign")
        .order_by("-quarter", "campaign__title")
    )
    published = set(Publication.objects.filter(run__in=runs).values_list("run_id", flat=True))
    job_id = request.GET.get("job", "")
    job = Job.objects.visible_to(request.user).filter(pk=job_id).first() if job_id.isdigit() else None
    context = {
        "job": job,
        "runs": [(run, run.pk in published) for run in runs],
        "can_manage": is_task_force(request.user),
        "compute_form": ComputeForm(user=request.user),
        "month_form": PublishMonthForm(user=request.user),
    }
    return render(request, "scoring/quarter_list.html", context)


def _run_for(request: HttpRequest, slug: str, quarter: str) -> ScoreRun:
    return get_object_or_404(
        ScoreRun.objects.visible_to(request.user).select_related("campaign"),
        campaign__slug=slug,
        quarter=quarter,
    )


def _rows(model, request, run):
    return model.objects.visible_to(request.user).filter(run=run)


@login_required
def quarter_detail(request: HttpRequest, slug: str, quarter: str) -> HttpResponse:
    run = _run_for(request, slug, quarter)
    scores = (
        _rows(ProjectScore, request, run)
        .select_related("project", "township", "company")
        .order_by("rank", "project_id")
    )
    previous = ScoreRun.objects.filter(
        campaign=run.campaign, quarter=str(Quarter.parse(quarter).previous())
    ).first()
    context = {
        "run": run,
        "quarter_label": Quarter.parse(run.quarter).label,
        "publication": Publication.objects.filter(run=run).first(),
        "page": _with_change(paginate(request, scores, 50), previous),
        "weights": [(INPUT_LABELS.get(k, k), v) for k, v in run.params.get("score_weights", {}).items()],
        "red": _rows(ListEntry, request, run).filter(list="red").select_related("project", "company"),
        "black": _rows(ListEntry, request, run).filter(list="black").select_related("project", "company"),
        "blacklist": _rows(CompanyBlacklist, request, run).select_related("company"),
        "ratings": _rows(CreditRating, request, run).select_related("company").order_by("-score"),
        "assessments": _rows(CompanyAssessment, request, run).select_related("company"),
        "units": _rows(UnitScore, request, run).order_by("kind", "rank"),
        "chart": _chart_data(request, run, previous),
        "can_manage": is_task_force(request.user),
    }
    return render(request, "scoring/quarter_detail.html", context)


def _with_change(page, previous: ScoreRun | None):
    """Each score on the page with its change from the previous quarter (one query for the page)."""
    before = {}
    if previous is not None:
        rows = ProjectScore.objects.filter(run=previous, project_id__in=[s.project_id for s in page])
        before = dict(rows.exclude(score=None).values_list("project_id", "score"))
    for s in page:
        s.change = s.score - before[s.project_id] if s.score is not None and s.project_id in before else None
    return page


def _distribution(request, run) -> list[int]:
    bins = [0] * 10
    if run is None:
        return bins
    rows = (
        _rows(ProjectScore, request, run)
        .exclude(score=None)
        .annotate(bin=Floor("score") / 10)
        .values("bin")
        .annotate(n=Count("id"))
    )
    for row in rows:
        bins[min(int(row["bin"]), 9)] += row["n"]
    return bins


def _chart_data(request, run, previous) -> dict:
    units_now = {u.name: float(u.score) for u in _rows(UnitScore, request, run) if u.score is not None}
    units_before = {}
    if previous is not None:
        units_before = {
            u.name: float(u.score) for u in _rows(UnitScore, request, previous) if u.score is not None
        }
    return {
        "labels": [f"{10 * i}–{10 * i + 9}" if i < 9 else "90–100" for i in range(10)],
        "current": _distribution(request, run),
        "previous": _distribution(request, previous),
        "current_label": run.quarter,
        "previous_label": previous.quarter if previous else "",
        "units": list(units_now),
        "units_current": list(units_now.values()),
        "units_previous": [units_before.get(name) for name in units_now],
    }


@login_required
def quarter_export(request: HttpRequest, slug: str, quarter: str) -> HttpResponse:
    run = _run_for(request, slug, quarter)
    data = excel.workbook_bytes(_export_sheets(request, run))
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = content_disposition(f"季度考核-{run.quarter}.xlsx")
    return response


def _export_sheets(request, run) -> list:
    def dec(v):
        return float(v) if v is not None else None

    scores = (
        _rows(ProjectScore, request, run).select_related("project", "township", "company").order_by("rank")
    )
    lists = _rows(ListEntry, request, run).select_related("project", "company")
    return [
        (
            "项目得分",
            [
                "排名",
                "项目",
                "街道/乡镇",
                "物业企业",
                "满意度",
                "督查",
                "每百户诉求",
                "整改及时率",
                "得分",
                "缺项",
            ],
            (
                [
                    s.rank,
                    s.project.name,
                    s.township.name,
                    s.company.name if s.company else "",
                    dec(s.satisfaction),
                    dec(s.inspection),
                    dec(s.complaints_per_100),
                    dec(s.timeliness),
                    dec(s.score),
                    "、".join(INPUT_LABELS[m] for m in s.missing),
                ]
                for s in scores.iterator(chunk_size=2000)
            ),
        ),
        (
            "红黑榜",
            ["榜单", "排名", "项目", "物业企业", "得分", "累计上黑榜次数"],
            (
                [
                    e.get_list_display(),
                    e.rank,
                    e.project.name,
                    e.company.name if e.company else "",
                    dec(e.score),
                    e.times or "",
                ]
                for e in lists
            ),
        ),
        (
            "信用等级",
            ["企业", "信用等级", "项目平均分", "参评项目数", "说明"],
            (
                [r.company.name, r.level, dec(r.score), r.projects, r.reason]
                for r in _rows(CreditRating, request, run).select_related("company")
            ),
        ),
        (
            "企业黑名单",
            ["企业", "黑榜项目数", "服务项目数"],
            (
                [b.company.name, b.black_projects, b.served_projects]
                for b in _rows(CompanyBlacklist, request, run).select_related("company")
            ),
        ),
        (
            "镇街部门考核",
            ["类型", "单位", "排名", "得分", "项目平均分", "按期销号率", "诉求趋势分", "倒数第一"],
            (
                [
                    u.get_kind_display(),
                    u.name,
                    u.rank,
                    dec(u.score),
                    dec(u.project_score),
                    dec(u.timeliness),
                    dec(u.trend),
                    "是" if u.is_last else "",
                ]
                for u in _rows(UnitScore, request, run)
            ),
        ),
    ]


@login_required
@require_POST
def compute(request: HttpRequest) -> HttpResponse:
    _task_force_only(request)
    form = ComputeForm(request.POST, user=request.user)
    if not form.is_valid():
        messages.error(request, _("请选择整治行动并填写季度（如 2024-Q3）"))
        return redirect("scoring:quarter_list")
    campaign, quarter = form.cleaned_data["campaign"], form.cleaned_data["quarter"]
    label = Quarter.parse(quarter).label
    computed = ScoreRun.objects.filter(campaign=campaign, quarter=quarter).exists()
    if computed and not request.POST.get("confirmed"):  # a computed quarter: see what would change first
        return redirect("scoring:recompute", slug=campaign.slug, quarter=quarter)
    job = Job.objects.create(
        kind="scoring_compute",
        title=f"{campaign.title} {label}考核计算",
        created_by=request.user,
        params={"campaign": campaign.pk, "quarter": quarter},
    )
    # A province-sized quarter takes tens of seconds: the worker runs it, the list page polls the job.
    # Views run in autocommit (no ATOMIC_REQUESTS), so the job row is committed before it is queued.
    enqueue(tasks.compute_quarter_job, job.pk, job=job)
    job.refresh_from_db()
    if job.status == Job.Status.FAILED:
        messages.error(request, job.message)
    elif job.status == Job.Status.DONE:
        messages.success(request, _("已完成 %(q)s 的考核计算") % {"q": label})
        return redirect("scoring:quarter_detail", slug=campaign.slug, quarter=quarter)
    return redirect(f"{reverse('scoring:quarter_list')}?job={job.pk}")


@login_required
@require_POST
def publish(request: HttpRequest, slug: str, quarter: str) -> HttpResponse:
    _task_force_only(request)
    run = _run_for(request, slug, quarter)
    try:
        publish_quarter(run, request.user)
        messages.success(request, _("已公示红黑榜和信用等级"))
    except ScoringError as exc:
        messages.error(request, str(exc))
    return redirect("scoring:quarter_detail", slug=slug, quarter=quarter)


@login_required
@require_POST
def publish_month_view(request: HttpRequest) -> HttpResponse:
    _task_force_only(request)
    form = PublishMonthForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            publish_month(form.cleaned_data["campaign"], form.cleaned_data["month"], request.user)
            messages.success(request, _("已公示月度通报"))
        except ScoringError as exc:
            messages.error(request, str(exc))
    else:
        messages.error(request, _("月份格式应为 YYYY-MM"))
    return redirect("scoring:quarter_list")


@login_required
def import_scores(request: HttpRequest) -> HttpResponse:
    _task_force_only(request)
    form = ImportForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        job = import_jobs.start_import(
            request.user, data["file"], data["campaign"], data["quarter"], data["kind"]
        )
        return redirect(f"{reverse('scoring:import')}?job={job.pk}")
    jobs = Job.objects.visible_to(request.user).filter(kind=import_jobs.KIND)
    job_id = request.GET.get("job", "")
    current = jobs.filter(pk=job_id).first() if job_id.isdigit() else None
    return render(request, "scoring/import.html", {"form": form, "job": current})


@login_required
def inspection_new(request: HttpRequest) -> HttpResponse:
    _task_force_only(request)
    form = InspectionForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        InspectionScore.objects.update_or_create(
            campaign=d["campaign"],
            project=d["project"],
            quarter=d["quarter"],
            defaults={"score": d["score"], "note": d["note"], "entered_by": request.user},
        )
        messages.success(
            request, _("已录入 %(p)s %(q)s 督查得分") % {"p": d["project"].name, "q": d["quarter"]}
        )
        return redirect("scoring:inspection_new")
    recent = (
        InspectionScore.objects.visible_to(request.user)
        .select_related("project")
        .order_by("-entered_at")[:20]
    )
    return render(request, "scoring/inspection_form.html", {"form": form, "recent": recent})


@login_required
def evaluation_new(request: HttpRequest) -> HttpResponse:
    _task_force_only(request)
    initial = {"project": request.GET.get("project")} if request.GET.get("project") else None
    form = EvaluationForm(request.POST or None, initial=initial, user=request.user)
    if request.method == "POST" and form.is_valid():
        d = dict(form.cleaned_data)
        campaign, project = d.pop("campaign"), d.pop("project")
        try:
            evaluation = record_evaluation(campaign, project, request.user, **d)
        except ScoringError as exc:
            messages.error(request, str(exc))
        else:
            text = (
                _("已记录服务质量评价")
                if evaluation.passed
                else _("已记录评价不合格，并提出“启动更换物业企业程序”措施")
            )
            messages.success(request, text)
            return redirect("orgs:project_detail", pk=project.pk)
    return render(request, "scoring/evaluation_form.html", {"form": form})


@login_required
def recompute_preview(request: HttpRequest, slug: str, quarter: str) -> HttpResponse:
    """What recomputing a computed quarter would change, with the button that applies it."""
    _task_force_only(request)
    run = _run_for(request, slug, quarter)
    try:
        changes = recompute.preview(run.campaign, quarter)
    except ScoringError as exc:
        messages.error(request, str(exc))
        return redirect("scoring:quarter_detail", slug=slug, quarter=quarter)
    context = {"campaign": run.campaign, "period": quarter, "run": run, "changes": changes}
    return render(request, "scoring/recompute.html", context)
