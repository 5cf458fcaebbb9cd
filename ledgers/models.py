"""The rectification ledger (整治工作台账): one item per problem, its history, evidence and orders.

Seed 001 附件2: "问题、整治措施等相对应，每条问题占一行。序号同项目名称等对应，一个项目一个序号。"
So an item is one problem of one project; 序号 is numbered per project at export time and
never stored. 项目名称, 服务标准, 社区 and 街道 are read from the project; the company that
served the project when the problem was logged is kept as a snapshot (`company`), because
the project may change hands before the item is closed.
"""

import secrets
from datetime import date

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from campaigns.models import Campaign, Category
from orgs.models import Company, Department, Project, Region

from .querysets import (
    EvidenceQuerySet,
    LedgerEventQuerySet,
    LedgerItemQuerySet,
    OrderResponseQuerySet,
    RectificationOrderQuerySet,
    RectificationPlanQuerySet,
)


class LedgerItem(models.Model):
    class Source(models.TextChoices):
        INSPECTION = "inspection", _("排查")
        SELF_CHECK = "self_check", _("自查")
        HOTLINE = "hotline", _("12345")
        SUPERVISION = "supervision", _("督查")
        SNAPSHOT = "snapshot", _("随手拍")
        PETITION = "petition", _("信访")
        MEDIA = "media", _("舆情")

    class Status(models.TextChoices):
        REGISTERED = "registered", _("待整改")
        IN_PROGRESS = "in_progress", _("整改中")
        SUBMITTED = "submitted", _("待验收")
        CLOSED = "closed", _("已销号")
        WITHDRAWN = "withdrawn", _("已撤销")

    class Escalation(models.TextChoices):
        NONE = "", _("未督办")
        COUNTY = "county", _("县级挂牌督办")
        CITY = "city", _("市级挂牌督办")

    OPEN_STATUSES = (Status.REGISTERED, Status.IN_PROGRESS, Status.SUBMITTED)

    # Null until the row has its id (the code is built from it); unique once set.
    reference = models.CharField(  # noqa: DJ001
        _("台账编号"), max_length=24, unique=True, editable=False, null=True
    )
    campaign = models.ForeignKey(
        Campaign, models.PROTECT, related_name="ledger_items", verbose_name=_("整治行动")
    )
    category = models.ForeignKey(
        Category,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="ledger_items",
        verbose_name=_("整治内容"),
    )
    project = models.ForeignKey(
        Project, models.PROTECT, related_name="ledger_items", verbose_name=_("项目名称")
    )
    # Who served the project when the problem was logged (物业服务企业 on the template).
    company = models.ForeignKey(
        Company,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="ledger_items",
        verbose_name=_("物业服务企业"),
    )
    # Copied from the project at creation so scoping is one indexed prefix filter.
    township = models.ForeignKey(Region, models.PROTECT, related_name="ledger_items", verbose_name=_("街道"))
    region_path = models.CharField(max_length=255, editable=False, db_index=True, default="")

    problem = models.TextField(_("存在问题"))
    measures = models.TextField(_("整治措施"), blank=True)
    deadline = models.DateField(_("完成时限"), null=True, blank=True)
    responsible_person = models.CharField(_("责任人"), max_length=100, blank=True)
    progress_note = models.TextField(_("进展情况"), blank=True)
    remarks = models.TextField(_("备注"), blank=True)

    source = models.CharField(_("问题来源"), max_length=16, choices=Source.choices, default=Source.INSPECTION)
    # The record the item was born of, e.g. "complaint:123" for a 12345 complaint. A plain
    # string because complaints/ is another app built alongside; it links by writing this.
    source_ref = models.CharField(_("来源记录"), max_length=64, blank=True, db_index=True)
    responsible_unit = models.ForeignKey(
        Department,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="ledger_items",
        verbose_name=_("责任单位"),
    )

    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.REGISTERED)
    escalation_level = models.CharField(
        _("挂牌督办"), max_length=8, choices=Escalation.choices, default=Escalation.NONE, blank=True
    )
    escalation_deadline = models.DateField(_("督办时限"), null=True, blank=True)
    closed_at = models.DateTimeField(_("销号时间"), null=True, blank=True)
    # Bumped on every change: optimistic concurrency for pages and API, conflicts for imports.
    version = models.PositiveIntegerField(_("版本"), default=1)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("登记人"),
    )
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = LedgerItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("台账问题")
        verbose_name_plural = _("整治工作台账")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["campaign", "status"], name="ledger_campaign_status"),
            models.Index(fields=["status", "deadline"], name="ledger_status_deadline"),
            models.Index(fields=["company", "status"], name="ledger_company_status"),
            models.Index(fields=["project", "id"], name="ledger_project_id"),
            models.Index(fields=["responsible_unit", "status"], name="ledger_unit_status"),
            # The list page keys its cached counts on MAX(updated_at): one index probe.
            models.Index(fields=["updated_at"], name="ledger_updated_at"),
        ]

    def __str__(self) -> str:
        return f"{self.reference or '—'} {self.problem[:30]}"

    def save(self, *args, **kwargs) -> None:
        if self.project_id and not self.township_id:
            self.township_id = self.project.township_id
        if self.project_id and not self.region_path:
            self.region_path = self.project.region_path
        super().save(*args, **kwargs)
        if not self.reference:
            self.reference = f"TZ-{timezone.localtime(self.created_at):%Y}-{self.pk:06d}"
            LedgerItem.objects.filter(pk=self.pk).update(reference=self.reference)

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    def is_overdue_on(self, today: date) -> bool:
        """SPEC: "逾期 overdue is not a state someone sets: it is what an open item is after its deadline"."""
        return self.is_open and self.deadline is not None and self.deadline < today

    @property
    def is_overdue(self) -> bool:
        return self.is_overdue_on(timezone.localdate())

    @property
    def is_escalated(self) -> bool:
        return bool(self.escalation_level)


