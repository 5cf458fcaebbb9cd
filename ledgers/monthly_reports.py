"""Townships' monthly reports (镇街月报) and typical cases (典型案例): due dates, lateness, submit, return.

Seed 004 §(五): "各镇(街道)于每月20日前将整治工作臺賬、成果指標和違法典型案例報送至市級工作專班";
seed 001 §(四): "活动启动后每月3日前报送上个月工作进展情况和相关报表". The campaign's
`report_due_day` says which of the two a campaign follows.
"""

from calendar import monthrange
from datetime import date, datetime

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from campaigns.models import Campaign
from orgs.models import Company, Notification, Project, Region, User
from orgs.notifications import notify

from .evidence import FileRefused, checked_content
from .models import LedgerItem, MonthlyReport, ReportTemplate, TypicalCase
from .reporting_models import default_indicators
from .workflow import WorkflowError

# A due day up to this is read as seed 001's "每月3日前报送上个月": the report looks back on the month before.
LOOK_BACK_UP_TO_DAY = 10
REMIND_DAYS_BEFORE = 3


def month_key(day: date) -> str:
    return f"{day:%Y-%m}"


def _month_start(month: str) -> date:
    year, _, mon = month.partition("-")
    return date(int(year), int(mon), 1)


def _shift(month_start: date, months: int) -> date:
    index = month_start.year * 12 + month_start.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def due_date(due_day: int, month: str) -> date:
    """The last day on which the report covering `month` is on time.

    Seed 001 (day 3): "每月3日前报送上个月" — the report for month M is due on the 3rd of M+1.
    Seed 004 (day 20): "于每月20日前…报送" — the report for month M is due on the 20th of M itself,
    covering the month's work up to then. A due day past the month's end means its last day.
    """
    start = _month_start(month)
    if due_day <= LOOK_BACK_UP_TO_DAY:
        start = _shift(start, 1)
    return start.replace(day=min(due_day, monthrange(start.year, start.month)[1]))


def month_due_on(due_day: int, today: date) -> str:
    """The month whose report is currently being prepared: the first one not yet past its due date."""
    start = _shift(today.replace(day=1), -1)
    while due_date(due_day, month_key(start)) < today:
        start = _shift(start, 1)
    return month_key(start)


def is_late(due: date, submitted_at: datetime | None, now: datetime) -> bool:
    """Late: not submitted by the end of the due day in Asia/Shanghai (23:59:59 on the day is on time)."""
    if submitted_at is None:
        return timezone.localdate(now) > due
    return timezone.localdate(submitted_at) > due


def indicators_of(campaign: Campaign) -> list[dict]:
    template = ReportTemplate.objects.filter(campaign=campaign).first()
    return template.indicators if template else default_indicators()


def township_of(user: User) -> Region:
    if user.role != User.Role.TOWNSHIP or user.region is None or user.region.level != Region.Level.TOWNSHIP:
        raise WorkflowError("只有镇（街道）账号可以报送月报。")
    return user.region


def labelled_indicators(report: MonthlyReport) -> list[tuple[str, object]]:
    """(名称, 数值) in the campaign's indicator order.

    The values are a JSON object, and PostgreSQL's jsonb does not keep key order, so the
    template's list decides it; keys the template no longer has (an older template) follow.
    """
    fields = indicators_of(report.campaign)
    known = [(f["label"], report.indicators[f["key"]]) for f in fields if f["key"] in report.indicators]
    listed = {f["key"] for f in fields}
    return known + [(key, value) for key, value in report.indicators.items() if key not in listed]


def clean_indicators(campaign: Campaign, raw: dict) -> dict:
    """Each indicator as a number ≥ 0; a blank or non-number is refused with the indicator's name."""
    values = {}
    for field in indicators_of(campaign):
        text = (raw.get(field["key"]) or "").strip()
        try:
            value = float(text) if "." in text else int(text)
        except ValueError:
            raise WorkflowError(f"“{field['label']}”请填写数字。") from None
        if value < 0:
            raise WorkflowError(f"“{field['label']}”不能为负数。")
        values[field["key"]] = value
    return values


