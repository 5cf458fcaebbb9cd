"""The monthly ranking (通报) and township pages; all rows come through visible_to."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from campaigns.models import Campaign
from config.uploads import content_disposition
from orgs.models import OutboxMessage, Region
from orgs.outbox import BROKER_DOWN, enqueue

from . import excel, pages, recompute, rules, tasks, workflow
from .models import MonthlyRun


def _campaign_and_month(
    request: HttpRequest, campaigns: list[Campaign] | None = None
) -> tuple[Campaign, str | None, MonthlyRun | None]:
    campaign = pages.choose_campaign(request.user, request.GET.get("campaign"), campaigns)
    if campaign is None:
        raise Http404("没有可查看的整治行动")
    month = pages.choose_month(campaign, request.GET.get("month"))
    run = MonthlyRun.objects.filter(campaign=campaign, month=month).first() if month else None
    return campaign, month, run


@login_required
def ranking(request: HttpRequest) -> HttpResponse:
    campaigns = pages.visible_campaigns(request.user)
    campaign, month, run = _campaign_and_month(request, campaigns)
    rows = list(pages.top_rows(request.user, campaign, month)) if run else []
    context = {
        "campaign": campaign,
        "campaigns": campaigns,
        "month": month or rules.shift_month(rules.month_key(timezone.localdate()), -1),
        "run": run,
        "rows": rows,
        "trend": pages.trend(request.user, campaign, month, rows) if run else None,
        **_actions_shown(request.user, campaign, month if run else None),
        "can_compute": workflow.can_import(request.user),
    }
    return render(request, "complaints/ranking.html", context)


# A province month proposes hundreds of 工作提醒 (one per township whose complaints rose): the page
# lists the first ones (工作提醒 sort last) and links to the full register for the rest.
ACTIONS_SHOWN = 30


def _actions_shown(user, campaign: Campaign, month: str | None) -> dict:
    if month is None:
        return {"actions": [], "actions_total": 0}
    actions = pages.month_actions(user, campaign, month)
    shown = list(actions[:ACTIONS_SHOWN])
    total = len(shown) if len(shown) < ACTIONS_SHOWN else actions.count()
    return {"actions": shown, "actions_total": total}


@login_required
def ranking_print(request: HttpRequest) -> HttpResponse:
    campaign, month, run = _campaign_and_month(request)
    if run is None:
        raise Http404("该月尚未计算")
    rows = pages.top_rows(request.user, campaign, month)
    return render(
        request,
        "complaints/ranking_print.html",
        {"campaign": campaign, "month": month, "run": run, "rows": rows},
    )


@login_required
def ranking_export(request: HttpRequest) -> HttpResponse:
    """The 通报 workbook of the month, holding only the rows the viewer may see."""
    campaign, month, run = _campaign_and_month(request)
    if run is None:
        raise Http404("该月尚未计算")
    year, mon = month.split("-")
    title = (
        f"{year}年{int(mon)}月物业项目投诉量前{run.params.get('ranking_size', campaign.ranking_size)}名通报"
    )
    source = (
        f"数据：截至{timezone.localtime(run.computed_at):%Y年%m月%d日 %H:%M}已导入并匹配的诉求 {run.matched_complaints} 件；"
        f"规则：{campaign.title} 月度排名（并列同名次，名次≤{run.params.get('ranking_size')}即上榜）"
    )
    header = ["名次", "项目名称", "镇街", "物业企业", "项目经理", "诉求量", "较上月", "连续上榜月数"]
    body = [
        [r.rank, r.project.name, r.township.name, r.company.name if r.company else "", r.manager.name if r.manager else "",
         r.count, r.change, r.streak]
        for r in pages.top_rows(request.user, campaign, month)
    ]  # fmt: skip
    data = excel.bulletin_workbook(title, source, header, body)
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = content_disposition(f"{title}.xlsx")
    return response


@login_required
@require_POST
def compute(request: HttpRequest) -> HttpResponse:
    if not workflow.can_import(request.user):
        raise PermissionDenied("只有专班可以计算月度排名")
    campaign = get_object_or_404(Campaign.objects.visible_to(request.user), slug=request.POST.get("campaign"))
    month = request.POST.get("month", "")
    try:
        rules.parse_month(month)
    except ValueError as exc:
        messages.error(request, str(exc))
        return redirect("complaints:ranking")
    computed = MonthlyRun.objects.filter(campaign=campaign, month=month).exists()
    if computed and not request.POST.get("confirmed"):  # a computed month: see what would change first
        return redirect(f"{reverse('complaints:recompute')}?campaign={campaign.slug}&month={month}")
    if enqueue(tasks.compute_month, campaign.pk, month).status == OutboxMessage.Status.SENT:
        messages.success(request, f"已提交 {month} 的计算，完成后本页显示结果")
    else:
        messages.warning(request, f"{month} 的计算{BROKER_DOWN}")
    return redirect(f"{reverse('complaints:ranking')}?campaign={campaign.slug}&month={month}")


@login_required
def township_page(request: HttpRequest) -> HttpResponse:
    campaigns = pages.visible_campaigns(request.user)
    campaign, month, run = _campaign_and_month(request, campaigns)
    townships = (
        Region.objects.visible_to(request.user)
        .townships()
        .filter(path__startswith=campaign.jurisdiction.path)
    )
    chosen = request.GET.get("township")
    township = get_object_or_404(townships, pk=chosen) if chosen and chosen.isdigit() else townships.first()
    if township is None:
        raise Http404("没有可查看的镇街")
    year = int((month or rules.month_key(timezone.localdate()))[:4])
    context = {
        "campaign": campaign,
        "campaigns": campaigns,
        "townships": townships,
        "township": township,
        "month": month,
        "run": run,
        "year": year,
        "chart": pages.township_year(
            request.user, township, year, pages.months_without_last_year(campaign, township, year)
        ).__dict__,
        "months": pages.township_months(request.user, campaign, township),
        "actions": pages.township_actions(request.user, campaign, township),
    }
    return render(request, "complaints/township.html", context)


@login_required
def recompute_preview(request: HttpRequest) -> HttpResponse:
    """What recomputing a computed month would change (rows in and out of the list, proposals added
    or withdrawn), with the button that applies it."""
    if not workflow.can_import(request.user):
        raise PermissionDenied("只有专班可以重新计算月度排名")
    campaign, month, run = _campaign_and_month(request)
    if run is None:
        raise Http404("该月尚未计算")
    context = {
        "campaign": campaign,
        "period": month,
        "run": run,
        "changes": recompute.preview(campaign, month),
    }
    return render(request, "complaints/recompute.html", context)
