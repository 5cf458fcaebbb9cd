"""12345 诉求 and the monthly top-N ranking (SPEC.md "Complaints (12345 诉求) and the monthly top-50").

A complaint is keyed by (channel, ticket) so re-importing an export is idempotent.
Monthly results (rankings, township year-on-year figures) are derived rows of one
computation run: a rerun replaces them, while the actions they proposed live in the
one action register (campaigns.Action) and keep whatever the task force decided.
"""

import secrets

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from campaigns.models import Campaign
from config.display import readable
from orgs.models import Company, Job, Manager, Project, Region

from .querysets import (
    ComplaintQuerySet,
    ImportBatchQuerySet,
    MonthlyRankingQuerySet,
    MonthlyRunQuerySet,
    ResidentReportQuerySet,
    StatusLookupQuerySet,
    TownshipMonthQuerySet,
)


class Channel(models.TextChoices):
    """Seed 003: "12345服务热线、民心网、民生110、智慧社区等渠道"; seed 000 adds 码上办/随手拍."""

    HOTLINE = "12345", _("12345热线")
    MINXIN = "minxin", _("民心网")
    MINSHENG = "minsheng110", _("民生110")
    SMART_COMMUNITY = "smart_community", _("智慧社区")
    SNAPSHOT = "snapshot", _("随手拍/码上办")
    OTHER = "other", _("其他")


class MatchState(models.TextChoices):
    MATCHED = "matched", _("已匹配")
    REVIEW = "review", _("待确认")
    UNMATCHED = "unmatched", _("未匹配")
    # A person decided the caller's words name no residential project (a village, a shop, a road):
    # it leaves the queue and is counted against no project.
    OUTSIDE = "outside", _("不属于物业项目")


def import_file_path(batch: "ImportBatch", filename: str) -> str:
    return f"complaint-imports/{batch.created_at:%Y/%m}/{batch.file_hash[:16]}-{filename}"


class ImportBatch(models.Model):
    """One import of one file: who, when, what came of each row."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("导入中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    channel = models.CharField(_("默认渠道"), max_length=20, choices=Channel.choices, default=Channel.HOTLINE)
    file_name = models.CharField(_("文件名"), max_length=255)
    file_hash = models.CharField(_("文件摘要"), max_length=64, db_index=True)
    file = models.FileField(upload_to=import_file_path, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.QUEUED)
    message = models.TextField(_("说明"), blank=True)
    job = models.OneToOneField(Job, models.SET_NULL, null=True, blank=True, related_name="complaint_batch")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True)
    # The importer's scope: a batch is visible to those who see that region.
    region_path = models.CharField(max_length=255, db_index=True, default="/")
    created_at = models.DateTimeField(_("导入时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    total_rows = models.PositiveIntegerField(_("总行数"), default=0)
    new_count = models.PositiveIntegerField(_("新增"), default=0)
    updated_count = models.PositiveIntegerField(_("更新"), default=0)
    unchanged_count = models.PositiveIntegerField(_("未变"), default=0)
    matched_count = models.PositiveIntegerField(_("已匹配"), default=0)
    review_count = models.PositiveIntegerField(_("待确认"), default=0)
    unmatched_count = models.PositiveIntegerField(_("未匹配"), default=0)
    refused_count = models.PositiveIntegerField(_("拒收"), default=0)
    duplicate_count = models.PositiveIntegerField(_("文件内重复"), default=0)
    report = models.FileField(_("逐行报告"), upload_to="complaint-imports/reports/", blank=True)

    objects = ImportBatchQuerySet.as_manager()

    class Meta:
        verbose_name = _("诉求导入批次")
        verbose_name_plural = _("诉求导入批次")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.file_name}（{timezone.localtime(self.created_at):%Y-%m-%d %H:%M}）"

    @property
    def accepted_count(self) -> int:
        return self.new_count + self.updated_count + self.unchanged_count

    @property
    def match_rate(self) -> float | None:
        """Share of the file's accepted rows that now point at a project, in percent."""
        accepted = self.matched_count + self.review_count + self.unmatched_count
        return round(self.matched_count * 100 / accepted, 1) if accepted else None


