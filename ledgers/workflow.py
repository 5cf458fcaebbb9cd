"""The life of a ledger item, as plain functions driven by one transitions table.

Seed 001: "实行问题整改销号管理，整治一个、验收一个、销号一个。" — every problem is fixed,
then accepted, then closed out, one by one. SPEC.md: 待整改 → 整改中 → 待验收 → 已销号; acceptance
can be refused (退回, with a reason) and the item goes back to 整改中; only the township or the
task force accepts, so a company can never close its own item.

Every move locks the row, checks the version the caller saw (optimistic concurrency: pages,
API and Excel import all pass it), writes a LedgerEvent with before/after, and bumps `version`.
A move that is not allowed raises WorkflowError with a message for the user, in Chinese.
Pages, the API, imports, self-checks and complaints all come through here.
"""

from collections.abc import Iterable
from datetime import date
from enum import StrEnum

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from campaigns.models import Campaign, Category
from config.bounds import check_fields
from orgs.models import Department, Notification, Project, User
from orgs.notifications import notify

from .models import LedgerEvent, LedgerItem, RectificationPlan
from .xlsx_rows import fits_in_cell

Status = LedgerItem.Status
OPEN = frozenset(LedgerItem.OPEN_STATUSES)


class WorkflowError(Exception):
    """A move that is not allowed; the message is shown to the user as it is."""


class NotAllowed(WorkflowError):
    """The user's role may not make this move (the API answers 403)."""


class StaleVersion(WorkflowError):
    """The item changed since the caller read it (the API answers 409)."""


class Move(StrEnum):
    CREATE = "create"
    START = "start"
    SUBMIT = "submit"
    ACCEPT = "accept"
    RETURN = "return"
    ESCALATE = "escalate"
    EXTEND = "extend"
    WITHDRAW = "withdraw"
    EDIT = "edit"
    EVIDENCE = "evidence"


MOVE_LABELS = {
    Move.CREATE: "登记",
    Move.START: "开始整改",
    Move.SUBMIT: "申请验收",
    Move.ACCEPT: "验收销号",
    Move.RETURN: "退回",
    Move.ESCALATE: "挂牌督办",
    Move.EXTEND: "整改计划",
    Move.WITHDRAW: "撤销",
    Move.EDIT: "修改",
    Move.EVIDENCE: "上传佐证材料",
}

TASK_FORCE, TOWNSHIP, DEPARTMENT, COMPANY, ADMIN = (r.value for r in User.Role)
FIELD_WORKERS = frozenset({TOWNSHIP, DEPARTMENT, COMPANY, TASK_FORCE})
ACCEPTORS = frozenset({TOWNSHIP, TASK_FORCE})

# (state, move) → (new state or None when the move keeps the state, roles allowed).
TRANSITIONS: dict[tuple[str, Move], tuple[str | None, frozenset[str]]] = {
    (Status.REGISTERED, Move.START): (Status.IN_PROGRESS, FIELD_WORKERS),
    (Status.REGISTERED, Move.SUBMIT): (Status.SUBMITTED, FIELD_WORKERS),
    (Status.IN_PROGRESS, Move.SUBMIT): (Status.SUBMITTED, FIELD_WORKERS),
    (Status.SUBMITTED, Move.ACCEPT): (Status.CLOSED, ACCEPTORS),
    (Status.SUBMITTED, Move.RETURN): (Status.IN_PROGRESS, ACCEPTORS),
    **{(s, Move.ESCALATE): (None, frozenset({TASK_FORCE})) for s in OPEN},
    **{(s, Move.EXTEND): (None, frozenset({TOWNSHIP, TASK_FORCE, DEPARTMENT})) for s in OPEN},
    **{(s, Move.WITHDRAW): (Status.WITHDRAWN, frozenset({TOWNSHIP, TASK_FORCE, ADMIN})) for s in OPEN},
    **{(s, Move.EDIT): (None, frozenset({TOWNSHIP, TASK_FORCE, DEPARTMENT, COMPANY, ADMIN})) for s in OPEN},
    **{(s, Move.EVIDENCE): (None, FIELD_WORKERS) for s in OPEN},
}

