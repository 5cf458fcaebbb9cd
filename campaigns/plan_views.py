"""The plan page: a campaign made from a preset is edited to fit its county (title, 属地, phases, categories).

A preset is a template (issue 14): the plan of another county and year. After loading it, the task force
renames it, moves it to its own region, adjusts the phases and the categories with their lead units.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from orgs.models import Region

from .models import Campaign, Category
from .plan_forms import CategoryFormSet, PhaseFormSet, PlanForm, units_for
from .views import campaign_for, can_manage


@login_required
def campaign_plan(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = campaign_for(request, slug)
    if not can_manage(request.user, campaign):
        raise PermissionDenied(_("只有本级专班可以修改整治方案。"))
    data = request.POST or None
    regions = Region.objects.visible_to(request.user)
    plan = PlanForm(data, instance=campaign, regions=regions, prefix="plan")
    phases = PhaseFormSet(data, queryset=campaign.phases.order_by("order", "start"), prefix="phase")
    categories = CategoryFormSet(
        data,
        queryset=campaign.categories.all(),
        prefix="cat",
        form_kwargs={"units": units_for(campaign), "campaign": campaign},
    )
    if request.method == "POST" and all(f.is_valid() for f in (plan, phases, categories)):
        with transaction.atomic():
            plan.save()
            _save_phases(campaign, phases)
            _save_categories(campaign, categories)
        messages.success(request, _("整治方案已保存"))
        return redirect("campaigns:campaign_detail", slug=campaign.slug)
    context = {"campaign": campaign, "plan": plan, "phases": phases, "categories": categories}
    return render(request, "campaigns/campaign_plan.html", context)


def _save_phases(campaign: Campaign, formset: PhaseFormSet) -> None:
    """Edited phases keep their place; a new one goes last."""
    last = max((p.order for p in campaign.phases.all()), default=0)
    for phase in formset.save(commit=False):
        if phase.pk is None:
            last += 1
            phase.campaign, phase.order = campaign, last
        phase.save()


def _save_categories(campaign: Campaign, formset: CategoryFormSet) -> None:
    """A new category finds its area by its code ("3.4" under "3") and its place by the code's last number."""
    for form in formset.forms:
        if not form.has_changed():
            continue
        category = form.save(commit=False)
        if category.pk is None:
            category.campaign = campaign
            head, _dot, tail = category.code.rpartition(".")
            category.parent = Category.objects.filter(campaign=campaign, code=head).first() if head else None
            category.order = int(tail) if tail.isdigit() else campaign.categories.count() + 1
        category.save()
        form.save_m2m()