# complaints/matching.py, workflow.py and residents.py write these codes into Complaint.match_method.
MATCH_METHOD_LABELS = {
    "exact": _("名称完全一致"),
    "stem": _("名称主干一致"),
    "address": _("地址一致"),
    "contains": _("名称包含"),
    "fuzzy": _("名称相近"),
    "other_township": _("其他镇街同名项目"),
    "manual": _("人工确认"),
    "qr": _("扫码报事"),
}


class Complaint(models.Model):
    """One 诉求 from one channel, matched (or waiting to be matched) to a project."""

    channel = models.CharField(_("渠道"), max_length=20, choices=Channel.choices, default=Channel.HOTLINE)
    ticket = models.CharField(_("工单编号"), max_length=64)
    received_at = models.DateTimeField(_("受理时间"))
    # No index of its own on township or project: the (township, received_at) and (project, received_at)
    # indexes below start with them, and every index costs each imported row an insert.
    township = models.ForeignKey(
        Region, models.PROTECT, related_name="complaints", verbose_name=_("所属镇街"), db_index=False
    )
    # The matched project's region path, or the township's while unmatched: scoping is one prefix filter
    # (its index is in Meta: the prefix one only, migration 0007).
    region_path = models.CharField(max_length=255)
    raw_project_name = models.CharField(_("小区名称（原文）"), max_length=200, blank=True)
    address = models.CharField(_("诉求地址"), max_length=255, blank=True)
    category = models.CharField(_("诉求类别"), max_length=100, blank=True)
    content = models.TextField(_("诉求内容"), blank=True)
    status = models.CharField(_("办理状态"), max_length=50, blank=True)
    satisfaction = models.CharField(_("满意度"), max_length=50, blank=True)
    project = models.ForeignKey(
        Project,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="complaints",
        verbose_name=_("项目"),
        db_index=False,
    )
    match_state = models.CharField(
        _("匹配状态"), max_length=16, choices=MatchState.choices, default=MatchState.UNMATCHED
    )
    match_method = models.CharField(_("匹配方式"), max_length=16, blank=True)
    match_score = models.FloatField(_("匹配度"), null=True, blank=True)
    batch = models.ForeignKey(
        ImportBatch,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="complaints",
        verbose_name=_("导入批次"),
        # No index: nothing reads complaints by batch, and an index costs each imported row an insert.
        db_index=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ComplaintQuerySet.as_manager()

    class Meta:
        verbose_name = _("诉求")
        verbose_name_plural = _("诉求")
        ordering = ["-received_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["channel", "ticket"], name="complaint_unique_ticket_per_channel")
        ]
        indexes = [
            models.Index(fields=["project", "received_at"]),
            models.Index(fields=["township", "received_at"]),
            # On PostgreSQL it also carries project, township and region path (migration 0003):
            # a month's counts are read from the index alone, not from 5 million rows.
            models.Index(fields=["received_at"]),
            # The list filtered by 匹配状态, newest first, and its capped count; on PostgreSQL it also
            # carries region_path (migration 0004), so the count never visits the table.
            models.Index(fields=["match_state", "received_at"], name="complaint_state_received"),
            # Scoping's prefix filter (region_path LIKE '/1/2/%'); varchar_pattern_ops serves it whatever
            # the database's collation, and equality too, so the column needs no second index.
            models.Index(
                fields=["region_path"], name="complaint_region_path_prefix", opclasses=["varchar_pattern_ops"]
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.ticket}"

    @property
    def match_method_label(self) -> str:
        """How the project was found, in words (the column keeps the matcher's short code)."""
        return MATCH_METHOD_LABELS.get(self.match_method, self.match_method)


class ComplaintChange(models.Model):
    """A status or satisfaction change seen in a later export (append-only)."""

    complaint = models.ForeignKey(Complaint, models.CASCADE, related_name="changes")
    field = models.CharField(_("字段"), max_length=32)
    before = models.CharField(_("变更前"), max_length=100, blank=True)
    after = models.CharField(_("变更后"), max_length=100, blank=True)
    batch = models.ForeignKey(ImportBatch, models.SET_NULL, null=True, blank=True, related_name="changes")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("诉求变更记录")
        verbose_name_plural = _("诉求变更记录")
        ordering = ["complaint_id", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.field}: {self.before} → {self.after}"

    @property
    def label(self) -> str:
        """The field's name as the complaint form calls it (项目, 办理状态 …), never the column name."""
        try:
            return str(Complaint._meta.get_field(self.field).verbose_name)
        except FieldDoesNotExist:
            return self.field

    @property
    def before_text(self) -> str:
        return self._text(self.before)

    @property
    def after_text(self) -> str:
        return self._text(self.after)

    def _text(self, value: str) -> str:
        """Choice codes as their labels; an import's project id as the project's name."""
        if self.field == "project" and value.isdigit():
            return Project.objects.filter(pk=int(value)).values_list("name", flat=True).first() or value
        try:
            choices = dict(Complaint._meta.get_field(self.field).flatchoices)
        except FieldDoesNotExist:
            choices = {}
        return readable(choices.get(value, value))


class MatchCandidate(models.Model):
    """A project the matcher thinks a complaint in the review queue may be about."""

    complaint = models.ForeignKey(Complaint, models.CASCADE, related_name="candidates")
    project = models.ForeignKey(Project, models.CASCADE, related_name="+")
    score = models.FloatField(default=0)
    method = models.CharField(max_length=16, blank=True)

    class Meta:
        ordering = ["complaint_id", "-score", "project_id"]
        constraints = [
            models.UniqueConstraint(fields=["complaint", "project"], name="candidate_unique_per_complaint")
        ]

    def __str__(self) -> str:
        return f"{self.complaint_id} → {self.project_id} ({self.score:.2f})"


class MonthlyRun(models.Model):
    """One monthly computation: which data and which rule parameters the month's results came from."""

    campaign = models.ForeignKey(Campaign, models.CASCADE, related_name="complaint_runs")
    month = models.CharField(_("月份"), max_length=7)
    computed_at = models.DateTimeField(_("计算时间"), auto_now=True)
    params = models.JSONField(_("规则参数"), default=dict)
    total_complaints = models.PositiveIntegerField(_("诉求总数"), default=0)
    matched_complaints = models.PositiveIntegerField(_("已匹配诉求"), default=0)
    ranked_projects = models.PositiveIntegerField(_("上榜项目数"), default=0)
    ytd_count = models.PositiveIntegerField(_("本年累计"), default=0)
    ytd_last_year = models.PositiveIntegerField(_("上年同期累计"), default=0)
    ytd_change_percent = models.FloatField(_("同比变化（%）"), null=True, blank=True)
    on_track = models.BooleanField(_("达到年度目标进度"), null=True)

    objects = MonthlyRunQuerySet.as_manager()

    class Meta:
        verbose_name = _("月度诉求计算")
        verbose_name_plural = _("月度诉求计算")
        ordering = ["-month"]
        constraints = [models.UniqueConstraint(fields=["campaign", "month"], name="monthly_run_unique")]

    def __str__(self) -> str:
        return f"{self.campaign} {self.month}"


class MonthlyRanking(models.Model):
    """One project's place in a month's complaint ranking, judged against who served it that month."""

    # A province month writes ~100,000 of these rows: the ids are copied in the same transaction
    # from the rows just read, so the database's per-row foreign-key checks (deferred to the
    # commit, they cost more than the insert) are left off, and so are the indexes no query
    # needs (a run's rows are deleted by campaign and month). Django still applies on_delete.
    run = models.ForeignKey(
        MonthlyRun, models.CASCADE, related_name="rankings", db_constraint=False, db_index=False
    )
    campaign = models.ForeignKey(
        Campaign, models.CASCADE, related_name="+", db_constraint=False, db_index=False
    )
    month = models.CharField(_("月份"), max_length=7)
    project = models.ForeignKey(Project, models.CASCADE, related_name="monthly_rankings", db_constraint=False)
    township = models.ForeignKey(
        Region, models.PROTECT, related_name="+", db_constraint=False, db_index=False
    )
    company = models.ForeignKey(
        Company, models.SET_NULL, null=True, blank=True, related_name="+", db_constraint=False, db_index=False
    )
    manager = models.ForeignKey(
        Manager, models.SET_NULL, null=True, blank=True, related_name="+", db_constraint=False, db_index=False
    )
    region_path = models.CharField(max_length=255)
    count = models.PositiveIntegerField(_("诉求量"))
    previous_count = models.PositiveIntegerField(_("上月诉求量"), default=0)
    rank = models.PositiveIntegerField(_("名次"))
    in_top = models.BooleanField(_("进入通报范围"))
    streak = models.PositiveIntegerField(_("连续上榜月数"), default=0)

    objects = MonthlyRankingQuerySet.as_manager()

    class Meta:
        verbose_name = _("月度诉求排名")
        verbose_name_plural = _("月度诉求排名")
        ordering = ["campaign_id", "-month", "rank", "project_id"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "month", "project"], name="ranking_unique_per_month")
        ]
        # Every page and the API read a month's top N (in_top), scoped by path or company among
        # those few rows; the rest of a month is read by (campaign, month[, project]), the unique
        # index. So one small partial index, not indexes over all 100,000 rows of a month.
        indexes = [
            models.Index(
                fields=["campaign", "month", "rank"], name="ranking_top", condition=models.Q(in_top=True)
            )
        ]

    def __str__(self) -> str:
        return f"{self.month} #{self.rank} {self.project_id}"

    @property
    def change(self) -> int:
        """较上月: this month's count minus last month's."""
        return self.count - self.previous_count