CREATORS = frozenset({TOWNSHIP, TASK_FORCE, DEPARTMENT, COMPANY})

# Which fields each role may change through `edit`. A company reports its measures and
# progress but never moves the deadline, the category or who is responsible.
# Every field of an item that `edit` can change at all, in the order a form shows them.
ITEM_FIELDS = (
    "problem",
    "measures",
    "deadline",
    "responsible_person",
    "progress_note",
    "remarks",
    "category",
    "responsible_unit",
    "source",
)
EDITABLE_FIELDS: dict[str, frozenset[str]] = {
    COMPANY: frozenset({"measures", "progress_note", "responsible_person"}),
    DEPARTMENT: frozenset({"measures", "progress_note", "responsible_person", "remarks"}),
    TOWNSHIP: frozenset(ITEM_FIELDS),
}
EDITABLE_FIELDS[TASK_FORCE] = EDITABLE_FIELDS[TOWNSHIP]
EDITABLE_FIELDS[ADMIN] = EDITABLE_FIELDS[TOWNSHIP]


def within_bounds(model: type, values: dict) -> None:
    """Texts and dates within config.bounds (a deadline in year 9999, a 200,000-character problem)."""
    try:
        check_fields(model, values)
    except ValidationError as error:
        raise WorkflowError(error.messages[0]) from error


def role_of(user: User) -> str:
    return ADMIN if user.is_admin else user.role


def can(user: User, item: LedgerItem, move: Move) -> bool:
    """May this user make this move on this item now? (Scope is checked again when the move runs.)"""
    rule = TRANSITIONS.get((item.status, move))
    if rule is None or role_of(user) not in rule[1]:
        return False
    return move != Move.ACCEPT or acceptance_refusal(user, item) is None


def acceptance_refusal(user: User, item: LedgerItem) -> str | None:
    """Why this user may not accept (验收销号) this item under its campaign's rule, or None.

    Seed 001: "整治一个、验收一个、销号一个" — acceptance is a check on the work, so a campaign can
    require that it is not made by the one who logged the problem or asked for acceptance
    (OTHER_OFFICER), or only by the task force (TASK_FORCE); the history shows who did each step.
    """
    rule = item.campaign.acceptance
    if rule == Campaign.Acceptance.TASK_FORCE and role_of(user) != TASK_FORCE:
        return "按本整治行动的规定，验收销号须由专班进行。"
    if rule == Campaign.Acceptance.OTHER_OFFICER and user.pk in _registered_or_submitted_by(item):
        return (
            "按本整治行动的规定，登记或申请验收该问题的人员不能自己验收销号，请由本单位其他人员或专班验收。"
        )
    return None


def _registered_or_submitted_by(item: LedgerItem) -> set[int]:
    submitters = item.events.filter(move=Move.SUBMIT).order_by("-id").values_list("actor_id", flat=True)[:1]
    return {pk for pk in (item.created_by_id, *submitters) if pk is not None}


def available_moves(item: LedgerItem, user: User) -> list[Move]:
    """The moves to offer as buttons; templates read this instead of deciding themselves."""
    return [move for move in Move if move not in (Move.CREATE, Move.EVIDENCE) and can(user, item, move)]


def _display(item: LedgerItem, field: str) -> object:
    value = getattr(item, field)
    if field == "status":
        return item.get_status_display()
    if field == "source":
        return item.get_source_display()
    if field == "escalation_level":
        return item.get_escalation_level_display()
    if isinstance(value, date):
        return value.isoformat()
    if hasattr(value, "pk"):
        return str(value)
    return value


