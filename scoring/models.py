"""Quarterly assessment (量化考核): its inputs, each quarter's computed run, and publication.

SPEC.md "Quarterly and half-yearly assessment". Inputs are kept per project and
quarter. A computation writes one `ScoreRun` per campaign and quarter holding the
parameters it used; every result row hangs off the run, so a parameter changed later
never rewrites a quarter already computed, and a published run is never recomputed.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from campaigns.models import Campaign
from orgs.models import Company, Department, Manager, Project, Region

from .querysets import (
    CampaignScopedQuerySet,
    CompanyScopedQuerySet,
    CreditRatingQuerySet,
    InputQuerySet,
    ProjectScopedQuerySet,
    UnitScoreQuerySet,
)

PERCENT = [MinValueValidator(0), MaxValueValidator(100)]


class ProjectInput(models.Model):
    campaign = models.ForeignKey(Campaign, models.CASCADE, related_name="+", verbose_name=_("整治行动"))
    project = models.ForeignKey(Project, models.CASCADE, related_name="+", verbose_name=_("项目"))
    quarter = models.CharField(_("季度"), max_length=7)
    region_path = models.CharField(max_length=255, db_index=True, editable=False)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    entered_at = models.DateTimeField(_("录入时间"), auto_now=True)

    objects = InputQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        self.region_path = self.project.region_path
        super().save(*args, **kwargs)


class SatisfactionSurvey(ProjectInput):
    """业主满意度测评结果 for one project in one quarter (seed 000: "将业主满意度作为重要评价依据")."""

    satisfaction = models.DecimalField(_("满意度"), max_digits=5, decimal_places=2, validators=PERCENT)
    sample_size = models.PositiveIntegerField(_("样本量"))

    class Meta:
        verbose_name = _("满意度测评")
        verbose_name_plural = _("满意度测评")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "project", "quarter"], name="survey_once_per_quarter")
        ]

    def __str__(self) -> str:
        return f"{self.project_id} {self.quarter} 满意度 {self.satisfaction}"


class InspectionScore(ProjectInput):
    """督查得分 0–100 from the task force's supervision visits."""

    score = models.DecimalField(_("督查得分"), max_digits=5, decimal_places=2, validators=PERCENT)
    note = models.CharField(_("说明"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("督查得分")
        verbose_name_plural = _("督查得分")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "project", "quarter"], name="inspection_once_per_quarter"
            )
        ]

    def __str__(self) -> str:
        return f"{self.project_id} {self.quarter} 督查 {self.score}"


class ScoreRun(models.Model):
    """One computation of one quarter, with the rule parameters it used."""

    campaign = models.ForeignKey(Campaign, models.PROTECT, related_name="score_runs")
    quarter = models.CharField(_("季度"), max_length=7)
    params = models.JSONField(_("计算参数"), default=dict)
    summary = models.JSONField(_("数据概况"), default=dict)
    computed_at = models.DateTimeField(_("计算时间"), auto_now=True)
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = CampaignScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("季度考核")
        verbose_name_plural = _("季度考核")
        ordering = ["-quarter"]
        constraints = [models.UniqueConstraint(fields=["campaign", "quarter"], name="run_once_per_quarter")]

    def __str__(self) -> str:
        return f"{self.campaign} {self.quarter}"

    @property
    def publication(self) -> "Publication | None":
        return Publication.objects.filter(run=self).first()