class LedgerEvent(models.Model):
    """One recorded change of an item: who, when, which move, what before and after. Append-only."""

    item = models.ForeignKey(LedgerItem, models.PROTECT, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    move = models.CharField(_("操作"), max_length=16)
    from_status = models.CharField(_("原状态"), max_length=16, blank=True)
    to_status = models.CharField(_("新状态"), max_length=16, blank=True)
    note = models.TextField(_("说明"), blank=True)
    changes = models.JSONField(_("变更"), default=dict, blank=True)  # {field: [before, after]}
    at = models.DateTimeField(_("时间"), default=timezone.now)

    objects = LedgerEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("台账记录")
        verbose_name_plural = _("台账记录")
        ordering = ["item_id", "at", "id"]
        indexes = [models.Index(fields=["item", "at"], name="ledger_event_item_at")]

    def __str__(self) -> str:
        return f"{self.item_id} {self.move} {timezone.localtime(self.at):%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise ValueError("LedgerEvent is append-only")
        super().save(*args, **kwargs)


def evidence_path(evidence: "Evidence", filename: str) -> str:
    """A generated name: nothing of the uploader's file name reaches the file system."""
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"evidence/{timezone.now():%Y/%m}/{secrets.token_hex(16)}.{ext}"


class RectificationOrder(models.Model):
    """整改通知书: a township or the task force tells one company what to fix at one project, by when."""

    class Status(models.TextChoices):
        ISSUED = "issued", _("已下达")
        ANSWERED = "answered", _("待验收")
        CLOSED = "closed", _("已办结")

    number = models.CharField(_("文号"), max_length=64)
    title = models.CharField(_("标题"), max_length=200, default="物业服务问题整改通知书")
    campaign = models.ForeignKey(Campaign, models.PROTECT, related_name="orders", verbose_name=_("整治行动"))
    project = models.ForeignKey(Project, models.PROTECT, related_name="orders", verbose_name=_("项目"))
    company = models.ForeignKey(Company, models.PROTECT, related_name="orders", verbose_name=_("物业企业"))
    township = models.ForeignKey(Region, models.PROTECT, related_name="orders", verbose_name=_("街道"))
    region_path = models.CharField(max_length=255, editable=False, db_index=True, default="")
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("发出人")
    )
    sender_org = models.CharField(_("发文单位"), max_length=200)
    items = models.ManyToManyField(LedgerItem, through="OrderResponse", related_name="orders")
    deadline = models.DateField(_("整改时限"))
    body = models.TextField(_("正文"))
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.ISSUED)
    issued_at = models.DateTimeField(_("下达时间"), default=timezone.now)

    objects = RectificationOrderQuerySet.as_manager()

    class Meta:
        verbose_name = _("整改通知书")
        verbose_name_plural = _("整改通知书")
        ordering = ["-issued_at", "-id"]
        indexes = [models.Index(fields=["company", "status"], name="order_company_status")]

    def __str__(self) -> str:
        return f"{self.number} {self.project}"

    def save(self, *args, **kwargs) -> None:
        if not self.region_path:
            self.region_path = self.project.region_path
        super().save(*args, **kwargs)


