"""The reporting panel on the home page: this month's report and its due day, and the latest bulletin."""

from django.http import HttpRequest
from django.utils import timezone

from campaigns.models import Campaign
from orgs.models import Region, User

from . import monthly_reports
from .models import Bulletin, MonthlyReport


def reporting_panel(request: HttpRequest) -> dict | None:
    """A township sees whether its report is in; the task force how many townships reported and are late."""
    user = request.user
    if not (user.is_admin or user.role in (User.Role.TASK_FORCE, User.Role.TOWNSHIP)):
        return None
    campaign = (
        Campaign.objects.visible_to(user)
        .filter(is_active=True)
        .select_related("jurisdiction")
        .order_by("-id")
        .first()
    )
    if campaign is None:
        return None
    today = timezone.localdate()
    month = monthly_reports.month_due_on(campaign.report_due_day, today)
    reports = MonthlyReport.objects.visible_to(user).filter(campaign=campaign, month=month)
    context = {
        "campaign": campaign,
        "month": month,
        "due": monthly_reports.due_date(campaign.report_due_day, month),
        "bulletin": Bulletin.objects.visible_to(user)
        .filter(campaign=campaign, status="published")
        .order_by("-published_at")
        .first(),
    }
    if user.role == User.Role.TOWNSHIP:
        context["mine"] = reports.first()
    else:
        towns = Region.objects.filter(
            path__startswith=campaign.jurisdiction.path, level=Region.Level.TOWNSHIP
        )
        context["submitted"] = reports.filter(status=MonthlyReport.Status.SUBMITTED).count()
        context["townships"] = towns.count()
    return context