class ProjectScore(models.Model):
    """A project's score in a run, each input kept so the page can show how it was reached."""

    # A province quarter writes 100,000 of these rows: the ids come in the same transaction from
    # the rows just read, so the database's per-row foreign-key checks (deferred to the commit,
    # they cost more than the insert) are left off, and so are the indexes no query uses
    # (run is the unique index's prefix). Django still applies on_delete (PROTECT included).
    run = models.ForeignKey(
        ScoreRun, models.CASCADE, related_name="project_scores", db_constraint=False, db_index=False
    )
    project = models.ForeignKey(Project, models.PROTECT, related_name="scores", db_constraint=False)
    company = models.ForeignKey(
        Company, models.PROTECT, null=True, blank=True, related_name="+", db_constraint=False
    )
    manager = models.ForeignKey(
        Manager, models.SET_NULL, null=True, blank=True, related_name="+", db_constraint=False, db_index=False
    )
    township = models.ForeignKey(
        Region, models.PROTECT, related_name="+", db_constraint=False, db_index=False
    )
    region_path = models.CharField(max_length=255)
    satisfaction = models.DecimalField(_("满意度"), max_digits=5, decimal_places=2, null=True)
    inspection = models.DecimalField(_("督查"), max_digits=5, decimal_places=2, null=True)
    complaints_per_100 = models.DecimalField(_("每百户诉求"), max_digits=8, decimal_places=2, null=True)
    complaints = models.PositiveIntegerField(_("诉求数"), default=0)
    price_quality_complaints = models.PositiveIntegerField(_("质价不符诉求"), default=0)
    timeliness = models.DecimalField(_("整改及时率"), max_digits=5, decimal_places=2, null=True)
    score = models.DecimalField(_("得分"), max_digits=5, decimal_places=2, null=True)
    rank = models.PositiveIntegerField(_("排名"), null=True)
    missing = models.JSONField(_("缺项"), default=list)

    objects = ProjectScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("项目得分")
        verbose_name_plural = _("项目得分")
        ordering = ["rank", "project_id"]
        constraints = [models.UniqueConstraint(fields=["run", "project"], name="score_once_per_run")]
        # Scoping is a prefix filter on the path: the pattern index alone serves it.
        indexes = [
            models.Index(fields=["region_path"], name="score_region_path", opclasses=["varchar_pattern_ops"])
        ]

    def __str__(self) -> str:
        return f"{self.project_id} {self.score}"


class ListEntry(models.Model):
    """红黑榜 entry (seed 003 calls it 红灰榜)."""

    class List(models.TextChoices):
        RED = "red", _("红榜")
        BLACK = "black", _("黑榜")

    run = models.ForeignKey(ScoreRun, models.CASCADE, related_name="list_entries")
    list = models.CharField(_("榜单"), max_length=8, choices=List.choices)
    project = models.ForeignKey(Project, models.PROTECT, related_name="list_entries")
    company = models.ForeignKey(Company, models.PROTECT, null=True, blank=True, related_name="+")
    region_path = models.CharField(max_length=255, db_index=True)
    score = models.DecimalField(_("得分"), max_digits=5, decimal_places=2)
    rank = models.PositiveIntegerField(_("排名"))
    times = models.PositiveIntegerField(_("累计上黑榜次数"), default=0)

    objects = ProjectScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("红黑榜")
        verbose_name_plural = _("红黑榜")
        ordering = ["list", "rank"]
        constraints = [models.UniqueConstraint(fields=["run", "project"], name="list_once_per_run")]

    def __str__(self) -> str:
        return f"{self.get_list_display()} #{self.rank} {self.project_id}"


class CompanyBlacklist(models.Model):
    """企业黑名单: 三分之一以上 of the projects a company served in the quarter were black-listed."""

    run = models.ForeignKey(ScoreRun, models.CASCADE, related_name="company_blacklist")
    company = models.ForeignKey(Company, models.PROTECT, related_name="blacklistings")
    black_projects = models.PositiveIntegerField(_("黑榜项目数"))
    served_projects = models.PositiveIntegerField(_("服务项目数"))

    objects = CompanyScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("企业黑名单")
        verbose_name_plural = _("企业黑名单")
        constraints = [models.UniqueConstraint(fields=["run", "company"], name="blacklist_once_per_run")]

    def __str__(self) -> str:
        return f"黑名单 {self.company_id}"


class CreditRating(models.Model):
    """信用等级 of a company in a quarter (AAA/AA/A/B/C)."""

    class Level(models.TextChoices):
        AAA = "AAA", "AAA"
        AA = "AA", "AA"
        A = "A", "A"
        B = "B", "B"
        C = "C", "C"

    run = models.ForeignKey(ScoreRun, models.CASCADE, related_name="credit_ratings")
    company = models.ForeignKey(Company, models.PROTECT, related_name="credit_ratings")
    level = models.CharField(_("信用等级"), max_length=3, choices=Level.choices)
    score = models.DecimalField(_("项目平均分"), max_digits=5, decimal_places=2)
    projects = models.PositiveIntegerField(_("参评项目数"))
    reason = models.CharField(_("说明"), max_length=100, blank=True)

    objects = CreditRatingQuerySet.as_manager()

    class Meta:
        verbose_name = _("信用等级")
        verbose_name_plural = _("信用等级")
        ordering = ["-score"]
        constraints = [models.UniqueConstraint(fields=["run", "company"], name="rating_once_per_run")]

    def __str__(self) -> str:
        return f"{self.company_id} {self.level}"


