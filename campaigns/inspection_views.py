"""双随机抽查 pages: the draws and visits (scoped), making a draw, recording a visit, publishing,
and the public page (no login) of published draws. Rules live in inspection_workflow."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ledgers.workflow import WorkflowError
from orgs.models import Project, User

from . import inspection_workflow as flow
from .inspection_forms import DrawForm, FindingFormSet, VisitForm
from .inspection_models import InspectionDraw, InspectionVisit
from .inspections import ALGORITHM, DrawError
from .models import Campaign
from .views import can_manage


def _draw_for(request: HttpRequest, pk: int) -> InspectionDraw:
    draws = InspectionDraw.objects.visible_to(request.user).select_related("campaign__jurisdiction")
    return get_object_or_404(draws, pk=pk)


@login_required
def inspection_list(request: HttpRequest) -> HttpResponse:
    draws = (
        InspectionDraw.objects.visible_to(request.user)
        .select_related("campaign", "supersedes", "superseded_by")
        .order_by("-drawn_at", "-pk")[:100]
    )
    visits = (
        InspectionVisit.objects.visible_to(request.user)
        .select_related("project", "draw")
        .order_by("-visited_on", "-pk")[:100]
    )
    campaigns = [
        c
        for c in Campaign.objects.visible_to(request.user).select_related("jurisdiction")
        if can_manage(request.user, c)
    ]
    context = {"draws": draws, "visits": visits, "campaigns": campaigns}
    return render(request, "campaigns/inspections/list.html", context)


@login_required
def draw_new(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = get_object_or_404(
        Campaign.objects.visible_to(request.user).select_related("jurisdiction"), slug=slug
    )
    if not can_manage(request.user, campaign):
        raise PermissionDenied(_("只有本级专班可以组织双随机抽取。"))
    form = DrawForm(request.POST or None, campaign=campaign)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            draw = flow.make_draw(
                campaign,
                request.user,
                title=d["title"],
                pool=form.pool(),
                inspector_ids=[u.pk for u in d["inspectors"]],
                project_count=d["project_count"],
                inspector_count=d["inspector_count"],
                typed=d["typed"],
                supersedes=d.get("supersedes"),
                reason=d.get("reason") or "",
            )
        except (DrawError, WorkflowError) as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("已完成抽取，随机种子 %(seed)s。") % {"seed": draw.seed})
            return redirect("campaigns:draw_detail", pk=draw.pk)
    context = {"campaign": campaign, "form": form, "algorithm": ALGORITHM}
    return render(request, "campaigns/inspections/draw_form.html", context)


def _draw_context(draw: InspectionDraw, visits) -> dict:
    projects = Project.objects.filter(pk__in=draw.drawn_projects).select_related("township", "company")
    by_project = {v.project_id: v for v in visits}
    return {
        "draw": draw,
        "rows": [(p, by_project.get(p.pk)) for p in sorted(projects, key=lambda p: p.pk)],
        "verification": flow.verify(draw),
        "algorithm": ALGORITHM,
    }


@login_required
def draw_detail(request: HttpRequest, pk: int) -> HttpResponse:
    draw = _draw_for(request, pk)
    visits = InspectionVisit.objects.visible_to(request.user).filter(draw=draw)
    context = _draw_context(draw, visits)
    context["inspectors"] = User.objects.filter(pk__in=draw.drawn_inspectors).select_related(
        "department", "region"
    )
    context["manage"] = can_manage(request.user, draw.campaign)
    context["may_record"] = flow.may_record(request.user, draw) and not draw.is_superseded
    return render(request, "campaigns/inspections/draw_detail.html", context)


@login_required
@require_POST
def draw_publish(request: HttpRequest, pk: int) -> HttpResponse:
    draw = _draw_for(request, pk)
    try:
        flow.publish(draw, request.user)
    except WorkflowError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("抽查结果已公开。"))
    return redirect("campaigns:draw_detail", pk=draw.pk)


@login_required
def visit_new(request: HttpRequest, pk: int, project_id: int) -> HttpResponse:
    draw = _draw_for(request, pk)
    project = get_object_or_404(Project.objects.visible_to(request.user), pk=project_id)
    if not flow.may_record(request.user, draw):
        raise PermissionDenied(_("只有本次抽中的检查人员或专班可以录入检查结果。"))
    checklist = flow.load_checklist()
    inspectors = User.objects.filter(pk__in=draw.drawn_inspectors).select_related("department", "region")
    form = VisitForm(request.POST or None, checklist=checklist, inspectors=inspectors)
    findings = FindingFormSet(request.POST or None, form_kwargs={"campaign": draw.campaign})
    if request.method == "POST" and form.is_valid() and findings.is_valid():
        try:
            flow.record_visit(
                draw,
                project,
                request.user,
                visited_on=form.cleaned_data["visited_on"],
                inspector_ids=[u.pk for u in form.cleaned_data["inspectors"]],
                checklist=form.checklist_rows(),
                score=form.cleaned_data["score"],
                findings=[f for f in (fs.finding() for fs in findings) if f],
            )
        except WorkflowError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("检查结果已录入，发现的问题已登记到台账（来源：督查）。"))
            return redirect("campaigns:draw_detail", pk=draw.pk)
    context = {"draw": draw, "project": project, "form": form, "findings": findings, "checklist": checklist}
    return render(request, "campaigns/inspections/visit_form.html", context)


@login_required
def visit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    visit = get_object_or_404(
        InspectionVisit.objects.visible_to(request.user).select_related("project", "draw"), pk=pk
    )
    return render(request, "campaigns/inspections/visit_detail.html", {"visit": visit})


def public_list(request: HttpRequest) -> HttpResponse:
    """双随机一公开: every published draw, no login."""
    draws = (
        InspectionDraw.objects.published()
        .select_related("campaign", "superseded_by")
        .order_by("-published_at")
    )
    return render(request, "campaigns/inspections/public_list.html", {"draws": draws[:100]})


def public_detail(request: HttpRequest, pk: int) -> HttpResponse:
    draw = get_object_or_404(InspectionDraw.objects.published().select_related("campaign"), pk=pk)
    return render(request, "campaigns/inspections/public_detail.html", _draw_context(draw, draw.visits.all()))