def ledger_snapshot(campaign: Campaign, township: Region) -> list[dict]:
    """The township's ledger as it stands at submission, one plain row per item (附件3 整治工作台账)."""
    rows = (
        LedgerItem.objects.filter(campaign=campaign, township=township)
        .exclude(status=LedgerItem.Status.WITHDRAWN)
        .order_by("project__name", "id")
        .values_list(
            "reference",
            "project__name",
            "problem",
            "measures",
            "deadline",
            "responsible_person",
            "status",
            "escalation_level",
        )
    )
    labels = dict(LedgerItem.Status.choices)
    return [
        {
            "reference": ref,
            "project": project,
            "problem": problem,
            "measures": measures,
            "deadline": deadline.isoformat() if deadline else "",
            "responsible_person": person,
            "status": str(labels.get(status, status)),
            "escalated": bool(escalation),
        }
        for ref, project, problem, measures, deadline, person, status, escalation in rows
    ]


def _task_force_of(township: Region):
    above = [int(part) for part in township.path.strip("/").split("/") if part]
    return User.objects.filter(role=User.Role.TASK_FORCE, region_id__in=above)


@transaction.atomic
def submit(campaign: Campaign, user: User, month: str, indicators: dict, summary: str) -> MonthlyReport:
    """报送: a first submission, or a resubmission of a returned report; an accepted one stays as it is."""
    township = township_of(user)
    _month_start(month)
    values = clean_indicators(campaign, indicators)
    now = timezone.now()
    report = (
        MonthlyReport.objects.select_for_update()
        .filter(campaign=campaign, township=township, month=month)
        .first()
    )
    if report is not None and report.status == MonthlyReport.Status.SUBMITTED:
        raise WorkflowError("本月月报已报送；如需修改，请专班退回后重新报送。")
    if report is None:
        report = MonthlyReport(
            campaign=campaign,
            township=township,
            region_path=township.path,
            month=month,
            first_submitted_at=now,
        )
    report.status = MonthlyReport.Status.SUBMITTED
    report.indicators, report.summary = values, summary
    report.ledger_rows = ledger_snapshot(campaign, township)
    report.submitted_by, report.submitted_at = user, now
    report.save()
    TypicalCase.objects.filter(campaign=campaign, township=township, report=None).update(report=report)
    url = reverse("ledgers:report_detail", args=[report.pk])
    notify(
        _task_force_of(township), Notification.Kind.REPORT_SUBMITTED, f"{township.name}报送了{month}月报", url
    )
    return report


@transaction.atomic
def return_report(report: MonthlyReport, user: User, comment: str) -> MonthlyReport:
    """退回: the task force sends a report back with its reasons; the township resubmits."""
    if not (user.is_admin or user.role == User.Role.TASK_FORCE):
        raise WorkflowError("只有专班可以退回月报。")
    if not comment.strip():
        raise WorkflowError("请填写退回意见。")
    report = MonthlyReport.objects.select_for_update().get(pk=report.pk)
    if report.status != MonthlyReport.Status.SUBMITTED:
        raise WorkflowError("月报已退回，等待镇（街道）重新报送。")
    report.status, report.return_comment, report.returned_at = (
        MonthlyReport.Status.RETURNED,
        comment,
        timezone.now(),
    )
    report.save(update_fields=["status", "return_comment", "returned_at"])
    officers = User.objects.filter(role=User.Role.TOWNSHIP, region=report.township)
    url = reverse("ledgers:report_detail", args=[report.pk])
    notify(officers, Notification.Kind.REPORT_RETURNED, f"{report.month}月报被退回", url, body=comment)
    return report


def remind_due(today: date) -> int:
    """报送提醒: three days before the due day, townships that have not submitted get a notice."""
    sent = 0
    for campaign in Campaign.objects.filter(is_active=True).select_related("jurisdiction"):
        month = month_due_on(campaign.report_due_day, today)
        due = due_date(campaign.report_due_day, month)
        if (due - today).days != REMIND_DAYS_BEFORE:
            continue
        done = MonthlyReport.objects.filter(
            campaign=campaign, month=month, status=MonthlyReport.Status.SUBMITTED
        )
        title = f"{campaign.title}：{month}月报请于{due.month}月{due.day}日前报送"
        # The title names the campaign and month, so a rerun of the day's job tells nobody twice.
        told = Notification.objects.filter(kind=Notification.Kind.REPORT_DUE, title=title[:200])
        officers = (
            User.objects.filter(
                role=User.Role.TOWNSHIP,
                region__level=Region.Level.TOWNSHIP,
                region__path__startswith=campaign.jurisdiction.path,
            )
            .exclude(region_id__in=done.values("township_id"))
            .exclude(pk__in=told.values("user_id"))
        )
        sent += len(notify(officers, Notification.Kind.REPORT_DUE, title, reverse("ledgers:report_list")))
    return sent