class TownshipMonth(models.Model):
    """A township's complaints in a month against the same month last year (seed 000 §三(六))."""

    run = models.ForeignKey(MonthlyRun, models.CASCADE, related_name="townships")
    campaign = models.ForeignKey(Campaign, models.CASCADE, related_name="+")
    month = models.CharField(_("月份"), max_length=7)
    township = models.ForeignKey(Region, models.PROTECT, related_name="+")
    region_path = models.CharField(max_length=255, db_index=True)
    count = models.PositiveIntegerField(_("诉求量"))
    # None: the same month last year has no data (无同比数据) — not zero, and no comparison.
    last_year_count = models.PositiveIntegerField(_("上年同月"), null=True, blank=True)
    rise = models.IntegerField(_("同比增加"), null=True, blank=True)
    rise_percent = models.FloatField(_("同比增幅（%）"), null=True, blank=True)
    is_up = models.BooleanField(_("同比上升"))
    is_highest = models.BooleanField(_("同比上升最高"))
    up_streak = models.PositiveIntegerField(_("连续上升月数"), default=0)
    highest_streak = models.PositiveIntegerField(_("连续最高月数"), default=0)

    objects = TownshipMonthQuerySet.as_manager()

    class Meta:
        verbose_name = _("镇街月度同比")
        verbose_name_plural = _("镇街月度同比")
        ordering = ["campaign_id", "-month", "-rise", "township_id"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "month", "township"], name="township_month_unique")
        ]

    def __str__(self) -> str:
        return f"{self.month} {self.township_id}"


