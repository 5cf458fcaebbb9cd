"""The organisation tree and the people in it (SPEC.md "The organisation tree").

Regions form a tree of any depth (city → district → county → township → community).
Each node keeps a materialised `path` ("/1/7/42/") so "everything under this
township" is one indexed prefix filter, at county size and at province size alike.
"""

import secrets
from datetime import date

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .querysets import (
    CompanyQuerySet,
    DepartmentQuerySet,
    JobQuerySet,
    ManagerQuerySet,
    NotificationQuerySet,
    ProjectQuerySet,
    RegionQuerySet,
    ScopedUserManager,
)
from .validators import validate_uscc


class Region(models.Model):
    class Level(models.TextChoices):
        PROVINCE = "province", _("省")
        CITY = "city", _("市")
        DISTRICT = "district", _("区/县")
        TOWNSHIP = "township", _("乡镇/街道")
        COMMUNITY = "community", _("社区/村")

    name = models.CharField(_("名称"), max_length=100)
    level = models.CharField(_("层级"), max_length=16, choices=Level.choices)
    parent = models.ForeignKey("self", models.PROTECT, null=True, blank=True, related_name="children")
    path = models.CharField(max_length=255, editable=False, db_index=True, default="")

    objects = RegionQuerySet.as_manager()

    class Meta:
        verbose_name = _("行政区")
        verbose_name_plural = _("行政区")
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="region_unique_name_in_parent")
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        super().save(*args, **kwargs)
        path = f"{self.parent.path if self.parent_id else '/'}{self.pk}/"
        if path != self.path:
            self.path = path
            Region.objects.filter(pk=self.pk).update(path=path)

    def is_within(self, other: "Region") -> bool:
        return self.path.startswith(other.path)

    @property
    def township(self) -> "Region | None":
        """The 乡镇/街道 this node belongs to (itself for a township)."""
        node = self
        while node is not None and node.level != self.Level.TOWNSHIP:
            node = node.parent
        return node


class Department(models.Model):
    """A county/city unit named as responsible unit (住建局, 市场监管局, 消防大队 …)."""

    name = models.CharField(_("名称"), max_length=100)
    region = models.ForeignKey(
        Region, models.PROTECT, related_name="departments", verbose_name=_("所属行政区")
    )

    objects = DepartmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("部门")
        verbose_name_plural = _("部门")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="department_unique_in_region")]

    def __str__(self) -> str:
        return self.name


class Company(models.Model):
    """物业服务企业."""

    name = models.CharField(_("企业名称"), max_length=200, unique=True)
    credit_code = models.CharField(
        _("统一社会信用代码"), max_length=18, unique=True, null=True, blank=True, validators=[validate_uscc]
    )
    contact = models.CharField(_("联系人"), max_length=50, blank=True)
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    address = models.CharField(_("地址"), max_length=255, blank=True)

    objects = CompanyQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("物业企业")
        verbose_name_plural = _("物业企业")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Manager(models.Model):
    """项目经理, registered under their real name (实名制)."""

    name = models.CharField(_("姓名"), max_length=50)
    phone = models.CharField(_("电话"), max_length=30, blank=True)
    company = models.ForeignKey(Company, models.PROTECT, related_name="managers", verbose_name=_("所属企业"))

    objects = ManagerQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("项目经理")
        verbose_name_plural = _("项目经理")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["company", "name", "phone"], name="manager_unique")]

    def __str__(self) -> str:
        return self.name


class ManagerListEntry(models.Model):
    """An entry on a manager's 正、负面清单 (positive/negative list)."""

    class Kind(models.TextChoices):
        POSITIVE = "positive", _("正面清单")
        NEGATIVE = "negative", _("负面清单")

    manager = models.ForeignKey(Manager, models.CASCADE, related_name="list_entries")
    kind = models.CharField(_("类别"), max_length=16, choices=Kind.choices)
    reason = models.CharField(_("事由"), max_length=255)
    date = models.DateField(_("日期"), default=date.today)

    class Meta:
        verbose_name = _("项目经理清单记录")
        verbose_name_plural = _("项目经理清单记录")
        ordering = ["-date"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.reason}"


def new_public_token() -> str:
    return secrets.token_urlsafe(16)


