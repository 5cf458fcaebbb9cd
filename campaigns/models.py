"""A campaign (整治行动) and its rule parameters, and the one action register of the product.

SPEC.md "Parameters per campaign": defaults are seed 000's. Rules read the
parameters from the campaign at computation time and write the values they used
into each result, so a parameter changed later never rewrites what was decided.
"""

from django.conf import settings
from django.db import models
from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from orgs.models import Company, Department, Manager, Project, Region

from .querysets import ActionQuerySet, CampaignQuerySet, CategoryQuerySet, SelfCheckQuerySet


def default_score_weights() -> dict:
    # Seed 000 §三(四): "以业主满意度为重要依据" — satisfaction carries the most weight.
    return {"satisfaction": 50, "inspection": 20, "complaints": 15, "timeliness": 15}


def default_list_rule() -> dict:
    # No seed fixes the list size; ten each is a county-sized default the task force can change.
    return {"mode": "size", "red": 10, "black": 10}


def default_credit_thresholds() -> dict:
    return {"AAA": 90, "AA": 80, "A": 70, "B": 60}


class Campaign(models.Model):
    class YoYMeasure(models.TextChoices):
        ABSOLUTE = "absolute", _("按增加件数")
        PERCENT = "percent", _("按增幅百分比")

    slug = models.SlugField(_("标识"), max_length=64, unique=True)
    title = models.CharField(_("名称"), max_length=200)
    doc_number = models.CharField(_("文号"), max_length=64, blank=True)
    issuer = models.CharField(_("发文单位"), max_length=200, blank=True)
    issued_on = models.DateField(_("发文日期"), null=True, blank=True)
    jurisdiction = models.ForeignKey(Region, models.PROTECT, related_name="campaigns", verbose_name=_("属地"))
    target = models.TextField(_("工作目标"), blank=True)
    preset = models.CharField(_("来源预设"), max_length=64, blank=True)
    # Seed 001 附件2 titles each ledger "环境卫生（道路设施…）攻坚行动整治工作台账"; other plans
    # word it their own way, so the title is a pattern with {campaign} and {category}.
    ledger_title = models.CharField(
        _("台账标题"),
        max_length=200,
        default="{campaign}整治工作台账",
        help_text=_("可用 {campaign}、{category}"),
    )

    class Acceptance(models.TextChoices):
        """Who may 验收销号 an item (issue 18, item 8: separation of duties)."""

        SAME_UNIT = "same_unit", _("镇街或专班均可验收（不限经办人）")
        OTHER_OFFICER = "other_officer", _("须由登记人、申请验收人以外的人员验收")
        TASK_FORCE = "task_force", _("须由专班验收")

    acceptance = models.CharField(
        _("验收销号要求"),
        max_length=16,
        choices=Acceptance.choices,
        default=Acceptance.SAME_UNIT,
        help_text=_("防止同一人登记、申请验收并自行销号：可要求由另一名人员或专班验收。"),
    )
    is_active = models.BooleanField(_("进行中"), default=True)

    # Rule parameters (SPEC.md "Parameters per campaign"; defaults from seed 000).
    ranking_size = models.PositiveIntegerField(_("月度排名通报数"), default=50)
    streak_replace_manager = models.PositiveIntegerField(_("连续上榜月数→更换项目经理"), default=2)
    streak_replace_company = models.PositiveIntegerField(_("连续上榜月数→更换物业企业"), default=3)
    blacklist_times_replace_company = models.PositiveIntegerField(_("上黑榜次数→更换物业企业"), default=2)
    company_blacklist_share_num = models.PositiveIntegerField(_("企业黑名单比例（分子）"), default=1)
    company_blacklist_share_den = models.PositiveIntegerField(_("企业黑名单比例（分母）"), default=3)
    excellent_share_percent = models.PositiveIntegerField(_("优秀企业比例上限（%）"), default=5)
    yoy_commitment_months = models.PositiveIntegerField(_("同比增幅最高连续月数→公开承诺"), default=2)
    yoy_talk_months = models.PositiveIntegerField(_("同比上升连续月数→集中谈话"), default=3)
    yoy_measure = models.CharField(
        _("同比增幅口径"), max_length=16, choices=YoYMeasure.choices, default=YoYMeasure.ABSOLUTE
    )
    complaint_target_percent = models.PositiveIntegerField(_("年度诉求同比下降目标（%）"), default=30)
    report_due_day = models.PositiveIntegerField(_("月报截止日"), default=20)
    list_rule = models.JSONField(_("红黑榜规则"), default=default_list_rule)
    score_weights = models.JSONField(_("考核权重"), default=default_score_weights)
    credit_thresholds = models.JSONField(_("信用等级分数线"), default=default_credit_thresholds)
    fee_reduction_complaints = models.PositiveIntegerField(_("质价不符诉求数→降费评估"), default=3)
    # Seed 000 §三(六) compares each month with the same month last year; a county whose 12345
    # data starts mid-year has no such month before it (无同比数据), which is not zero.
    complaint_data_since = models.DateField(
        _("诉求数据起始月"),
        null=True,
        blank=True,
        help_text=_("导入的诉求数据从哪个月开始；此前的月份无同比数据。留空则以该月是否导入过诉求为准。"),
    )
    # Issue 16: a company may object to a consequence within this many working days of its
    # proposal or confirmation; the 告知书 states it.
    objection_working_days = models.PositiveIntegerField(_("异议期限（工作日）"), default=5)

    created_at = models.DateTimeField(auto_now_add=True)
    objects = CampaignQuerySet.as_manager()

    # The rule parameters, in one list for the settings form, the API and the presets.
    RULE_PARAMETERS = (
        "ranking_size",
        "streak_replace_manager",
        "streak_replace_company",
        "blacklist_times_replace_company",
        "company_blacklist_share_num",
        "company_blacklist_share_den",
        "excellent_share_percent",
        "yoy_commitment_months",
        "yoy_talk_months",
        "yoy_measure",
        "complaint_target_percent",
        "report_due_day",
        "fee_reduction_complaints",
        "complaint_data_since",
        "objection_working_days",
        "list_rule",
        "score_weights",
        "credit_thresholds",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("整治行动")
        verbose_name_plural = _("整治行动")
        ordering = ["-issued_on", "-pk"]

    def __str__(self) -> str:
        return self.title

    def ledger_heading(self, category: "Category | None" = None) -> str:
        """The title line of an exported ledger, in the campaign's own wording."""
        if category is not None:
            name = category.name
        else:
            # Seed 001 附件2 names all four ledgers in one title: "环境卫生（道路设施、车辆停放、服务质量）".
            names = list(self.categories.filter(parent=None).values_list("name", flat=True))
            name = f"{names[0]}（{'、'.join(names[1:])}）" if len(names) > 1 else "".join(names)
        title = self.ledger_title.replace("{campaign}", self.title)
        if "{category}" in title:
            return title.replace("{category}", name)
        return f"{title}（{category.name}）" if category is not None else title


class Phase(models.Model):
    """阶段: 动员部署 → 集中整治 → 督导抽查/回头看 → 巩固提升/总结评估.

    Plans write dates loosely ("4月上旬前", "2025 年 1 月 1 日后", "长期坚持"): `dates_text`
    keeps the plan's words, `start`/`end` the reading used for the timeline; an open end is null.
    Seed 003 has no phases, only dated deadlines: those are milestones (start == end).
    """

    class Kind(models.TextChoices):
        PHASE = "phase", _("阶段")
        MILESTONE = "milestone", _("时间节点")

    campaign = models.ForeignKey(Campaign, models.CASCADE, related_name="phases")
    name = models.CharField(_("阶段"), max_length=50)
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices, default=Kind.PHASE)
    start = models.DateField(_("开始"))
    end = models.DateField(_("结束"), null=True, blank=True)
    dates_text = models.CharField(_("时间（原文）"), max_length=100, blank=True)
    description = models.TextField(_("工作内容"), blank=True)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("阶段")
        verbose_name_plural = _("阶段")
        ordering = ["campaign_id", "order", "start"]

    def __str__(self) -> str:
        return self.name


