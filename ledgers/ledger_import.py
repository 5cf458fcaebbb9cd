"""Importing an edited or hand-filled 整治工作台账: preview what it would do, then do it through workflow.

Seed 001 附件2: "问题、整治措施等相对应，每条问题占一行。序号同项目名称等对应，一个项目一个序号。"
A row carrying the hidden 台账编号@版本 updates its item, and is a conflict when the item changed
since the export. A row without it is first looked for among the items already logged (same
project, same action ledger, same 存在问题 once spaces, width and line breaks are set aside), so a
ledger imported twice, or an export whose hidden column was deleted, never logs a problem twice.
Only a row found nowhere is new. What the officer typed is kept: a leading state in 进展情况
moves the item as far as the workflow lets that role, and the words stay in the note.
"""

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from campaigns.models import Campaign, Category
from complaints.matching import basic
from orgs.models import Job, Project, ProjectAlias, Region

from . import workflow
from .cell_values import Deadline, parse_deadline, problem_key, same_lines, split_progress
from .models import LedgerItem
from .name_lookup import ProjectNames
from .sheet_reader import CATEGORY_HEADER, REF_HEADER, ImportRow, LedgerReader, RowError, Skipped, WrongFile

IMPORT_KIND = "ledger_import"
PROGRESS_EVERY = 2000
CREATE, CHANGE, UNCHANGED, CONFLICT, REFUSED, SKIPPED = (
    "create",
    "change",
    "unchanged",
    "conflict",
    "refused",
    "skipped",
)
ACTION_LABELS = {
    CREATE: "新增",
    CHANGE: "修改",
    UNCHANGED: "无变化",
    CONFLICT: "冲突",
    REFUSED: "拒绝",
    SKIPPED: "跳过",
}
EDITED_FIELDS = {  # template column → item field
    "存在问题": "problem",
    "整治措施": "measures",
    "完成时限": "deadline",
    "责任人": "responsible_person",
    "进展情况": "progress_note",
    "备注": "remarks",
}
STATUS_LABELS = {value: str(label) for value, label in LedgerItem.Status.choices}
NO_CATEGORY = (
    "无法确定整治内容：请在表中加“整治内容”列（填 1 或 环境卫生 等），"
    "或把工作表命名为整治内容（如“1 环境卫生”），或在上传时选择整治内容"
)


@dataclass
class PlannedRow:
    row: ImportRow
    action: str
    item: LedgerItem | None = None
    project_id: int | None = None
    category: Category | None = None
    values: dict = field(default_factory=dict)
    changes: dict = field(default_factory=dict)  # field → [before, after], for the preview
    message: str = ""
    notes: list[str] = field(default_factory=list)  # for the officer to confirm; nothing is refused
    moves: list = field(default_factory=list)  # forward moves 进展情况 asks for
    version: int | None = None  # the item's version the change is made against

    @property
    def key(self) -> str:
        return f"{self.row.sheet}|{self.row.row}"

    def summary(self) -> dict:
        return {
            "sheet": self.row.sheet,
            "row": self.row.row,
            "key": self.key,
            "action": self.action,
            "label": ACTION_LABELS[self.action],
            "reference": self.row.reference or (self.item.reference if self.item else ""),
            "project": self.row.text("项目名称"),
            "problem": self.row.text("存在问题")[:80],
            "changes": {_field_label(k): v for k, v in self.changes.items()},
            "message": self.message,
            "notes": self.notes,
            "system_version": self.item.version if self.item else None,
        }


