"""The action register's life: rules propose, the task force confirms or waives, then it is done.

SPEC.md: "Every consequence … is created by a rule as a proposed action with its
evidence … The task force confirms it, or waives it with a written reason; then it
is tracked to done like any ledger item. Running the same computation twice creates
nothing new. A rule parameter changed later does not rewrite what was decided before."
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlencode

from django.core import signing
from django.db import connection, transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from orgs.models import Company, Department, Manager, Notification, Project, Region, User
from orgs.notifications import notify

from . import action_rules
from .models import Action, Campaign

BATCH = 1000


class ActionError(Exception):
    """A move on an action that is not allowed; the message is for the user, in Chinese."""


@dataclass(frozen=True)
class Target:
    """Who an action is aimed at, with the project/company context it arose in."""

    type: str
    id: int
    name: str
    region_path: str
    context: dict = field(default_factory=dict)

    @classmethod
    def project(
        cls, project: Project, company: Company | None = None, manager: Manager | None = None
    ) -> "Target":
        context = {
            "project": project,
            "company": company or project.company,
            "manager": manager,
            "township_id": project.township_id,
        }
        return cls(Action.TargetType.PROJECT, project.pk, project.name, project.region_path, context)

    @classmethod
    def manager(cls, manager: Manager, project: Project) -> "Target":
        context = {
            "project": project,
            "company": manager.company,
            "manager": manager,
            "township_id": project.township_id,
        }
        return cls(Action.TargetType.MANAGER, manager.pk, manager.name, project.region_path, context)

    @classmethod
    def company(cls, company: Company, campaign: Campaign) -> "Target":
        return cls(
            Action.TargetType.COMPANY,
            company.pk,
            company.name,
            campaign.jurisdiction.path,
            {"company": company},
        )

    @classmethod
    def township(cls, township: Region) -> "Target":
        return cls(
            Action.TargetType.TOWNSHIP, township.pk, township.name, township.path, {"township": township}
        )

    @classmethod
    def department(cls, department: Department) -> "Target":
        return cls(
            Action.TargetType.DEPARTMENT,
            department.pk,
            department.name,
            department.region.path,
            {"department": department},
        )


@dataclass(frozen=True)
class Proposal:
    """One consequence a rule found: which measure, aimed at whom, under which rule, on what evidence."""

    kind: str
    target: Target
    rule: str
    evidence: dict

    @property
    def key(self) -> tuple[str, str, int]:
        return (self.kind, self.target.type, self.target.id)


def propose(campaign: Campaign, kind: str, target: Target, period: str, rule: str, evidence: dict) -> Action:
    """Record one proposed action once per (campaign, kind, target, period): see propose_all."""
    propose_all(campaign, period, [Proposal(kind, target, rule, evidence)])
    return Action.objects.get(
        campaign=campaign, kind=kind, target_type=target.type, target_id=target.id, period=period
    )


def propose_all(campaign: Campaign, period: str, proposals: Iterable[Proposal], user=None) -> int:
    """Record proposed actions once per (campaign, kind, target, period), all of a run together.

    A rerun refreshes the evidence of an action still only proposed, and leaves one
    that was confirmed, waived or done exactly as the task force decided it. One query
    finds the period's actions already there; the new ones are inserted, and the refreshed
    ones updated, in batches, each with the audit row save() would have written (see
    _record_history). A quarter proposes ~16,000 fee reductions at province size: one by
    one that took minutes. Returns how many actions were created.
    """
    wanted = {p.key: p for p in proposals}  # a key proposed twice keeps its latest evidence
    if not wanted:
        return 0
    existing = {
        (kind, ttype, tid): (pk, status, evidence)
        for pk, kind, ttype, tid, status, evidence in Action.objects.filter(
            campaign=campaign, period=period, kind__in={kind for kind, _t, _i in wanted}
        ).values_list("pk", "kind", "target_type", "target_id", "status", "evidence")
    }
    new, refreshed = [], []
    for key, p in wanted.items():
        found = existing.get(key)
        if found is None:
            new.append(
                Action(
                    campaign=campaign,
                    kind=p.kind,
                    target_type=p.target.type,
                    target_id=p.target.id,
                    period=period,
                    target_name=p.target.name,
                    region_path=p.target.region_path,
                    rule=p.rule,
                    evidence=p.evidence,
                    **p.target.context,
                )
            )
        elif found[1] == Action.Status.PROPOSED and found[2] != p.evidence:
            refreshed.append(Action(pk=found[0], evidence=p.evidence))
    with transaction.atomic():
        created = Action.objects.bulk_create(new, batch_size=BATCH)
        _record_history([a.pk for a in created], "+", user)
        Action.objects.bulk_update(refreshed, ["evidence"], batch_size=BATCH)
        _record_history([a.pk for a in refreshed], "~", user)
    return len(created)


def withdraw_stale(campaign: Campaign, period: str, computation: str, kept: set[tuple[str, str, int]]) -> int:
    """A rerun on corrected data withdraws the period's proposals nobody decided on that it no longer makes.

    Only the kinds the computation proposes (from the rule registry, so a new rule is never
    forgotten here), never an action the task force already decided, and never another rule's
    proposal of the same period (a failed evaluation's 更换物业企业, told by its evidence marker).
    The deletion sends each row's signal, so its history keeps when it was withdrawn; one a company
    objected to is kept as 已撤销 with its objection. Returns how many.
    """
    stale = Action.objects.filter(
        campaign=campaign,
        period=period,
        kind__in=action_rules.kinds_of(computation),
        status=Action.Status.PROPOSED,
    )
    for marker in action_rules.markers_besides(computation):
        stale = stale.exclude(evidence__has_key=marker)
    ids = [
        pk
        for pk, *key in stale.values_list("pk", "kind", "target_type", "target_id")
        if tuple(key) not in kept
    ]
    contested = Action.objects.filter(pk__in=ids, objections__isnull=False).distinct()
    for action in contested:  # the company's objection stays with the record it objected to
        action.status, action.reason = Action.Status.WITHDRAWN, "重新计算后不再符合规则，自动撤销"
        action.save()
    Action.objects.filter(pk__in=ids).exclude(status=Action.Status.WITHDRAWN).delete()
    return len(ids)


def _record_history(ids: list[int], history_type: str, user) -> None:
    """The audit rows (who, when, every value) django-simple-history's save() signal writes,
    copied by the database from the action rows just written. Bulk writes send no signals,
    and building 16,000 historical model instances in Python cost more than the insert."""
    history = Action.history.model
    columns = [f.column for f in Action._meta.concrete_fields]
    quote = connection.ops.quote_name
    names = ", ".join(quote(c) for c in columns)
    now, user_id = timezone.now(), getattr(user, "pk", None)
    with connection.cursor() as cursor:
        for start in range(0, len(ids), BATCH):
            chunk = ids[start : start + BATCH]
            cursor.execute(
                f"INSERT INTO {quote(history._meta.db_table)} ({names}, history_date, history_type, "  # nosec B608  # quoted model names; values bound
                f"history_user_id) SELECT {names}, %s, %s, %s FROM {quote(Action._meta.db_table)} "
                f"WHERE id IN ({', '.join(['%s'] * len(chunk))})",
                [now, history_type, user_id, *chunk],
            )


def task_force_of(campaign: Campaign):
    """The task force of the campaign's jurisdiction or above: who sees every action of the campaign."""
    jurisdiction = Region.objects.only("path").get(pk=campaign.jurisdiction_id)
    above = [int(part) for part in jurisdiction.path.strip("/").split("/") if part]
    return User.objects.filter(role=User.Role.TASK_FORCE, region_id__in=above)


def announce_proposals(campaign: Campaign, period: str, since: datetime, source: str) -> list[Notification]:
    """待确认的整改措施: after a computation run, tell the task force once what it newly proposed.

    SPEC.md: "The task force confirms it, or waives it with a written reason." One notice per
    run, not per action (a monthly run can propose dozens): the new proposals of `period`
    created since `since`, counted by kind, linking to the register filtered to them. A rerun
    that proposes nothing new tells nobody. Recipients are the task force of the campaign's
    jurisdiction or above, the people who can see every proposal of the campaign.
    """
    counts = list(
        Action.objects.filter(
            campaign=campaign, period=period, status=Action.Status.PROPOSED, created_at__gte=since
        )
        .values_list("kind")
        .annotate(n=Count("pk"))
        .order_by("kind")
    )
    if not counts:
        return []
    labels = dict(Action.Kind.choices)
    task_force = task_force_of(campaign)
    query = urlencode({"campaign": campaign.slug, "period": period, "status": Action.Status.PROPOSED})
    return notify(
        task_force,
        Notification.Kind.ACTION_PROPOSED,
        f"{campaign.title}：{source}新提出 {sum(n for _kind, n in counts)} 项整改措施待确认",
        url=f"{reverse('actions:list')}?{query}",
        body="；".join(f"{labels.get(kind, kind)} {n} 项" for kind, n in counts),
    )


def may_decide(user) -> bool:
    """Only the task force (or an admin) confirms, waives or completes a consequence."""
    return user.is_admin or user.role == user.Role.TASK_FORCE


def _require_task_force(user) -> None:
    if not may_decide(user):
        raise ActionError("只有专班可以确认、免除或办结整改措施")


# Issue 14: these end a company's contract, bar it, or name it in the press; confirming one asks
# for a second step that names what will be confirmed (confirmation_token), in the page and the API.
HEAVY_KINDS = frozenset(
    {Action.Kind.REPLACE_COMPANY, Action.Kind.COMPANY_BLACKLIST, Action.Kind.MEDIA_EXPOSURE}
)
HEAVY_SALT = "actions.heavy-confirmation"


def heavy(actions: Iterable[Action]) -> list[Action]:
    return [a for a in actions if a.kind in HEAVY_KINDS]


def confirmation_token(user, actions: Iterable[Action]) -> str:
    """A signed note that this user was shown exactly these heavy actions before confirming them."""
    return signing.dumps({"u": user.pk, "ids": sorted(a.pk for a in heavy(actions))}, salt=HEAVY_SALT)


def was_shown(user, actions: list[Action], token: str) -> bool:
    """Whether the token is this user's confirmation page for exactly these heavy actions (or none are heavy)."""
    ids = sorted(a.pk for a in heavy(actions))
    if not ids:
        return True
    try:
        shown = signing.loads(token or "", salt=HEAVY_SALT, max_age=3600)
    except signing.BadSignature:
        return False
    return shown == {"u": user.pk, "ids": ids}


def _require_shown(user, actions: list[Action], token: str) -> None:
    if not was_shown(user, actions, token):
        names = "、".join(f"{a.get_kind_display()}（{a.target_name}）" for a in heavy(actions)[:3])
        raise ActionError(f"启动更换物业企业程序、企业黑名单、媒体曝光须在确认页核对后再确认：{names}")


@transaction.atomic
def decide_many(actions: list[Action], user, decision: str, reason: str = "", token: str = "") -> int:
    """Confirm or waive many proposals with one reason, all or none (issue 14: 649 waiting in the demo).

    Heavy kinds are confirmed only with the token of the page that listed them. Returns how many.
    """
    _require_task_force(user)
    if decision not in ("confirm", "waive"):
        raise ActionError("请选择确认或免除")
    if not actions:
        raise ActionError("请至少勾选一项待确认的措施")
    if decision == "confirm":
        _require_shown(user, actions, token)
        for action in actions:
            _confirm(action, user)
    else:
        for action in actions:
            waive(action, user, reason)
    return len(actions)


@transaction.atomic
def confirm(action: Action, user, token: str = "") -> Action:
    """Confirm one proposal; a heavy one only with the token of the page that showed it."""
    _require_task_force(user)
    _require_shown(user, [action], token)
    return _confirm(action, user)


def _confirm(action: Action, user) -> Action:
    if action.status != Action.Status.PROPOSED:
        raise ActionError(f"该措施当前为“{action.get_status_display()}”，不能确认")
    action.status, action.decided_by, action.decided_at = Action.Status.CONFIRMED, user, timezone.now()
    action.save()
    return action


@transaction.atomic
def waive(action: Action, user, reason: str) -> Action:
    _require_task_force(user)
    if action.status != Action.Status.PROPOSED:
        raise ActionError(f"该措施当前为“{action.get_status_display()}”，不能免除")
    if not reason.strip():
        raise ActionError("免除措施必须填写书面理由")
    action.status, action.decided_by, action.decided_at = Action.Status.WAIVED, user, timezone.now()
    action.reason = reason.strip()
    action.save()
    return action


@transaction.atomic
def complete(action: Action, user, note: str) -> Action:
    """Mark a confirmed action done, saying what was done (e.g. the new manager's name)."""
    if user is not None:
        _require_task_force(user)
    if action.status != Action.Status.CONFIRMED:
        raise ActionError("只有已确认的措施才能办结")
    if not note.strip():
        raise ActionError("办结时必须说明办理结果")
    action.status, action.done_by, action.done_at = Action.Status.DONE, user, timezone.now()
    action.done_note = note.strip()
    action.save()
    return action