def lock_item(item: LedgerItem, user: User | None, version: int | None) -> LedgerItem:
    """Re-read the row for update, inside the viewer's scope, and check the version they saw."""
    rows = LedgerItem.objects.all() if user is None else LedgerItem.objects.visible_to(user)
    locked = rows.select_for_update().filter(pk=item.pk).first()
    if locked is None:
        raise WorkflowError("找不到该问题，或您无权处理。")
    if version is not None and int(version) != locked.version:
        raise StaleVersion(
            f"该问题已被他人修改（当前版本 {locked.version}，您看到的是 {version}），请刷新后重试。"
        )
    return locked


def check_move(user: User | None, item: LedgerItem, move: Move) -> str | None:
    rule = TRANSITIONS.get((item.status, move))
    if rule is None:
        raise WorkflowError(f"问题处于“{item.get_status_display()}”状态，不能{MOVE_LABELS[move]}。")
    if user is not None and role_of(user) not in rule[1]:
        raise NotAllowed(f"您的角色（{user.get_role_display()}）不能对该问题{MOVE_LABELS[move]}。")
    refusal = acceptance_refusal(user, item) if user is not None and move == Move.ACCEPT else None
    if refusal:
        raise NotAllowed(refusal)
    return rule[0]


def _apply(
    item: LedgerItem,
    user: User | None,
    move: Move,
    values: dict,
    note: str = "",
) -> LedgerItem:
    """Set the fields, record every real change as [before, after], bump the version, save."""
    within_bounds(LedgerItem, values)
    within_bounds(LedgerEvent, {"note": note})
    before_status = item.status
    changes = {}
    for field, value in values.items():
        before = _display(item, field)
        setattr(item, field, value)
        after = _display(item, field)
        if before != after:
            changes[field] = [before, after]
    if not changes and not note:
        return item
    item.version += 1
    item.save()
    LedgerEvent.objects.create(
        item=item,
        actor=user,
        move=move,
        from_status=before_status,
        to_status=item.status,
        note=note,
        changes=changes,
    )
    return item


def _move(item, user, move: Move, version, note: str = "", **values) -> LedgerItem:
    locked = lock_item(item, user, version)
    new_status = check_move(user, locked, move)
    if new_status is not None:
        values["status"] = new_status
    return _apply(locked, user, move, values, note)


@transaction.atomic
def create_item(
    *,
    user: User | None,
    campaign: Campaign,
    project: Project,
    problem: str,
    category: Category | None = None,
    source: str = LedgerItem.Source.INSPECTION,
    deadline: date | None = None,
    responsible_unit: Department | None = None,
    note: str = "",
    **fields,
) -> LedgerItem:
    """Log a problem (登记). `user=None` is a system job (e.g. complaint import) acting on its own.

    Used by quick entry, the ledger form, the API, self-checks, complaints and the Excel import.
    The project must lie in the user's scope; the company serving it now is kept on the item.
    """
    if user is not None:
        if role_of(user) not in CREATORS:
            raise NotAllowed("您的角色不能登记台账问题。")
        if not Project.objects.visible_to(user).filter(pk=project.pk).exists():
            raise WorkflowError("该项目不在您的管辖范围内。")
        if not Campaign.objects.visible_to(user).filter(pk=campaign.pk).exists():
            raise WorkflowError("您无权在该整治行动中登记问题。")
    if category is not None and category.campaign_id != campaign.pk:
        raise WorkflowError("整治内容不属于该整治行动。")
    if not (problem or "").strip():
        raise WorkflowError("请填写存在问题。")
    check_cell_limit({"problem": problem, **fields})
    within_bounds(LedgerItem, {"problem": problem, "deadline": deadline, **fields})
    within_bounds(LedgerEvent, {"note": note})
    item = LedgerItem.objects.create(
        campaign=campaign,
        project=project,
        company_id=project.company_id,
        township_id=project.township_id,
        region_path=project.region_path,
        problem=problem.strip(),
        category=category,
        source=source,
        deadline=deadline,
        responsible_unit=responsible_unit,
        created_by=user,
        **fields,
    )
    LedgerEvent.objects.create(
        item=item, actor=user, move=Move.CREATE, to_status=item.status, note=note or item.get_source_display()
    )
    return item