def resident_photo_path(report: "ResidentReport", filename: str) -> str:
    """A generated name: nothing a resident typed reaches the file system."""
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "jpg"
    return f"resident-photos/{timezone.now():%Y/%m}/{secrets.token_hex(16)}.{ext}"


class ResidentReport(models.Model):
    """随手拍/码上办: what a resident sent through a project's QR page, kept apart from the complaint.

    The complaint carries what the township and the company work with; this row holds what
    must never reach a public page: the phone, the photo, and the check code (only its hash).
    """

    complaint = models.OneToOneField(Complaint, models.CASCADE, related_name="resident_report")
    phone = models.CharField(_("联系电话"), max_length=11)
    photo = models.FileField(_("照片"), upload_to=resident_photo_path, blank=True)
    photo_type = models.CharField(max_length=32, blank=True)
    code_hash = models.CharField(max_length=64, unique=True)
    # Hashes, not addresses or numbers: enough to count a sender's reports, nothing more.
    ip_hash = models.CharField(max_length=64, db_index=True)
    phone_hash = models.CharField(max_length=64, db_index=True)
    reply = models.TextField(_("答复"), blank=True)
    replied_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True, db_index=True)

    objects = ResidentReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("随手拍反映")
        verbose_name_plural = _("随手拍反映")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.complaint_id} {timezone.localtime(self.created_at):%Y-%m-%d %H:%M}"


class StatusLookup(models.Model):
    """One status check on the public page, counted so the check code cannot be guessed by trying."""

    ip_hash = models.CharField(max_length=64)
    at = models.DateTimeField(auto_now_add=True)

    objects = StatusLookupQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["ip_hash", "at"])]

    def __str__(self) -> str:
        return f"{self.ip_hash[:8]} {timezone.localtime(self.at):%Y-%m-%d %H:%M}"