def add_case(campaign: Campaign, user: User, data: dict, photo: UploadedFile | None) -> TypicalCase:
    """A township records a typical case of its own; the photo passes the evidence checks (images only)."""
    township = township_of(user)
    if not Campaign.objects.visible_to(user).filter(pk=campaign.pk).exists():
        raise WorkflowError("该整治行动不在本账号的范围内，不能登记案例。")
    project, company = _case_subjects(user, township, data)
    case = TypicalCase(
        campaign=campaign,
        township=township,
        region_path=township.path,
        kind=data["kind"],
        title=data["title"],
        project=project,
        company=company,
        happened=data["happened"],
        done=data["done"],
        created_by=user,
    )
    if photo is not None:
        content, content_type, ext = checked_content(photo)
        if not content_type.startswith("image/"):
            raise FileRefused("案例照片只接受图片。")
        case.photo.save(f"case.{ext}", ContentFile(content), save=False)
        case.photo_type = content_type
    case.save()
    return case


def _case_subjects(user: User, township: Region, data: dict) -> tuple[Project | None, Company | None]:
    """The project (and so its company) or the company a case names, only from the township's own scope.

    The form offers only visible projects, but the service is also called by the demo, imports and tests:
    a foreign id is refused here, in words, rather than silently dropped or pinned on another township.
    """
    if data.get("project"):
        project = (
            Project.objects.filter(pk=data["project"], township=township).select_related("company").first()
        )
        if project is None:
            raise WorkflowError("所选项目不在本镇（街道）辖区内，不能登记为本镇的典型案例。")
        return project, project.company
    if data.get("company"):
        company = Company.objects.visible_to(user).filter(pk=data["company"]).first()
        if company is None:
            raise WorkflowError("所选物业企业未在本镇（街道）服务项目，不能登记为本镇的典型案例。")
        return None, company
    return None, None


def set_published(case: TypicalCase, user: User, published: bool) -> None:
    """The task force decides which cases go public (公开曝光 / 宣传)."""
    if not (user.is_admin or user.role == User.Role.TASK_FORCE):
        raise WorkflowError("只有专班可以公开案例。")
    case.is_published = published
    case.published_at = timezone.now() if published else None
    case.save(update_fields=["is_published", "published_at"])


def parse_indicators(text: str) -> list[dict]:
    """The task force's indicator list, one "key|名称" a line; keys stay stable so old reports still read."""
    fields, seen = [], set()
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        key, _, label = (part.strip() for part in line.partition("|"))
        if not key.isascii() or not key.replace("_", "").isalnum() or not label:
            raise WorkflowError(f"第{number}行应为“英文标识|指标名称”，如 fines_yuan|罚款金额（元）。")
        if key in seen:
            raise WorkflowError(f"第{number}行的标识 {key} 重复。")
        seen.add(key)
        fields.append({"key": key, "label": label})
    if not fields:
        raise WorkflowError("至少需要一项成果指标。")
    return fields


def set_indicators(campaign: Campaign, user: User, text: str) -> ReportTemplate:
    if not (user.is_admin or user.role == User.Role.TASK_FORCE):
        raise WorkflowError("只有专班可以设置成果指标。")
    template, _ = ReportTemplate.objects.get_or_create(campaign=campaign)
    template.indicators = parse_indicators(text)
    template.save(update_fields=["indicators"])
    return template


def month_to_fill(campaign: Campaign, township: Region, today: date) -> str:
    """The month a township's form opens on: a missed month since the campaign began, else the one in preparation.

    With due day 20, on 24 November the month in preparation is December; a township that never
    sent November's report should meet November first, late as it is.
    """
    current = month_due_on(campaign.report_due_day, today)
    previous = month_key(_shift(_month_start(current), -1))
    began = month_key(campaign.issued_on or timezone.localdate(campaign.created_at))
    if previous < began:
        return current
    sent = MonthlyReport.objects.filter(campaign=campaign, township=township, month=previous).exists()
    return current if sent else previous