@transaction.atomic
def start(item: LedgerItem, user: User, *, version: int | None = None, note: str = "") -> LedgerItem:
    """开始整改: 待整改 → 整改中."""
    return _move(item, user, Move.START, version, note)


@transaction.atomic
def submit(item: LedgerItem, user: User, *, version: int | None = None, note: str = "") -> LedgerItem:
    """申请验收: the one fixing it says it is done (→ 待验收)."""
    return _move(item, user, Move.SUBMIT, version, note)


@transaction.atomic
def accept(item: LedgerItem, user: User, *, version: int | None = None, note: str = "") -> LedgerItem:
    """验收销号: "整治一个、验收一个、销号一个" — only the township of the project or the task force."""
    return _move(item, user, Move.ACCEPT, version, note, closed_at=timezone.now())


@transaction.atomic
def return_(item: LedgerItem, user: User, *, reason: str, version: int | None = None) -> LedgerItem:
    """退回: acceptance refused with a reason; the item goes back to 整改中."""
    if not (reason or "").strip():
        raise WorkflowError("退回必须填写理由。")
    item = _move(item, user, Move.RETURN, version, reason.strip())
    _tell(
        _people_fixing(item),
        Notification.Kind.RETURNED,
        f"台账问题被退回：{item.reference}",
        item,
        reason.strip(),
    )
    return item


@transaction.atomic
def escalate(
    item: LedgerItem,
    user: User,
    *,
    level: str,
    deadline: date,
    version: int | None = None,
    note: str = "",
) -> LedgerItem:
    """挂牌督办 (seed 004: "對群眾意見強烈、信訪投訴舉報多、問題整改不力的,由市級工作專班掛牌督辦")."""
    if level not in (LedgerItem.Escalation.COUNTY, LedgerItem.Escalation.CITY):
        raise WorkflowError("请选择督办级别（县级或市级）。")
    if deadline is None:
        raise WorkflowError("挂牌督办必须设定督办时限。")
    if deadline < timezone.localdate():
        raise WorkflowError("督办时限不能早于今天。")
    item = _move(
        item, user, Move.ESCALATE, version, note, escalation_level=level, escalation_deadline=deadline
    )
    title = f"{item.get_escalation_level_display()}：{item.reference} {item.project}"
    _tell(
        _people_fixing(item) + _township_officers(item),
        Notification.Kind.ESCALATED,
        title,
        item,
        item.problem,
    )
    return item


@transaction.atomic
def extend(
    item: LedgerItem,
    user: User,
    *,
    new_deadline: date,
    plan: str,
    version: int | None = None,
) -> LedgerItem:
    """整改计划 (seed 004: "短期内無法整改的,督促物業服務企業制訂整改計劃并督辦整改工作").

    The plan and the old and new deadline are kept as a RectificationPlan row and an event.
    """
    if not (plan or "").strip():
        raise WorkflowError("请填写整改计划。")
    locked = lock_item(item, user, version)
    check_move(user, locked, Move.EXTEND)
    if new_deadline is None or (locked.deadline is not None and new_deadline <= locked.deadline):
        raise WorkflowError("整改计划的完成时限应晚于原完成时限。")
    RectificationPlan.objects.create(
        item=locked,
        old_deadline=locked.deadline,
        new_deadline=new_deadline,
        plan=plan.strip(),
        created_by=user,
    )
    return _apply(locked, user, Move.EXTEND, {"deadline": new_deadline}, plan.strip())


@transaction.atomic
def withdraw(item: LedgerItem, user: User, *, reason: str, version: int | None = None) -> LedgerItem:
    """撤销: nothing is deleted; the row stays with its history and the reason."""
    if not (reason or "").strip():
        raise WorkflowError("撤销必须填写理由。")
    return _move(item, user, Move.WITHDRAW, version, reason.strip())