class Category(models.Model):
    """整治内容: a two-level tree; each node names lead (牵头) and supporting (配合) units."""

    campaign = models.ForeignKey(Campaign, models.CASCADE, related_name="categories")
    parent = models.ForeignKey("self", models.CASCADE, null=True, blank=True, related_name="children")
    code = models.CharField(_("编号"), max_length=20)
    name = models.CharField(_("名称"), max_length=200)
    description = models.TextField(_("整治要求"), blank=True)
    lead_units = models.ManyToManyField(
        Department, blank=True, related_name="led_categories", verbose_name=_("牵头单位")
    )
    supporting_units = models.ManyToManyField(
        Department, blank=True, related_name="supported_categories", verbose_name=_("配合单位")
    )
    # The townships' share, as the plan words it ("各乡镇（街道）政府（办事处）", "崖头街道").
    local_units = models.CharField(_("属地责任"), max_length=200, blank=True)
    units_text = models.TextField(_("责任分工（原文）"), blank=True)
    order = models.PositiveIntegerField(default=0)

    objects = CategoryQuerySet.as_manager()

    class Meta:
        verbose_name = _("整治内容")
        verbose_name_plural = _("整治内容")
        # The plan's order, 1, 1.1, 1.2, 2 … 10: each area at its own position with its items after it.
        # Sorting by the sibling position alone gave 1, 1.1, 2.1, 3.1 …, by the code text 1, 10, 2.
        ordering = [
            "campaign_id",
            Coalesce("parent__order", "order"),
            Coalesce("parent__code", "code"),
            F("parent_id").asc(nulls_first=True),
            "order",
            "code",
        ]
        constraints = [models.UniqueConstraint(fields=["campaign", "code"], name="category_unique_code")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class WorkGroup(models.Model):
    """工作专班 work group (seed 000: 党建组, 宣传组, 综合执法组 …)."""

    campaign = models.ForeignKey(Campaign, models.CASCADE, related_name="work_groups")
    name = models.CharField(_("工作组"), max_length=100)
    duties = models.TextField(_("职责"), blank=True)
    lead_unit = models.ForeignKey(
        Department, models.SET_NULL, null=True, blank=True, verbose_name=_("牵头单位")
    )
    # Seed 004's 專班 is made of units, not named people.
    member_units = models.ManyToManyField(
        Department, blank=True, related_name="work_groups", verbose_name=_("成员单位")
    )
    order = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("工作组")
        verbose_name_plural = _("工作组")
        ordering = ["campaign_id", "order"]

    def __str__(self) -> str:
        return self.name


class TaskForceMember(models.Model):
    campaign = models.ForeignKey(Campaign, models.CASCADE, related_name="members")
    group = models.ForeignKey(WorkGroup, models.SET_NULL, null=True, blank=True, related_name="members")
    name = models.CharField(_("姓名"), max_length=50)
    post = models.CharField(_("职务"), max_length=100)
    role_in_task_force = models.CharField(_("专班职务"), max_length=50, blank=True)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("专班成员")
        verbose_name_plural = _("专班成员")
        ordering = ["campaign_id", "order"]

    def __str__(self) -> str:
        return f"{self.name}（{self.post}）"


class Action(models.Model):
    """One consequence a rule proposes (SPEC.md "Consequences are records, not side effects").

    The task force confirms it or waives it with a written reason, then tracks it to done.
    The key (campaign, kind, target, period) is unique so a rerun of a computation finds
    the action it proposed before instead of creating another.
    """

    class Kind(models.TextChoices):
        REPLACE_MANAGER = "replace_manager", _("更换项目经理")
        REPLACE_COMPANY = "replace_company", _("启动更换物业企业程序")
        MEDIA_EXPOSURE = "media_exposure", _("媒体曝光")
        COMPANY_BLACKLIST = "company_blacklist", _("列入企业黑名单")
        QUALITY_EVALUATION = "quality_evaluation", _("服务质量评估")
        FEE_REDUCTION = "fee_reduction", _("降费管理")
        WORK_REMINDER = "work_reminder", _("工作提醒")
        PUBLIC_COMMITMENT = "public_commitment", _("电视公开承诺")
        CONCENTRATED_TALK = "concentrated_talk", _("集中谈话")
        STATEMENT_GOVERNMENT = "statement_government", _("县政府常务会议表态发言")
        STATEMENT_PARTY_COMMITTEE = "statement_party_committee", _("县委常委会议表态发言")

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("待确认")
        CONFIRMED = "confirmed", _("已确认")
        WAIVED = "waived", _("已免除")
        DONE = "done", _("已办结")
        WITHDRAWN = "withdrawn", _("已撤销（异议成立）")

    class TargetType(models.TextChoices):
        PROJECT = "project", _("项目")
        MANAGER = "manager", _("项目经理")
        COMPANY = "company", _("物业企业")
        TOWNSHIP = "township", _("镇街")
        DEPARTMENT = "department", _("部门")

    campaign = models.ForeignKey(Campaign, models.PROTECT, related_name="actions")
    kind = models.CharField(_("措施"), max_length=32, choices=Kind.choices)
    period = models.CharField(_("期间"), max_length=10, help_text="YYYY-MM、YYYY-Qn 或 YYYY-Hn")
    target_type = models.CharField(_("对象类型"), max_length=16, choices=TargetType.choices)
    target_id = models.BigIntegerField()
    target_name = models.CharField(_("对象"), max_length=200)
    # Context of the target, kept so scoping and pages need no lookups through history.
    project = models.ForeignKey(Project, models.PROTECT, null=True, blank=True, related_name="actions")
    manager = models.ForeignKey(Manager, models.PROTECT, null=True, blank=True, related_name="actions")
    company = models.ForeignKey(Company, models.PROTECT, null=True, blank=True, related_name="actions")
    township = models.ForeignKey(Region, models.PROTECT, null=True, blank=True, related_name="actions")
    department = models.ForeignKey(Department, models.PROTECT, null=True, blank=True, related_name="actions")
    region_path = models.CharField(max_length=255, db_index=True)
    rule = models.CharField(_("规则"), max_length=100)
    evidence = models.JSONField(_("依据"), default=dict)

    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.PROPOSED)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("决定时间"), null=True, blank=True)
    reason = models.TextField(_("免除理由"), blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    done_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    done_note = models.TextField(_("办理结果"), blank=True)
    created_at = models.DateTimeField(_("提出时间"), auto_now_add=True)

    objects = ActionQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("整改措施")
        verbose_name_plural = _("整改措施登记")
        ordering = ["-period", "kind", "target_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "kind", "target_type", "target_id", "period"],
                name="action_unique_per_period",
            )
        ]
        indexes = [models.Index(fields=["campaign", "period", "kind"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.target_name} · {self.period}"


class SelfCheck(models.Model):
    """A filled 自查表 for one project (seed 002 §三; SPEC: every answer "否" becomes a ledger item).

    The questions come from a data file (campaigns/presets/*-selfcheck.json); the form as
    filled is kept here, question text included, so a later edit of the file never changes it.
    """

    campaign = models.ForeignKey(Campaign, models.PROTECT, related_name="self_checks")
    project = models.ForeignKey(Project, models.PROTECT, related_name="self_checks", verbose_name=_("项目"))
    template = models.CharField(_("自查表"), max_length=64)
    # Copied from the project when filled, so scoping is one prefix/equality filter.
    region_path = models.CharField(max_length=255, db_index=True)
    company = models.ForeignKey(Company, models.PROTECT, null=True, blank=True, related_name="self_checks")
    answers = models.JSONField(_("答题"), default=list)
    filled_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="self_checks")
    filled_at = models.DateTimeField(_("填报时间"), auto_now_add=True)

    objects = SelfCheckQuerySet.as_manager()

    class Meta:
        verbose_name = _("自查表")
        verbose_name_plural = _("自查表")
        ordering = ["-filled_at"]

    def __str__(self) -> str:
        return f"{self.project} · {self.filled_at:%Y-%m-%d}"

    @property
    def problem_count(self) -> int:
        """How many answers revealed a problem (each became a ledger item)."""
        return sum(1 for a in self.answers if a.get("item_id"))


class ParameterVersion(models.Model):
    """The rule parameters of one kind of period in force from a stated period on.

    SPEC.md: "Each computed month or quarter keeps the parameters it was computed with; a changed
    parameter applies from a stated period on and never rewrites a decided one." A computed period
    keeps the parameters stored in its run; a period computed for the first time takes the version
    in force for it. The first change also records the values before it (applies_from "": every
    earlier period), so a month left uncomputed before the change is computed as it would have been.
    """

    class Scope(models.TextChoices):
        MONTHLY = "monthly", _("月度排名与镇街同比")
        QUARTERLY = "quarterly", _("季度考核与红黑榜")

    campaign = models.ForeignKey(Campaign, models.CASCADE, related_name="parameter_versions")
    scope = models.CharField(_("适用计算"), max_length=16, choices=Scope.choices)
    applies_from = models.CharField(_("起始期间"), max_length=7, blank=True, help_text="YYYY-MM 或 YYYY-Qn")
    values = models.JSONField(_("参数"), default=dict)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    changed_at = models.DateTimeField(_("修改时间"), auto_now=True)

    class Meta:
        verbose_name = _("规则参数版本")
        verbose_name_plural = _("规则参数版本")
        ordering = ["campaign_id", "scope", "applies_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "scope", "applies_from"], name="parameter_version_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id} {self.scope} {self.applies_from or '起始'}"

    def labelled(self) -> list[tuple[str, object]]:
        """(参数名, value) for the page."""
        return [(Campaign._meta.get_field(name).verbose_name, value) for name, value in self.values.items()]


# 双随机一公开 (seed 001) lives in its own module; imported here so Django registers its models.
from .inspection_models import InspectionDraw, InspectionVisit  # noqa: E402, F401
from .objection_models import Objection, ObjectionFile  # noqa: E402, F401