class CompanyAssessment(models.Model):
    """半年企业考核: 考核优秀的，比例不超过 5%; written by the run that closes the half-year."""

    run = models.ForeignKey(ScoreRun, models.CASCADE, related_name="company_assessments")
    half = models.CharField(_("半年"), max_length=7)
    company = models.ForeignKey(Company, models.PROTECT, related_name="assessments")
    score = models.DecimalField(_("半年得分"), max_digits=5, decimal_places=2)
    rank = models.PositiveIntegerField(_("排名"))
    excellent = models.BooleanField(_("优秀"), default=False)

    objects = CompanyScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("企业半年考核")
        verbose_name_plural = _("企业半年考核")
        ordering = ["rank"]
        constraints = [models.UniqueConstraint(fields=["run", "company"], name="assessment_once_per_run")]

    def __str__(self) -> str:
        return f"{self.half} {self.company_id} {self.score}"


class UnitScore(models.Model):
    """A township's or department's quarterly score; the last one speaks at a meeting (表态发言)."""

    class Kind(models.TextChoices):
        TOWNSHIP = "township", _("镇街")
        DEPARTMENT = "department", _("部门")

    run = models.ForeignKey(ScoreRun, models.CASCADE, related_name="unit_scores")
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    township = models.ForeignKey(Region, models.PROTECT, null=True, blank=True, related_name="+")
    department = models.ForeignKey(Department, models.PROTECT, null=True, blank=True, related_name="+")
    name = models.CharField(_("单位"), max_length=100)
    region_path = models.CharField(max_length=255, db_index=True)
    project_score = models.DecimalField(_("项目平均分"), max_digits=5, decimal_places=2, null=True)
    timeliness = models.DecimalField(_("按期销号率"), max_digits=5, decimal_places=2, null=True)
    trend = models.DecimalField(_("诉求趋势分"), max_digits=5, decimal_places=2, null=True)
    score = models.DecimalField(_("得分"), max_digits=5, decimal_places=2, null=True)
    rank = models.PositiveIntegerField(_("排名"), null=True)
    is_last = models.BooleanField(_("倒数第一"), default=False)

    objects = UnitScoreQuerySet.as_manager()

    class Meta:
        verbose_name = _("镇街/部门考核")
        verbose_name_plural = _("镇街/部门考核")
        ordering = ["kind", "rank"]

    def __str__(self) -> str:
        return f"{self.name} {self.score}"


class QualityEvaluation(models.Model):
    """服务质量评价 of one project; a failed one proposes replacing the company (seed 000)."""

    campaign = models.ForeignKey(Campaign, models.PROTECT, related_name="+")
    project = models.ForeignKey(Project, models.PROTECT, related_name="quality_evaluations")
    company = models.ForeignKey(Company, models.PROTECT, null=True, blank=True, related_name="+")
    region_path = models.CharField(max_length=255, db_index=True, editable=False)
    evaluated_on = models.DateField(_("评价日期"))
    evaluator = models.CharField(_("评价单位"), max_length=100)
    passed = models.BooleanField(_("评价合格"))
    note = models.TextField(_("评价意见"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = ProjectScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("服务质量评价")
        verbose_name_plural = _("服务质量评价")
        ordering = ["-evaluated_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.project_id} {self.evaluated_on} {'合格' if self.passed else '不合格'}"

    def save(self, *args, **kwargs) -> None:
        self.region_path = self.project.region_path
        super().save(*args, **kwargs)


class Publication(models.Model):
    """What the task force made public: a quarter's lists and ratings, or a month's top-N 通报.

    The public pages show only what a publication points to, and say which data and
    which rules it was computed from (`basis`, frozen at publication time).
    """

    class Kind(models.TextChoices):
        QUARTER = "quarter", _("季度红黑榜与信用等级")
        MONTH = "month", _("月度诉求前N名通报")

    campaign = models.ForeignKey(Campaign, models.PROTECT, related_name="publications")
    kind = models.CharField(_("类型"), max_length=8, choices=Kind.choices)
    period = models.CharField(_("期间"), max_length=7)
    run = models.OneToOneField(ScoreRun, models.PROTECT, null=True, blank=True, related_name="+")
    basis = models.JSONField(_("数据与规则"), default=dict)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    published_at = models.DateTimeField(_("发布时间"), auto_now_add=True)

    objects = CampaignScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("公示")
        verbose_name_plural = _("公示")
        ordering = ["-published_at"]
        constraints = [models.UniqueConstraint(fields=["campaign", "kind", "period"], name="publish_once")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.period}"