class OrderResponse(models.Model):
    """One item of an order and the company's answer to it; the sender accepts or returns it."""

    class Decision(models.TextChoices):
        PENDING = "", _("待答复")
        ANSWERED = "answered", _("待验收")
        ACCEPTED = "accepted", _("已验收")
        RETURNED = "returned", _("已退回")

    order = models.ForeignKey(RectificationOrder, models.PROTECT, related_name="responses")
    item = models.ForeignKey(LedgerItem, models.PROTECT, related_name="order_responses")
    measures = models.TextField(_("整改措施"), blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    decision = models.CharField(
        _("验收结果"), max_length=16, choices=Decision.choices, default="", blank=True
    )
    reason = models.TextField(_("退回理由"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("验收时间"), null=True, blank=True)

    objects = OrderResponseQuerySet.as_manager()

    class Meta:
        verbose_name = _("整改答复")
        verbose_name_plural = _("整改答复")
        ordering = ["order_id", "item_id"]
        constraints = [models.UniqueConstraint(fields=["order", "item"], name="order_response_unique_item")]

    def __str__(self) -> str:
        return f"{self.order} · {self.item}"


class Evidence(models.Model):
    """A photo or document attached to an item; served only through a view that checks scope."""

    class Kind(models.TextChoices):
        BEFORE = "before", _("整改前")
        AFTER = "after", _("整改后")
        DOCUMENT = "document", _("文件")

    item = models.ForeignKey(LedgerItem, models.PROTECT, related_name="evidence")
    response = models.ForeignKey(
        OrderResponse, models.PROTECT, null=True, blank=True, related_name="evidence"
    )
    kind = models.CharField(_("类别"), max_length=16, choices=Kind.choices, default=Kind.BEFORE)
    file = models.FileField(upload_to=evidence_path, max_length=200)
    original_name = models.CharField(_("原文件名"), max_length=255, blank=True)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(_("大小"), default=0)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("上传时间"), default=timezone.now)

    objects = EvidenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("佐证材料")
        verbose_name_plural = _("佐证材料")
        ordering = ["item_id", "uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name or self.file.name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class RectificationPlan(models.Model):
    """整改计划 (seed 004): an item that cannot be fixed soon gets a plan and a later deadline."""

    item = models.ForeignKey(LedgerItem, models.PROTECT, related_name="plans")
    old_deadline = models.DateField(_("原完成时限"), null=True, blank=True)
    new_deadline = models.DateField(_("新完成时限"))
    plan = models.TextField(_("整改计划"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("时间"), default=timezone.now)

    objects = RectificationPlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("整改计划")
        verbose_name_plural = _("整改计划")
        ordering = ["item_id", "created_at"]

    def __str__(self) -> str:
        return f"{self.item} → {self.new_deadline}"


from .audit import AuditRecord  # noqa: E402  (the audit triggers' table lives with its triggers)
from .reporting_models import (  # noqa: E402  (reporting models live in their own module)
    Bulletin,
    MonthlyReport,
    ReportTemplate,
    TypicalCase,
)

__all__ = [
    "AuditRecord",
    "Bulletin",
    "Evidence",
    "LedgerEvent",
    "LedgerItem",
    "MonthlyReport",
    "OrderResponse",
    "RectificationOrder",
    "RectificationPlan",
    "ReportTemplate",
    "TypicalCase",
]
