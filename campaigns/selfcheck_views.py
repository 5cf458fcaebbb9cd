"""Self-check pages: the list of filled forms of a campaign, filling one, and reading one."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from ledgers.workflow import WorkflowError
from orgs.models import Project

from . import selfcheck
from .forms import SelfCheckForm
from .models import SelfCheck
from .views import campaign_for

FILLERS = ("company", "township", "task_force")


def _may_fill(user) -> bool:
    return not user.is_admin and user.role in FILLERS


@login_required
def selfcheck_list(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = campaign_for(request, slug)
    checks = (
        SelfCheck.objects.visible_to(request.user)
        .filter(campaign=campaign)
        .select_related("project", "filled_by")[:200]
    )
    return render(
        request,
        "campaigns/selfcheck_list.html",
        {"campaign": campaign, "checks": checks, "may_fill": _may_fill(request.user)},
    )


@login_required
def selfcheck_fill(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = campaign_for(request, slug)
    if not _may_fill(request.user):
        raise PermissionDenied(_("自查表由物业企业或镇街填写。"))
    template = selfcheck.load_template()
    projects = Project.objects.visible_to(request.user).filter(
        region_path__startswith=campaign.jurisdiction.path
    )
    form = SelfCheckForm(
        request.POST or None,
        template=template,
        projects=projects,
        initial={"project": request.GET.get("project")},
    )
    if request.method == "POST" and form.is_valid():
        try:
            check = selfcheck.submit(
                campaign,
                form.cleaned_data["project"],
                request.user,
                form.answers(),
                template,
                form.cleaned_data["deadline"],
            )
        except WorkflowError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request, _("自查表已提交，发现 %(n)d 个问题，已登记到台账。") % {"n": check.problem_count}
            )
            return redirect("campaigns:selfcheck_detail", slug=campaign.slug, pk=check.pk)
    return render(
        request, "campaigns/selfcheck_form.html", {"campaign": campaign, "form": form, "template": template}
    )


@login_required
def selfcheck_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    campaign = campaign_for(request, slug)
    check = get_object_or_404(
        SelfCheck.objects.visible_to(request.user).select_related("project", "filled_by"),
        pk=pk,
        campaign=campaign,
    )
    return render(request, "campaigns/selfcheck_detail.html", {"campaign": campaign, "check": check})
