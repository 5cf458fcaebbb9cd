"""Campaign pages: the list, one campaign (timeline, categories, progress, task force), its
parameters, and loading a preset. Scope first: every campaign comes through visible_to."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from orgs.models import Region

from . import parameters, progress, timeline
from .forms import CampaignParametersForm, PresetLoadForm
from .models import Campaign, TaskForceMember, WorkGroup
from .preset_loader import PresetError, available_presets, load_preset
from .preset_sources import preset_source


def can_manage(user, campaign: Campaign) -> bool:
    """The task force of the campaign's jurisdiction (or above it), and admins, set a campaign up."""
    if user.is_admin:
        return True
    return (
        user.role == user.Role.TASK_FORCE
        and user.region_id is not None
        and campaign.jurisdiction.path.startswith(user.region.path)
    )


def may_exchange_ledger(user) -> bool:
    """Task force, townships and admins keep the ledger in Excel; companies answer in the system."""
    return user.is_admin or user.role in (user.Role.TASK_FORCE, user.Role.TOWNSHIP)


def may_load_presets(user) -> bool:
    return user.is_admin or (user.role == user.Role.TASK_FORCE and user.region_id is not None)


def campaign_for(request: HttpRequest, slug: str) -> Campaign:
    return get_object_or_404(
        Campaign.objects.visible_to(request.user).select_related("jurisdiction"), slug=slug
    )


@login_required
def campaign_list(request: HttpRequest) -> HttpResponse:
    campaigns = Campaign.objects.visible_to(request.user).select_related("jurisdiction")
    return render(
        request,
        "campaigns/campaign_list.html",
        {"campaigns": campaigns, "may_load": may_load_presets(request.user)},
    )


@login_required
def campaign_detail(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = campaign_for(request, slug)
    today = timezone.localdate()
    categories = progress.by_category(campaign, request.user, today)
    townships = progress.by_township(campaign, request.user, today)
    groups = WorkGroup.objects.filter(campaign=campaign).prefetch_related(
        Prefetch("members", queryset=TaskForceMember.objects.order_by("order")), "member_units"
    )
    context = {
        "campaign": campaign,
        "today": today,
        "timeline": timeline.build(list(campaign.phases.all()), today),
        "categories": categories,
        "townships": townships,
        "total": progress.totals(categories),
        "leaders": TaskForceMember.objects.filter(campaign=campaign, group=None),
        "groups": groups,
        "charts": {
            "categories": progress.chart_data(categories),
            "townships": progress.chart_data(townships),
        },
        "manage": can_manage(request.user, campaign),
        "exchange": may_exchange_ledger(request.user),
    }
    return render(request, "campaigns/campaign_detail.html", context)


@login_required
def campaign_settings(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = campaign_for(request, slug)
    if not can_manage(request.user, campaign):
        raise PermissionDenied(_("只有本级专班可以修改整治行动的参数。"))
    starts = parameters.default_starts(campaign, timezone.localdate())
    form = CampaignParametersForm(request.POST or None, instance=campaign, starts=starts)
    if request.method == "POST" and form.is_valid():
        chosen = {
            "monthly": form.cleaned_data["monthly_from"],
            "quarterly": form.cleaned_data["quarterly_from"],
        }
        values = {
            name: getattr(form.instance, name) for names in parameters.SCOPES.values() for name in names
        }
        try:
            with transaction.atomic():
                changed = parameters.change(campaign, values, chosen, request.user)
                form.save()
        except parameters.ParameterError as error:
            form.add_error(f"{error.scope}_from", str(error))
        else:
            messages.success(request, _saved_message(changed))
            return redirect("campaigns:campaign_detail", slug=campaign.slug)
    context = {"campaign": campaign, "form": form, "versions": campaign.parameter_versions.all()}
    return render(request, "campaigns/campaign_settings.html", context)


def _saved_message(changed) -> str:
    if not changed:
        return _("已保存。")
    starts = "；".join(f"{v.get_scope_display()}自 {v.applies_from} 起" for v in changed)
    return _("参数已保存：%(s)s适用新参数。已计算的期间保持原参数，已作出的决定不变。") % {"s": starts}


@login_required
def preset_list(request: HttpRequest) -> HttpResponse:
    if not may_load_presets(request.user):
        raise PermissionDenied(_("只有专班和管理员可以载入预设。"))
    regions = Region.objects.visible_to(request.user)
    form = PresetLoadForm(request.POST or None, regions=regions)
    if request.method == "POST" and form.is_valid():
        try:
            result = load_preset(
                request.POST.get("preset", ""),
                form.cleaned_data["jurisdiction"].pk,
                form.cleaned_data["slug"] or None,
                form.cleaned_data["start"],
            )
        except PresetError as error:
            messages.error(request, str(error))
        else:
            verb = _("已创建") if result.created else _("已存在，已补齐缺少的部分")
            messages.success(request, f"{result.campaign.title}：{verb}")
            return redirect("campaigns:campaign_detail", slug=result.campaign.slug)
    context = {"presets": available_presets(), "form": form, "may_load": True}
    return render(request, "campaigns/preset_list.html", context)


@login_required
def preset_source_page(request: HttpRequest, slug: str) -> HttpResponse:
    """The plan a preset was transcribed from. Public government documents: any signed-in user may read them."""
    try:
        source = preset_source(slug)
    except PresetError as error:
        raise Http404(str(error)) from error
    return render(
        request,
        "campaigns/preset_source.html",
        {"source": source, "presets": available_presets(), "may_load": may_load_presets(request.user)},
    )