class Project(models.Model):
    """小区 / 物业项目: one residential project, served by one company at a time."""

    class Standard(models.TextChoices):
        ONE = "一级", _("一级")
        TWO = "二级", _("二级")
        THREE = "三级", _("三级")
        FOUR = "四级", _("四级")
        FIVE = "五级", _("五级")
        STAR = "星级", _("星级")
        NONE = "", _("未定级")

    name = models.CharField(_("项目名称"), max_length=200)
    township = models.ForeignKey(
        Region,
        models.PROTECT,
        related_name="township_projects",
        verbose_name=_("街道/乡镇"),
        limit_choices_to={"level": Region.Level.TOWNSHIP},
    )
    community = models.ForeignKey(
        Region,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="community_projects",
        verbose_name=_("社区"),
        limit_choices_to={"level": Region.Level.COMMUNITY},
    )
    # Copied from the township at save time so scoping is one indexed prefix filter.
    region_path = models.CharField(max_length=255, editable=False, db_index=True, default="")
    address = models.CharField(_("地址"), max_length=255, blank=True)
    households = models.PositiveIntegerField(_("户数"), default=0)
    service_standard = models.CharField(_("服务标准"), max_length=20, blank=True, choices=Standard.choices)
    fee = models.DecimalField(_("物业费（元/㎡·月）"), max_digits=6, decimal_places=2, null=True, blank=True)
    is_resettlement = models.BooleanField(_("动迁安置小区"), default=False)
    has_old_elevators = models.BooleanField(_("有使用超15年电梯"), default=False)
    company = models.ForeignKey(
        Company,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="projects",
        verbose_name=_("当前物业企业"),
    )
    manager = models.ForeignKey(
        Manager,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="projects",
        verbose_name=_("当前项目经理"),
    )
    public_token = models.CharField(max_length=32, unique=True, default=new_public_token, editable=False)

    objects = ProjectQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("物业项目")
        verbose_name_plural = _("物业项目")
        ordering = ["township_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["township", "name"], name="project_unique_name_in_township")
        ]
        indexes = [models.Index(fields=["company", "township"])]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.region_path = (self.community or self.township).path
        super().save(*args, **kwargs)

    def served_by(self, on: date) -> "ProjectAssignment | None":
        """Who served this project on a day: rankings and lists judge that company and manager."""
        return self.assignments.filter(start__lte=on).exclude(end__lt=on).order_by("-start").first()


class ProjectAlias(models.Model):
    """Another name callers use for the project (12345 callers write names many ways)."""

    project = models.ForeignKey(Project, models.CASCADE, related_name="aliases")
    name = models.CharField(_("别名"), max_length=200)

    class Meta:
        verbose_name = _("项目别名")
        verbose_name_plural = _("项目别名")
        constraints = [models.UniqueConstraint(fields=["project", "name"], name="alias_unique_in_project")]

    def __str__(self) -> str:
        return self.name


