"""Reporting rhythm (SPEC.md "Reporting rhythm"): bulletins, townships' monthly reports, typical cases.

Seed 002: "实行一周一调度、一周一通报"; seed 004: "建立周调度、月通报工作机制 … 各镇(街道)于每月20日前
将整治工作臺賬、成果指標和違法典型案例報送至市級工作專班". A bulletin is computed live while it is a
draft and frozen into `snapshot` when the task force publishes it; a monthly report freezes the
township's ledger rows when it is submitted.
"""

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from campaigns.models import Campaign
from orgs.models import Company, Project, Region

from .querysets import BulletinQuerySet, MonthlyReportQuerySet, ReportTemplateQuerySet, TypicalCaseQuerySet


def default_indicators() -> list[dict]:
    """成果指标 of seed 004 附件4 and seed 001's 月度进展报表, as the form the township fills."""
    return [
        {"key": "projects_inspected", "label": "排查项目数（个）", "unit": "个"},
        {"key": "problems_found", "label": "发现问题数（个）", "unit": "个"},
        {"key": "problems_solved", "label": "整改问题数（个）", "unit": "个"},
        {"key": "orders_issued", "label": "下达整改通知书（份）", "unit": "份"},
        {"key": "fines_yuan", "label": "罚款金额（元）", "unit": "元"},
        {"key": "meetings_held", "label": "召开调度会议（次）", "unit": "次"},
        {"key": "typical_cases", "label": "查处违法典型案例（个）", "unit": "个"},
    ]


class ReportTemplate(models.Model):
    """The outcome-indicator form (成果指标) a campaign asks townships to fill each month."""

    campaign = models.OneToOneField(Campaign, models.CASCADE, related_name="report_template")
    indicators = models.JSONField(_("成果指标"), default=default_indicators)

    objects = ReportTemplateQuerySet.as_manager()

    class Meta:
        verbose_name = _("月报模板")
        verbose_name_plural = _("月报模板")

    def __str__(self) -> str:
        return f"{self.campaign} 月报模板"


class Bulletin(models.Model):
    """周调度 / 月通报 of one campaign for one ISO week ("2026-W47") or month ("2026-11")."""

    class Kind(models.TextChoices):
        WEEKLY = "weekly", _("周调度")
        MONTHLY = "monthly", _("月通报")

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        PUBLISHED = "published", _("已印发")

    campaign = models.ForeignKey(
        Campaign, models.PROTECT, related_name="bulletins", verbose_name=_("整治行动")
    )
    kind = models.CharField(_("类型"), max_length=8, choices=Kind.choices)
    period = models.CharField(_("期间"), max_length=8)
    number = models.PositiveIntegerField(_("期数"), default=0)
    issuer = models.CharField(_("印发单位"), max_length=200, blank=True)
    commentary = models.TextField(_("工作情况"), blank=True)
    next_steps = models.TextField(_("下步工作"), blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    # The figures as computed at publication; empty while a draft (drafts recompute live).
    snapshot = models.JSONField(_("数据快照"), default=dict, blank=True)
    published_at = models.DateTimeField(_("印发时间"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    objects = BulletinQuerySet.as_manager()

    class Meta:
        verbose_name = _("通报")
        verbose_name_plural = _("通报")
        ordering = ["campaign_id", "-period", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "kind", "period"], name="bulletin_unique_period")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.period}"

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def heading(self) -> str:
        return f"物业领域突出问题专项整治工作{self.get_kind_display()}"


class MonthlyReport(models.Model):
    """A township's monthly report: indicators, the ledger frozen at submission, typical cases."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("已报送")
        RETURNED = "returned", _("已退回")

    campaign = models.ForeignKey(
        Campaign, models.PROTECT, related_name="monthly_reports", verbose_name=_("整治行动")
    )
    township = models.ForeignKey(
        Region, models.PROTECT, related_name="monthly_reports", verbose_name=_("街道")
    )
    region_path = models.CharField(max_length=255, db_index=True)
    month = models.CharField(_("月份"), max_length=7)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.SUBMITTED)
    indicators = models.JSONField(_("成果指标"), default=dict)
    summary = models.TextField(_("工作进展"), blank=True)
    ledger_rows = models.JSONField(_("台账快照"), default=list)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    # The first submission decides lateness; a resubmission after a return does not make it late.
    first_submitted_at = models.DateTimeField(_("首次报送时间"))
    submitted_at = models.DateTimeField(_("报送时间"))
    return_comment = models.TextField(_("退回意见"), blank=True)
    returned_at = models.DateTimeField(_("退回时间"), null=True, blank=True)

    objects = MonthlyReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("镇街月报")
        verbose_name_plural = _("镇街月报")
        ordering = ["campaign_id", "-month", "township_id"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "township", "month"], name="monthly_report_unique")
        ]

    def __str__(self) -> str:
        return f"{self.township} {self.month}"


def case_photo_path(case: "TypicalCase", filename: str) -> str:
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "jpg"
    return f"cases/{timezone.now():%Y/%m}/{secrets.token_hex(16)}.{ext}"


class TypicalCase(models.Model):
    """典型案例 (every seed; seed 004: 违法典型案例), positive or negative, publishable for publicity."""

    class Kind(models.TextChoices):
        POSITIVE = "positive", _("正面典型")
        NEGATIVE = "negative", _("反面典型")

    campaign = models.ForeignKey(
        Campaign, models.PROTECT, related_name="typical_cases", verbose_name=_("整治行动")
    )
    township = models.ForeignKey(Region, models.PROTECT, related_name="typical_cases", verbose_name=_("街道"))
    region_path = models.CharField(max_length=255, db_index=True)
    report = models.ForeignKey(
        MonthlyReport,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("所属月报"),
    )
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("标题"), max_length=200)
    project = models.ForeignKey(
        Project, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("项目")
    )
    company = models.ForeignKey(
        Company, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("物业企业")
    )
    happened = models.TextField(_("基本情况"))
    done = models.TextField(_("处理结果"))
    photo = models.FileField(_("照片"), upload_to=case_photo_path, max_length=200, blank=True)
    photo_type = models.CharField(max_length=50, blank=True)
    is_published = models.BooleanField(_("已公开"), default=False)
    published_at = models.DateTimeField(_("公开时间"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    objects = TypicalCaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("典型案例")
        verbose_name_plural = _("典型案例")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title