@transaction.atomic
def edit(
    item: LedgerItem, user: User, changes: dict, *, version: int | None = None, note: str = ""
) -> LedgerItem:
    """Change fields of an open item; each role may change only its own set of fields."""
    locked = lock_item(item, user, version)
    check_move(user, locked, Move.EDIT)
    allowed = EDITABLE_FIELDS.get(role_of(user), frozenset())
    refused = sorted(set(changes) - allowed)
    if refused:
        raise NotAllowed(f"您不能修改这些字段：{'、'.join(_label(f) for f in refused)}。")
    if "problem" in changes and not (changes["problem"] or "").strip():
        raise WorkflowError("存在问题不能为空。")
    check_cell_limit(changes)
    category = changes.get("category")
    if category is not None and category.campaign_id != locked.campaign_id:
        raise WorkflowError("整治内容不属于该整治行动。")
    return _apply(locked, user, Move.EDIT, changes, note)


# The moves that take an item forward, each with the function that makes it.
FORWARD_MOVES = (Move.START, Move.SUBMIT, Move.ACCEPT)


def forward_path(role: str, status: str, target: str) -> list[Move] | None:
    """The shortest series of forward moves (开始整改, 申请验收, 验收销号) this role may make to take an
    item from `status` to `target`; [] when it is there already, None when the role cannot get there.

    An import reads a state from 进展情况 ("已销号：…") and may only reach it the way a person could.
    """
    paths: dict[str, list[Move]] = {status: []}
    frontier = [status]
    while frontier:
        state = frontier.pop(0)
        if state == target:
            return paths[state]
        for move in FORWARD_MOVES:
            new_state, roles = TRANSITIONS.get((state, move), (None, frozenset()))
            if new_state is not None and role in roles and new_state not in paths:
                paths[new_state] = [*paths[state], move]
                frontier.append(new_state)
    return None


@transaction.atomic
def advance(item: LedgerItem, user: User, moves: list[Move], *, note: str = "") -> LedgerItem:
    """Make the forward moves of `forward_path` one after another, each checked and recorded."""
    steps = {Move.START: start, Move.SUBMIT: submit, Move.ACCEPT: accept}
    for move in moves:
        item = steps[move](item, user, note=note)
    return item


TEXT_FIELDS = ("problem", "measures", "progress_note", "remarks")


def check_cell_limit(values: dict) -> None:
    """Refuse at entry a text the ledger could not export whole: an Excel cell holds 32,767 characters."""
    for name in TEXT_FIELDS:
        text = values.get(name)
        if isinstance(text, str) and not fits_in_cell(text):
            raise WorkflowError(
                f"{_label(name)}超过 Excel 单元格上限（32767 字），台账无法完整导出，请精简或分条登记。"
            )


def _label(name: str) -> str:
    try:
        return str(LedgerItem._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:
        return name


def bulk(items: Iterable[LedgerItem], action, **kwargs) -> tuple[int, list[str]]:
    """Run one move over many items; each item is its own transaction. Returns (done, errors)."""
    done, errors = 0, []
    for item in items:
        try:
            action(item, **kwargs)
            done += 1
        except WorkflowError as error:
            errors.append(f"{item.reference}：{error}")
    return done, errors


def _people_fixing(item: LedgerItem) -> list[int]:
    """The company's staff and the responsible unit's staff: those who must act on a return or 督办."""
    users = User.objects.filter(is_active=True)
    ids = []
    if item.company_id:
        ids += list(users.filter(role=COMPANY, company_id=item.company_id).values_list("pk", flat=True))
    if item.responsible_unit_id:
        ids += list(
            users.filter(role=DEPARTMENT, department_id=item.responsible_unit_id).values_list("pk", flat=True)
        )
    return ids


def _township_officers(item: LedgerItem) -> list[int]:
    return list(
        User.objects.filter(role=TOWNSHIP, region_id=item.township_id, is_active=True).values_list(
            "pk", flat=True
        )
    )


def _tell(user_ids: list[int], kind: str, title: str, item: LedgerItem, body: str = "") -> None:
    url = reverse("ledgers:item_detail", args=[item.pk])
    transaction.on_commit(lambda: notify(set(user_ids), kind, title, url=url, body=body))
