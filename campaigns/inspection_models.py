"""双随机一公开 records: a draw (immutable once made) and the inspection visits it leads to."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from orgs.models import Company, Project

from .querysets import InspectionDrawQuerySet, InspectionVisitQuerySet

# Fields a saved draw may still change: only its publication. Everything that decided who is
# inspected is frozen, so a draw can never be redone silently; a new draw is a new row.
PUBLICATION_FIELDS = frozenset({"published_at", "published_by"})


class InspectionDraw(models.Model):
    """One 双随机 draw: the pools as they were, the seed, and what it drew."""

    campaign = models.ForeignKey("campaigns.Campaign", models.PROTECT, related_name="inspection_draws")
    title = models.CharField(_("抽查名称"), max_length=100)
    region_path = models.CharField(max_length=255, db_index=True)
    pool_filter = models.JSONField(_("项目池条件"), default=dict)
    project_pool = models.JSONField(_("项目池（ID）"), default=list)
    inspector_pool = models.JSONField(_("人员池（ID）"), default=list)
    project_count = models.PositiveIntegerField(_("抽取项目数"))
    inspector_count = models.PositiveIntegerField(_("抽取人员数"))
    seed_date = models.DateField(_("抽取日期"))
    seed_typed = models.CharField(_("现场数字"), max_length=20)
    seed_server = models.CharField(_("系统随机数"), max_length=32)
    seed = models.CharField(_("随机种子"), max_length=80)
    drawn_projects = models.JSONField(_("抽中项目（ID）"), default=list)
    drawn_inspectors = models.JSONField(_("抽中人员（ID）"), default=list)
    # Names and units as at the draw: 双随机一公开 publishes who inspected, and a later rename
    # or move must not rewrite it.
    inspectors_public = models.JSONField(_("检查人员（姓名、单位）"), default=list)
    supersedes = models.OneToOneField(
        "self", models.PROTECT, null=True, blank=True, related_name="superseded_by", verbose_name=_("取代")
    )
    supersede_reason = models.CharField(_("重新抽取理由"), max_length=200, blank=True)
    drawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    drawn_at = models.DateTimeField(_("抽取时间"), auto_now_add=True)
    published_at = models.DateTimeField(_("公开时间"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = InspectionDrawQuerySet.as_manager()

    class Meta:
        verbose_name = _("双随机抽查")
        verbose_name_plural = _("双随机抽查")
        ordering = ["-drawn_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.title}（{self.seed_date:%Y-%m-%d}）"

    def save(self, *args, **kwargs) -> None:
        update_fields = kwargs.get("update_fields")
        if self.pk and (update_fields is None or not set(update_fields) <= PUBLICATION_FIELDS):
            raise ValidationError(_("抽查结果一经产生不可修改；如需重新抽取，请新建一次抽取并说明理由。"))
        super().save(*args, **kwargs)

    @property
    def is_superseded(self) -> bool:
        return hasattr(self, "superseded_by")


class InspectionVisit(models.Model):
    """督查 of one drawn project: checklist, 0–100 score, and the findings logged to the ledger."""

    draw = models.ForeignKey(InspectionDraw, models.PROTECT, related_name="visits")
    project = models.ForeignKey(
        Project, models.PROTECT, related_name="inspection_visits", verbose_name=_("项目")
    )
    region_path = models.CharField(max_length=255, db_index=True)
    company = models.ForeignKey(Company, models.PROTECT, null=True, blank=True, related_name="+")
    visited_on = models.DateField(_("检查日期"))
    inspectors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="+", verbose_name=_("检查人员")
    )
    checklist = models.JSONField(_("检查表"), default=list)
    score = models.DecimalField(
        _("得分"), max_digits=5, decimal_places=2, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    findings = models.JSONField(_("发现问题"), default=list)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    objects = InspectionVisitQuerySet.as_manager()

    class Meta:
        verbose_name = _("督查检查")
        verbose_name_plural = _("督查检查")
        ordering = ["visited_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["draw", "project"], name="one_visit_per_drawn_project")
        ]

    def __str__(self) -> str:
        return f"{self.project} · {self.visited_on:%Y-%m-%d}"

    @property
    def problem_count(self) -> int:
        return len(self.findings)
