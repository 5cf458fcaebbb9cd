"""Home, project and company pages. Scope first: every object comes through visible_to."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from config.uploads import content_disposition

from .excel import write_roster
from .filters import CompanyFilter, ProjectFilter
from .home import panels_for
from .models import Company, Department, Job, Project, ProjectAssignment, Region
from .roster_jobs import can_import

PAGE_SIZE = 25
PICK_LIMIT = 20  # matches a type-ahead offers; typing more narrows them
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def paginate(request: HttpRequest, queryset, per_page: int = PAGE_SIZE):
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Each role's start page: its organisation, the size of its scope, its projects, the apps' panels."""
    projects = Project.objects.visible_to(request.user)
    figures = projects.aggregate(
        projects=Count("pk"), households=Sum("households"), companies=Count("company", distinct=True)
    )
    by_township = (
        projects.values("township__name").annotate(n=Count("pk")).order_by("-n", "township__name")[:6]
    )
    context = {
        "figures": figures,
        "project_count": figures["projects"],
        "by_township": by_township,
        "recent_projects": projects.select_related("township", "company").order_by("name")[:8],
        "panels": panels_for(request),
    }
    return render(request, "orgs/home.html", context)


@login_required
def project_list(request: HttpRequest) -> HttpResponse:
    projects = Project.objects.visible_to(request.user).select_related(
        "township", "community", "company", "manager"
    )
    filterset = ProjectFilter(request.GET, queryset=projects, request=request)
    page = paginate(request, filterset.qs)
    template = "orgs/_project_rows.html" if request.htmx else "orgs/project_list.html"
    context = {"filter": filterset, "page": page, "can_import": can_import(request.user)}
    return render(request, template, context)


@login_required
def project_export(request: HttpRequest) -> HttpResponse:
    """The filtered, scoped project list as a roster workbook that import_projects reads back."""
    projects = (
        Project.objects.visible_to(request.user)
        .select_related("township", "community", "company", "manager")
        .prefetch_related("aliases")
    )
    filterset = ProjectFilter(request.GET, queryset=projects, request=request)
    today = timezone.localdate()
    title = f"{request.user.organisation or ''}物业服务管理基础信息台账（{today:%Y年%m月%d日}）"
    response = HttpResponse(write_roster(filterset.qs, title), content_type=XLSX)
    response["Content-Disposition"] = content_disposition(f"基础信息台账-{today:%Y%m%d}.xlsx")
    return response


@login_required
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_object_or_404(
        # The committee is a one-to-one: joined here instead of a query of its own.
        Project.objects.visible_to(request.user).select_related(
            "township", "community", "company", "manager", "owners_committee"
        ),
        pk=pk,
    )
    assignments = project.assignments.select_related("company", "manager")
    return render(
        request,
        "orgs/project_detail.html",
        {
            "project": project,
            "aliases": project.aliases.all(),
            "assignments": assignments,
            "committee": getattr(project, "owners_committee", None),
            "manager_entries": project.manager.list_entries.all() if project.manager else [],
        },
    )


@login_required
def company_list(request: HttpRequest) -> HttpResponse:
    # Count only the projects the viewer may see: a township must not learn a company's size elsewhere.
    served = (
        Project.objects.visible_to(request.user)
        .filter(company=OuterRef("pk"))
        .order_by()
        .values("company")
        .annotate(n=Count("pk"))
        .values("n")
    )
    companies = Company.objects.visible_to(request.user).annotate(project_count=Coalesce(Subquery(served), 0))
    filterset = CompanyFilter(request.GET, queryset=companies, request=request)
    page = paginate(request, filterset.qs)
    template = "orgs/_company_rows.html" if request.htmx else "orgs/company_list.html"
    return render(request, template, {"filter": filterset, "page": page})


@login_required
def company_detail(request: HttpRequest, pk: int) -> HttpResponse:
    company = get_object_or_404(Company.objects.visible_to(request.user), pk=pk)
    # A township officer sees only the company's projects in their own township.
    projects = (
        Project.objects.visible_to(request.user).filter(company=company).select_related("township", "manager")
    )
    managers = company.managers.visible_to(request.user).prefetch_related("list_entries")
    history = ProjectAssignment.objects.filter(company=company, project__in=projects).select_related(
        "project"
    )
    return render(
        request,
        "orgs/company_detail.html",
        {
            "company": company,
            "projects": projects,
            "managers": managers,
            "assignments": history[:50],
        },
    )


@login_required
def job_status(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress partial; htmx polls it every second until the job is finished."""
    job = get_object_or_404(Job.objects.visible_to(request.user), pk=pk)
    return render(request, "orgs/_job_status.html", {"job": job})


@login_required
def job_download(request: HttpRequest, pk: int) -> FileResponse:
    job = get_object_or_404(Job.objects.visible_to(request.user), pk=pk)
    if not job.result_file:
        raise Http404("该任务没有结果文件")
    name = job.result_file.name.rsplit("/", 1)[-1].split("-", 1)[-1]
    return FileResponse(job.result_file.open("rb"), as_attachment=True, filename=name)


def _pick(request: HttpRequest, rows, label) -> HttpResponse:
    """Up to PICK_LIMIT of the viewer's own rows whose name contains ?q= (an id matches exactly)."""
    q = request.GET.get("q", "").strip()[:50]
    if q:
        condition = Q(name__icontains=q)
        if q.isdigit() and len(q) < 10:  # a 编号 typed or pasted; longer digits are no id
            condition |= Q(pk=int(q))
        rows = rows.filter(condition)
    options = [(row.pk, label(row)) for row in rows.order_by("name", "pk")[:PICK_LIMIT]]
    return render(request, "orgs/_pick_options.html", {"options": options, "q": q})


@login_required
def pick_project(request: HttpRequest) -> HttpResponse:
    projects = (
        Project.objects.visible_to(request.user).select_related("township").only("name", "township__name")
    )
    return _pick(request, projects, lambda p: f"{p.name}（{p.township.name}）")


@login_required
def pick_company(request: HttpRequest) -> HttpResponse:
    return _pick(request, Company.objects.visible_to(request.user).only("name"), str)


@login_required
def pick_township(request: HttpRequest) -> HttpResponse:
    return _pick(request, Region.objects.visible_to(request.user).townships(), str)


@login_required
def pick_region(request: HttpRequest) -> HttpResponse:
    """Any level (a task force belongs to its county or city, a township officer to a township)."""
    regions = Region.objects.visible_to(request.user).only("name", "level")
    return _pick(request, regions, lambda r: f"{r.name}（{r.get_level_display()}）")


@login_required
def pick_department(request: HttpRequest) -> HttpResponse:
    departments = Department.objects.visible_to(request.user).select_related("region")
    return _pick(request, departments.only("name", "region__name"), lambda d: f"{d.name}（{d.region.name}）")


@login_required
def pick_community(request: HttpRequest) -> HttpResponse:
    communities = Region.objects.visible_to(request.user).filter(level=Region.Level.COMMUNITY)
    communities = communities.select_related("parent").only("name", "parent__name")
    return _pick(request, communities, lambda c: f"{c.name}（{c.parent.name}）" if c.parent else c.name)