class ProjectAssignment(models.Model):
    """A dated spell of one company (and manager) serving a project; `end` is inclusive, null while current."""

    project = models.ForeignKey(Project, models.CASCADE, related_name="assignments")
    company = models.ForeignKey(Company, models.PROTECT, related_name="assignments")
    manager = models.ForeignKey(Manager, models.SET_NULL, null=True, blank=True, related_name="assignments")
    start = models.DateField(_("起始日期"))
    end = models.DateField(_("结束日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("服务记录")
        verbose_name_plural = _("服务记录")
        ordering = ["project_id", "-start"]
        indexes = [models.Index(fields=["company", "start"])]

    def __str__(self) -> str:
        return f"{self.project} · {self.company} · {self.start}"


class OwnersCommittee(models.Model):
    """业委会/物管会 of a project (seed 003)."""

    class Kind(models.TextChoices):
        OWNERS = "owners", _("业主委员会")
        MANAGEMENT = "management", _("物业管理委员会")

    project = models.OneToOneField(Project, models.CASCADE, related_name="owners_committee")
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices, default=Kind.OWNERS)
    chair = models.CharField(_("主任"), max_length=50, blank=True)
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    established = models.DateField(_("成立日期"), null=True, blank=True)
    term_ends = models.DateField(_("任期届满"), null=True, blank=True)

    class Meta:
        verbose_name = _("业委会/物管会")
        verbose_name_plural = _("业委会/物管会")

    def __str__(self) -> str:
        return f"{self.project} {self.get_kind_display()}"


class User(AbstractUser):
    """A person with one role, attached to one organisation node that bounds what they see."""

    class Role(models.TextChoices):
        TASK_FORCE = "task_force", _("专班")
        TOWNSHIP = "township", _("镇街")
        DEPARTMENT = "department", _("部门")
        COMPANY = "company", _("物业企业")
        ADMIN = "admin", _("管理员")

    role = models.CharField(_("角色"), max_length=16, choices=Role.choices, default=Role.TOWNSHIP)
    full_name = models.CharField(_("姓名"), max_length=50, blank=True)
    phone = models.CharField(_("电话"), max_length=30, blank=True)
    region = models.ForeignKey(
        Region, models.PROTECT, null=True, blank=True, related_name="users", verbose_name=_("所属行政区")
    )
    department = models.ForeignKey(
        Department, models.PROTECT, null=True, blank=True, related_name="users", verbose_name=_("所属部门")
    )
    company = models.ForeignKey(
        Company, models.PROTECT, null=True, blank=True, related_name="users", verbose_name=_("所属企业")
    )

    objects = ScopedUserManager()

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def is_admin(self) -> bool:
        return self.is_superuser or self.role == self.Role.ADMIN

    @property
    def organisation(self) -> object:
        """The node this user speaks for, as shown in the header."""
        return self.company or self.department or self.region


def job_result_path(job: "Job", filename: str) -> str:
    return f"jobs/{job.created_at:%Y/%m}/{secrets.token_hex(8)}-{filename}"


class Job(models.Model):
    """One long piece of work (an import, an export, a computation) and its progress.

    The Celery task updates it; the page polls its status partial with htmx until it is
    done. The result file and the row errors stay downloadable by whoever started it.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("进行中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    kind = models.CharField(_("类型"), max_length=50)
    title = models.CharField(_("名称"), max_length=200)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveIntegerField(_("已处理"), default=0)
    total = models.PositiveIntegerField(_("总数"), default=0)
    message = models.TextField(_("说明"), blank=True)
    params = models.JSONField(default=dict, blank=True)
    result = models.JSONField(default=dict, blank=True)
    row_errors = models.JSONField(_("行错误"), default=list, blank=True)
    result_file = models.FileField(upload_to=job_result_path, blank=True)
    created_by = models.ForeignKey("orgs.User", models.PROTECT, related_name="jobs")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        verbose_name = _("后台任务")
        verbose_name_plural = _("后台任务")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.title}（{self.get_status_display()}）"

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return min(100, int(self.progress * 100 / self.total)) if self.total else 0

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)


class Notification(models.Model):
    """One message in a user's in-app inbox (收件箱): an order received, an item overdue, a list published.

    Apps create them through `orgs.notifications.notify`; the daily digest e-mails what
    is still unread and marks it `emailed_at`, so nobody gets the same item twice.
    """

    class Kind(models.TextChoices):
        """Every kind of notice, in one place: callers pass these, the inbox filters and labels by them."""

        ORDER = "ledger_order", _("新整改通知书")
        ORDER_ANSWERED = "ledger_order_answered", _("整改通知书已答复")
        RETURNED = "ledger_returned", _("问题被退回")
        ESCALATED = "ledger_escalated", _("挂牌督办")
        DUE_SOON = "ledger_due_soon", _("即将到期")
        OVERDUE = "ledger_overdue", _("已逾期")
        REPORT_DUE = "report_due", _("月报即将到期")
        REPORT_SUBMITTED = "report_submitted", _("月报已报送")
        REPORT_RETURNED = "report_returned", _("月报被退回")
        RESIDENT_REPORT = "resident_report", _("群众随手拍")
        ACTION_PROPOSED = "action_proposed", _("待确认的整改措施")
        WELCOME = "welcome", _("系统消息")

    # Bootstrap colour of each kind's label in the inbox: red needs action now, amber soon.
    KIND_STYLES = {
        Kind.ORDER: "danger",
        Kind.RETURNED: "danger",
        Kind.ESCALATED: "danger",
        Kind.OVERDUE: "danger",
        Kind.REPORT_RETURNED: "danger",
        Kind.DUE_SOON: "warning",
        Kind.REPORT_DUE: "warning",
        Kind.ACTION_PROPOSED: "warning",
        Kind.RESIDENT_REPORT: "info",
    }

    user = models.ForeignKey("orgs.User", models.CASCADE, related_name="notifications")
    # No `choices=` on the column: kinds are added without a migration, and rows of a kind
    # since retired still display (under their raw value).
    kind = models.CharField(_("类型"), max_length=50)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(_("链接"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("邮件提醒时间"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    @property
    def kind_label(self) -> str:
        return self.Kind(self.kind).label if self.kind in self.Kind.values else self.kind

    @property
    def kind_style(self) -> str:
        return self.KIND_STYLES.get(self.kind, "secondary")


class OutboxMessage(models.Model):
    """A task asked for by a request, kept in the database until the broker has taken it (orgs.outbox).

    Written in the request's transaction, so work asked for while Redis is down is not lost: the
    relay sends what is still waiting once the broker is back.
    """

    class Status(models.TextChoices):
        WAITING = "waiting", _("待发送")
        SENT = "sent", _("已发送")

    task = models.CharField(_("任务"), max_length=200)
    args = models.JSONField(default=list, blank=True)
    job = models.ForeignKey(Job, models.CASCADE, null=True, blank=True, related_name="outbox")
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.WAITING)
    attempts = models.PositiveIntegerField(_("发送次数"), default=0)
    last_error = models.TextField(_("最近错误"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("待发任务")
        verbose_name_plural = _("待发任务")
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.task}{self.args}（{self.get_status_display()}）"


class ScheduledSlot(models.Model):
    """One scheduled task's run for one slot (a local date): the row that makes a slot run once.

    Beat may fire twice (two beats, a restart replaying a missed slot); the second run finds the
    slot claimed and does nothing (orgs.schedule.once_per_slot).
    """

    task = models.CharField(_("任务"), max_length=200)
    slot = models.CharField(_("时段"), max_length=32)
    task_id = models.CharField(max_length=64, blank=True)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("定时任务时段")
        verbose_name_plural = _("定时任务时段")
        constraints = [models.UniqueConstraint(fields=["task", "slot"], name="scheduled_slot_once")]

    def __str__(self) -> str:
        return f"{self.task} {self.slot}"