@dataclass
class ImportPlan:
    """What an import would do. Unchanged rows are only counted: re-importing a whole exported
    ledger is mostly unchanged rows, and keeping them would make memory grow with the file."""

    rows: list[PlannedRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    unchanged: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    rows_in: int = 0

    def add(self, planned: PlannedRow) -> None:
        if planned.action == UNCHANGED:
            self.unchanged += 1
        else:
            self.rows.append(planned)

    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(ACTION_LABELS, 0)
        counts[UNCHANGED] = self.unchanged
        counts[SKIPPED] = sum(s.rows for s in self.skipped)
        for planned in self.rows:
            counts[planned.action] += 1
        return counts

    def summary(self, limit: int = 500) -> dict:
        return {
            "counts": self.counts(),
            "rows_in": self.rows_in,
            "rows": [p.summary() for p in self.rows[:limit]],
            "errors": [str(e) for e in self.errors[:limit]],
            "skipped": [str(s) for s in self.skipped[:limit]],
            "notes": self.notes[:limit],
        }

    def lines(self) -> list[str]:
        """Every note of the preview as lines, for the command line."""
        flagged = [f"“{p.row.sheet}”第 {p.row.row} 行：{note}" for p in self.rows for note in p.notes]
        return [*self.notes, *flagged, *(f"跳过 {s}" for s in self.skipped), *(str(e) for e in self.errors)]


def _field_label(name: str) -> str:
    if name == "status":
        return "状态"
    return str(LedgerItem._meta.get_field(name).verbose_name)


class _Planner:
    """Decides, row by row, what an import would do; writes nothing."""

    def __init__(self, campaign: Campaign, user, *, category=None, take_file=None, today=None):
        self.campaign, self.user, self.chosen_category = campaign, user, category
        self.take_file: dict[str, int] = take_file or {}
        self.today = today or timezone.localdate()
        self.role = workflow.role_of(user) if user is not None else workflow.ADMIN
        self.may_create = user is None or self.role in workflow.CREATORS
        self.editable = workflow.EDITABLE_FIELDS.get(self.role, frozenset())
        items = LedgerItem.objects.all() if user is None else LedgerItem.objects.visible_to(user)
        self.items = items.filter(campaign=campaign).select_related("project", "category")
        self.categories = list(Category.objects.filter(campaign=campaign))
        self.names: ProjectNames | None = None
        self.sheet_categories: dict[str, Category | None] = {}
        self.by_problem: dict[tuple[int, str], list[LedgerItem]] = {}
        self.loaded_projects: set[int] = set()
        self.seen_items: dict[int, int] = {}  # item → the row that already claimed it
        self.seen_new: dict[tuple[int, int | None, str], int] = {}

    def plan(self, rows: Iterable[ImportRow], batch: int = 1000) -> ImportPlan:
        plan = ImportPlan()
        chunk: list[ImportRow] = []
        for row in rows:
            chunk.append(row)
            if len(chunk) >= batch:
                self._plan_chunk(chunk, plan)
                chunk = []
        self._plan_chunk(chunk, plan)
        return plan

    def _plan_chunk(self, rows: list[ImportRow], plan: ImportPlan) -> None:
        references = {r.reference for r in rows if r.reference}
        known = {i.reference: i for i in self.items.filter(reference__in=references)} if references else {}
        for row in rows:
            values, deadline, errors = self._values(row)
            plan.errors.extend(errors)
            if errors:
                plan.add(PlannedRow(row, REFUSED, message="；".join(e.message for e in errors)))
            elif row.reference:
                item = known.get(row.reference)
                if item is None:
                    message = f"台账编号 {row.reference} 不存在，或不在您的范围内"
                    plan.add(self._refuse(row, plan, REF_HEADER, message))
                else:
                    plan.add(self._planned_change(row, item, values, deadline, plan))
            else:
                plan.add(self._planned_without_reference(row, values, deadline, plan))

    def _values(self, row: ImportRow) -> tuple[dict, Deadline, list[RowError]]:
        values, errors, deadline = {}, [], Deadline(None)
        for column, name in EDITED_FIELDS.items():
            if name == "deadline":
                try:
                    deadline = parse_deadline(row.values.get(column), self.today)
                except ValueError as error:
                    errors.append(RowError(row.sheet, row.row, column, str(error)))
                values[name] = deadline.day
            else:
                values[name] = same_lines(row.text(column))
        if not values["problem"]:
            errors.append(RowError(row.sheet, row.row, "存在问题", "存在问题不能为空"))
        return values, deadline, errors

    def _refuse(self, row: ImportRow, plan: ImportPlan, column: str, message: str, item=None) -> PlannedRow:
        plan.errors.append(RowError(row.sheet, row.row, column, message))
        return PlannedRow(row, REFUSED, item=item, message=message)

    def _claim(self, row: ImportRow, item: LedgerItem, plan: ImportPlan) -> PlannedRow | None:
        """A second row of the file naming the same item is refused: nothing is applied twice."""
        first = self.seen_items.setdefault(item.pk, row.row)
        if first == row.row:
            return None
        message = f"与本文件第 {first} 行是同一问题（{item.reference}），未重复处理"
        return self._refuse(row, plan, "", message, item)

    def _planned_change(
        self, row: ImportRow, item: LedgerItem, values: dict, deadline: Deadline, plan: ImportPlan
    ) -> PlannedRow:
        if (refused := self._claim(row, item, plan)) is not None:
            return refused
        if row.reference and row.text("项目名称") and basic(row.text("项目名称")) != basic(item.project.name):
            return self._refuse(row, plan, "项目名称", "不能通过导入更换问题所属的项目", item)
        values = _with_phrase(values, deadline)
        if deadline.phrase:  # "长期坚持"/"立行立改" set a deadline only when a problem is logged
            values.pop("deadline")
        note, moves, flag = self._progress(values["progress_note"], item.status)
        values["progress_note"] = note
        changes = {
            name: [_shown(getattr(item, name)), _shown(value)]
            for name, value in values.items()
            if same_lines(getattr(item, name)) != same_lines(value)
        }
        planned = PlannedRow(row, CHANGE, item=item, changes=changes, moves=moves, version=item.version)
        planned.notes += [flag] if flag else []
        if moves:
            changes["status"] = [STATUS_LABELS[item.status], STATUS_LABELS[_target(item.status, moves)]]
        if not changes:
            planned.action = UNCHANGED
            return planned
        return self._checked_change(planned, values, plan)

    def _checked_change(self, planned: PlannedRow, values: dict, plan: ImportPlan) -> PlannedRow:
        row, item = planned.row, planned.item
        stale = row.version is not None and row.version != item.version
        if stale and self.take_file.get(planned.key) != item.version:
            message = f"该问题在导出后已在系统中修改（导出时为第 {row.version} 版，现为第 {item.version} 版），未导入"
            plan.errors.append(RowError(row.sheet, row.row, "", message))
            planned.action, planned.message = CONFLICT, message
            return planned
        if stale:
            planned.notes.append("冲突已选择“采用文件的值”")
        if not item.is_open:
            return self._refuse(row, plan, "", f"问题{item.get_status_display()}，不能再修改", item)
        refused = sorted(set(planned.changes) - self.editable - {"status"})
        if refused:
            names = "、".join(_field_label(f) for f in refused)
            return self._refuse(row, plan, _field_label(refused[0]), f"您的角色不能修改：{names}", item)
        planned.values = {name: values[name] for name in planned.changes if name != "status"}
        return planned

    def _progress(self, typed: str, status: str) -> tuple[str, list, str]:
        """(the note to keep, the forward moves to make, a flag for the officer) from 进展情况.

        A leading state the role can reach is applied and the rest kept as the note; a state it
        cannot reach leaves the state alone, keeps every typed word in the note, and is flagged.
        """
        target, rest = split_progress(typed)
        if target is None or target == status:
            return (rest if target else typed), [], ""
        moves = workflow.forward_path(self.role, status, target)
        if moves is None:
            flag = (
                f"进展情况写明“{STATUS_LABELS[target]}”，但您的角色不能把“{STATUS_LABELS[status]}”的问题改为该状态："
                "状态未改，原文保留在进展情况中，请确认"
            )
            return typed, [], flag
        return rest, moves, ""

    def _planned_without_reference(
        self, row: ImportRow, values: dict, deadline: Deadline, plan: ImportPlan
    ) -> PlannedRow:
        project_id, message = self._names().find(row.text("项目名称"), row.text("街道"))
        if project_id is None:
            return self._refuse(row, plan, "项目名称", message)
        category, category_error = self._category_for(row)
        existing = self._existing(project_id, values["problem"], category)
        if existing is not None:
            return self._planned_change(row, existing, values, deadline, plan)
        if category_error:
            return self._refuse(row, plan, CATEGORY_HEADER, category_error)
        return self._planned_create(row, project_id, category, values, deadline, plan)

    def _planned_create(
        self, row, project_id, category, values: dict, deadline: Deadline, plan
    ) -> PlannedRow:
        if not self.may_create:
            return self._refuse(row, plan, "", "您的角色不能登记台账问题")
        key = (project_id, category.pk if category else None, problem_key(values["problem"]))
        first = self.seen_new.setdefault(key, row.row)
        if first != row.row:
            return self._refuse(row, plan, "存在问题", f"与本文件第 {first} 行是同一问题，未重复登记")
        values = _with_phrase(values, deadline)
        note, moves, flag = self._progress(values["progress_note"], LedgerItem.Status.REGISTERED)
        values["progress_note"] = note
        planned = PlannedRow(
            row, CREATE, project_id=project_id, category=category, values=values, moves=moves
        )
        planned.notes += [flag] if flag else []
        if moves:
            planned.notes.append(
                f"按进展情况登记为“{STATUS_LABELS[_target(LedgerItem.Status.REGISTERED, moves)]}”"
            )
        if deadline.phrase:
            planned.notes.append(
                f"完成时限“{deadline.phrase}”：{'无固定时限' if deadline.day is None else '以导入日为时限'}"
            )
        elif deadline.day is not None and deadline.day < self.today:
            planned.notes.append(f"完成时限 {_shown(deadline.day)} 已过（早于今天），请确认")
        return planned

    def _names(self) -> ProjectNames:
        if self.names is None:
            projects = Project.objects.all() if self.user is None else Project.objects.visible_to(self.user)
            projects = projects.filter(region_path__startswith=self.campaign.jurisdiction.path)
            aliases: dict[int, list[str]] = {}
            for pk, alias in ProjectAlias.objects.filter(project__in=projects).values_list(
                "project_id", "name"
            ):
                aliases.setdefault(pk, []).append(alias)
            rows = projects.values_list("pk", "name", "township_id", "township__name")
            regions = Region.objects.all() if self.user is None else Region.objects.visible_to(self.user)
            townships = regions.townships().filter(path__startswith=self.campaign.jurisdiction.path)
            self.names = ProjectNames(
                [(*r, aliases.get(r[0], [])) for r in rows], list(townships.values_list("pk", "name"))
            )
        return self.names

    def _existing(self, project_id: int, problem: str, category: Category | None) -> LedgerItem | None:
        """The item this row already is (same project, ledger and problem), not yet claimed by a row."""
        if project_id not in self.loaded_projects:
            self.loaded_projects.add(project_id)
            for item in self.items.filter(project_id=project_id).order_by("id"):
                self.by_problem.setdefault((project_id, problem_key(item.problem)), []).append(item)
        found = self.by_problem.get((project_id, problem_key(problem)), [])
        if category is not None:
            top = category.parent_id or category.pk
            found = [i for i in found if i.category and (i.category.parent_id or i.category_id) == top]
        unclaimed = [i for i in found if i.pk not in self.seen_items]
        return (unclaimed or found or [None])[0]

    def _category_for(self, row: ImportRow) -> tuple[Category | None, str]:
        """整治内容 from its column, else the sheet's name, else the upload form's choice."""
        written = row.text(CATEGORY_HEADER)
        if written:
            found = _category_named(self.categories, written)
            if found is None:
                tops = "、".join(f"{c.code} {c.name}" for c in self.categories if c.parent_id is None)
                return None, f"整治内容“{written}”不是本整治行动的内容；可选：{tops}"
            return found, ""
        if row.sheet not in self.sheet_categories:
            tops = [c for c in self.categories if c.parent_id is None]
            self.sheet_categories[row.sheet] = _category_of_sheet(tops, row.sheet)
        category = self.sheet_categories[row.sheet] or self.chosen_category
        if category is None and self.categories:
            return None, NO_CATEGORY
        return category, ""


def _category_named(categories: list[Category], text: str) -> Category | None:
    """A 整治内容 cell: its code ("1", "1.2"), its name ("环境卫生") or both ("1 环境卫生")."""
    key = basic(text)
    for category in categories:
        if key in (basic(category.code), basic(category.name), basic(f"{category.code}{category.name}")):
            return category
    return None


def _category_of_sheet(tops: list[Category], sheet: str) -> Category | None:
    """The export names sheets "1 环境卫生"; people name them "环境卫生" or "环境卫生台账"."""
    code = sheet.split(" ", 1)[0]
    by_code = [c for c in tops if c.code == code]
    if by_code:
        return by_code[0]
    named = [c for c in tops if basic(c.name) and basic(c.name) in basic(sheet)]
    return named[0] if len(named) == 1 else None


def _with_phrase(values: dict, deadline: Deadline) -> dict:
    """A deadline written as a phrase ("长期坚持") is kept in 备注, where the export shows it again."""
    values = dict(values)
    kept = f"完成时限：{deadline.phrase}"
    if deadline.phrase and kept not in values["remarks"]:
        values["remarks"] = "；".join(filter(None, [values["remarks"], kept]))
    return values


def _target(status: str, moves: list) -> str:
    for move in moves:
        status = workflow.TRANSITIONS[(status, move)][0]
    return status


def _shown(value) -> str:
    return f"{value.year}年{value.month}月{value.day}日" if isinstance(value, date) else (value or "")


def file_digest(source) -> str:
    """The SHA-256 of a file's content: the same file imported again is recognised by it."""
    digest = hashlib.sha256()
    handle = source if hasattr(source, "read") else open(source, "rb")  # noqa: SIM115
    try:
        handle.seek(0)
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
        handle.seek(0)
    finally:
        if handle is not source:
            handle.close()
    return digest.hexdigest()


def earlier_imports(campaign: Campaign, digest: str, exclude: int | None = None) -> list[str]:
    """Warnings for each earlier import of the same file (by content) into this campaign."""
    jobs = Job.objects.filter(
        kind=IMPORT_KIND, params__campaign=campaign.pk, params__sha256=digest, result__applied=True
    ).exclude(pk=exclude)
    return [
        f"同一文件（内容相同）已于 {timezone.localtime(job.created_at):%Y年%m月%d日 %H:%M} "
        f"由 {job.created_by.full_name or job.created_by.username} 导入过（{job.title}），请确认不是重复导入"
        for job in jobs.select_related("created_by").order_by("created_at")
    ]


def plan_import(source, campaign: Campaign, user, **options) -> ImportPlan:
    """Read a workbook and decide what it would create, change and refuse (the preview).

    Options: `category` (the upload form's choice), `take_file` ({"sheet|row": version} of the
    conflicts the person resolved by taking the file's value), `today`.
    """
    reader = LedgerReader(source)
    plan = _Planner(campaign, user, **options).plan(reader.rows())
    plan.skipped, plan.rows_in = reader.skipped, reader.rows_in
    plan.notes = reader.notes + plan.notes
    return plan


def check_file(source) -> None:
    """Refuse a wrong file at upload time: WrongFile unless a sheet carries the ledger's header.

    Reading stops at the first problem row; the whole file is read by the preview job."""
    next(LedgerReader(source).rows(), None)


@dataclass
class ImportResult:
    counts: dict[str, int]
    errors: list[str]


def apply_import(source, campaign: Campaign, user, on_progress=None, **options) -> ImportResult:
    """Plan again (the system may have moved on since the preview), then write through the workflow.

    Each row is its own transaction: a refused row never blocks the others, and a row whose
    item changed between the preview and now is caught by the version check as a conflict.
    """
    plan = plan_import(source, campaign, user, **options)
    errors = [str(e) for e in plan.errors]
    counts = plan.counts()
    for done, planned in enumerate(plan.rows, 1):
        try:
            _apply_row(planned, campaign, user)
        except workflow.WorkflowError as error:
            counts[planned.action] -= 1
            counts[CONFLICT if isinstance(error, workflow.StaleVersion) else REFUSED] += 1
            errors.append(str(RowError(planned.row.sheet, planned.row.row, "", str(error))))
        if on_progress and done % PROGRESS_EVERY == 0:
            on_progress(done)
    return ImportResult(counts, errors)


@transaction.atomic
def _apply_row(planned: PlannedRow, campaign: Campaign, user) -> None:
    note = "Excel 导入"
    if planned.action == CREATE:
        values = dict(planned.values)
        item = workflow.create_item(
            user=user,
            campaign=campaign,
            project=Project.objects.get(pk=planned.project_id),
            problem=values.pop("problem"),
            category=planned.category,
            deadline=values.pop("deadline"),
            note=note,
            **values,
        )
    elif planned.action == CHANGE:
        item = planned.item
        if planned.values:
            item = workflow.edit(item, user, planned.values, version=planned.version, note=note)
        elif planned.moves:
            item = workflow.lock_item(item, user, planned.version)
    else:
        return
    if planned.moves:
        workflow.advance(item, user, planned.moves, note=f"{note}：按进展情况")


# --- jobs ------------------------------------------------------------------------------------


def job_options(job: Job) -> dict:
    """The choices made on the upload and preview pages, as plan_import options."""
    category = job.params.get("category")
    take_file = job.params.get("take_file") or {}
    return {
        "category": Category.objects.filter(pk=category).first() if category else None,
        "take_file": {key: int(version) for key, version in take_file.items()},
    }


def run_preview_job(job: Job) -> None:
    """Plan an uploaded workbook for the preview page; the job waits at stage "previewed" for a confirm."""
    from orgs import jobs

    campaign = Campaign.objects.get(pk=job.params["campaign"])
    with job.result_file.open("rb") as handle:
        try:
            plan = plan_import(handle, campaign, job.created_by, **job_options(job))
        except WrongFile as error:
            jobs.fail(job, str(error))
            return
    plan.notes[:0] = earlier_imports(campaign, job.params.get("sha256", ""), exclude=job.pk)
    job.params |= {"rows": len(plan.rows), "stage": "previewed"}
    job.result = {"preview": plan.summary()}
    job.save(update_fields=["params", "result"])


def run_import_job(job: Job) -> None:
    """Apply an uploaded workbook that the user previewed and confirmed."""
    from orgs import jobs

    campaign = Campaign.objects.get(pk=job.params["campaign"])
    jobs.start(job, total=job.params.get("rows", 0), message="正在导入")
    with job.result_file.open("rb") as handle:
        result = apply_import(
            handle, campaign, job.created_by, lambda n: jobs.advance(job, n), **job_options(job)
        )
    jobs.finish(
        job,
        result={**job.result, "counts": result.counts, "applied": True},
        row_errors=result.errors,
        message=result_message(result.counts),
    )


def result_message(counts: dict[str, int]) -> str:
    return (
        f"新增 {counts[CREATE]} 条，修改 {counts[CHANGE]} 条，冲突 {counts[CONFLICT]} 条，"
        f"拒绝 {counts[REFUSED]} 条，跳过 {counts[SKIPPED]} 行"
    )


def record_command_import(path: str | Path, campaign: Campaign, user, digest: str, counts: dict) -> Job:
    """An import made on the command line is recorded like a page's, so a later upload of the
    same file is warned about."""
    return Job.objects.create(
        kind=IMPORT_KIND,
        title=f"导入台账（命令行）：{Path(path).name[:140]}",
        created_by=user,
        status=Job.Status.DONE,
        finished_at=timezone.now(),
        params={"campaign": campaign.pk, "sha256": digest, "stage": "applied"},
        result={"counts": counts, "applied": True},
        message=result_message(counts),
    )
