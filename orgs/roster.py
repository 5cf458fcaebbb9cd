"""Loading the project roster (基础信息台账) into the organisation tree.

Seed 001 §三(二): "各区（市）、枣庄高新区物业主管部门牵头对辖区物业服务企业、物业服务项目和物业服务标准等
物业服务行业基本情况进行全面摸排，建立物业服务管理基础信息台账。"

One row is one project. The import is idempotent by (township, project name):
a known project is updated with what the row says, a blank cell never wipes a
value, and missing townships, communities, companies and managers are created.
A bad row is refused with its row number, column and reason and the others go on.
A change of company or manager closes the current service spell and opens a new
one, so `Project.served_by` keeps answering for past months.
"""

import re
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import asdict, dataclass, field
from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from config.uploads import excel_number_problem

from .excel import LABELS, RosterRow, RosterSheet
from .models import Company, Manager, Project, ProjectAlias, ProjectAssignment, Region
from .validators import normalize_uscc, uscc_problem

ALIAS_SEPARATORS = re.compile(r"[、;；,，/\n]+")
PHONE = re.compile(r"[0-9+\-()（） ]{7,20}")
STANDARDS = {
    **{s: s for s in ("一级", "二级", "三级", "四级", "五级", "星级")},
    **{f"{n}级": s for n, s in zip("12345", ("一级", "二级", "三级", "四级", "五级"), strict=True)},
    **{f"{c}星级": "星级" for c in "一二三四五12345"},
    **{f"{c}星": "星级" for c in "一二三四五12345"},
}


class RowRefused(Exception):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field, self.message = field, message


@dataclass
class RowResult:
    row: int
    status: str  # created / updated / unchanged / refused
    township: str
    project: str
    messages: list[str] = field(default_factory=list)


# What happens to a 街道 the region tree lacks: refused, shown as new in a preview, or created.
NEW_REFUSED, NEW_PREVIEWED, NEW_CREATED = "refused", "previewed", "created"
NEW_TOWNSHIP_NOTES = {
    NEW_PREVIEWED: "“{name}”不在区划中，将新建街道/乡镇：确认导入时须勾选“允许新建街道/乡镇”"
    "（命令行加 --create-regions），否则本行拒绝",
    NEW_CREATED: "新建街道/乡镇“{name}”",
}

CHUNK_ROWS = 200  # rows per commit: one commit per row made a city-sized file crawl on SQLite

STATUS_LABELS = {"created": "新增", "updated": "更新", "unchanged": "未变", "refused": "拒绝"}


@dataclass
class RosterReport:
    rows: list[RowResult] = field(default_factory=list)
    new_regions: list[str] = field(default_factory=list)  # 街道 names the region tree does not have

    def count(self, status: str) -> int:
        return sum(1 for r in self.rows if r.status == status)

    @property
    def counts(self) -> dict[str, int]:
        return {status: self.count(status) for status in STATUS_LABELS}

    @property
    def errors(self) -> list[str]:
        return [f"第{r.row}行 {'；'.join(r.messages)}" for r in self.rows if r.status == "refused"]

    def summary(self) -> str:
        c = self.counts
        return f"新增 {c['created']} 个，更新 {c['updated']} 个，未变 {c['unchanged']} 个，拒绝 {c['refused']} 行"

    def as_dict(self) -> dict:
        return {
            "counts": self.counts,
            "rows": [asdict(r) for r in self.rows],
            "new_regions": self.new_regions,
        }

    def lines(self) -> list[str]:
        """Every row that has something to say, as the preview page shows it (the command prints these)."""
        lines = []
        for r in self.rows:
            if r.messages:
                head = " ".join(
                    part for part in (f"第{r.row}行", STATUS_LABELS[r.status], r.township, r.project) if part
                )
                lines.append(f"{head}：{'；'.join(r.messages)}")
        return lines


@dataclass
class _Row:
    township: str
    community: str
    name: str
    aliases: list[str]
    address: str
    households: int | None
    company: str
    credit_code: str
    manager: str
    manager_phone: str
    service_standard: str | None


def _households(raw: str, where: str) -> int | None:
    if not raw:
        return None
    text = raw.replace(",", "").replace("，", "").removesuffix("户").strip()
    if not text.isdigit() or int(text) > 100_000:
        raise RowRefused("households", f"{where}：“{raw}”不是有效的户数（应为整数）")
    return int(text)


def _standard(raw: str, where: str) -> str | None:
    if not raw:
        return None
    value = STANDARDS.get(raw.replace(" ", ""))
    if value is None:
        raise RowRefused("service_standard", f"{where}：“{raw}”不是可选的服务标准（一级至五级、星级）")
    return value


def parse_row(row: RosterRow, sheet: RosterSheet) -> _Row:
    """Check one row's cells; raises RowRefused with a Chinese reason naming the column."""
    name, township = row.get("name"), row.get("township")
    if not name:
        raise RowRefused("name", f"{sheet.where('name')}：项目名称为空")
    if not township:
        raise RowRefused("township", f"{sheet.where('township')}：街道为空")
    code = normalize_uscc(row.get("credit_code"))
    if code and (problem := uscc_problem(code)):
        raise RowRefused("credit_code", f"{sheet.where('credit_code')}：{problem}")
    phone = row.get("manager_phone")
    if phone and (problem := excel_number_problem(phone)) and "科学计数法" in problem:
        raise RowRefused("manager_phone", f"{sheet.where('manager_phone')}：{problem}")
    if phone and not PHONE.fullmatch(phone):
        raise RowRefused("manager_phone", f"{sheet.where('manager_phone')}：“{phone}”不是有效的电话号码")
    manager, company = row.get("manager"), row.get("company")
    if code and not company:
        raise RowRefused("company", f"{sheet.where('company')}：填写了统一社会信用代码，但物业服务企业为空")
    aliases = [a.strip() for a in ALIAS_SEPARATORS.split(row.get("aliases")) if a.strip()]
    return _Row(
        township=township,
        community=row.get("community"),
        name=name,
        aliases=[a for a in dict.fromkeys(aliases) if a != name],
        address=row.get("address"),
        households=_households(row.get("households"), sheet.where("households")),
        company=company,
        credit_code=code,
        manager=manager,
        manager_phone=phone,
        service_standard=_standard(row.get("service_standard"), sheet.where("service_standard")),
    )


def bracket_variants(name: str) -> set[str]:
    """Company names are typed with full-width or half-width brackets: 临河物业（集团） = 临河物业(集团)."""
    full = name.replace("(", "（").replace(")", "）")
    return {name, full, full.replace("（", "(").replace("）", ")")}


class _Lookups:
    """Everything the rows may refer to, loaded in a handful of queries and kept current as rows create things."""

    def __init__(self, county: Region, rows: list[_Row], new_townships: str = NEW_REFUSED) -> None:
        self.county = county
        self.new_townships = new_townships
        below = Region.objects.filter(path__startswith=county.path).exclude(pk=county.pk)
        self.townships = {r.name: r for r in below.filter(level=Region.Level.TOWNSHIP, parent=county)}
        self.known = frozenset(self.townships)
        self.communities = {
            (r.parent_id, r.name): r
            for r in below.filter(level=Region.Level.COMMUNITY, parent__parent=county)
        }
        names = {variant for r in rows if r.company for variant in bracket_variants(r.company)}
        codes = {r.credit_code for r in rows if r.credit_code}
        companies = list(Company.objects.filter(Q(name__in=names) | Q(credit_code__in=codes)))
        self.companies_by_name = {v: c for c in companies for v in bracket_variants(c.name)}
        self.companies_by_code = {c.credit_code: c for c in companies if c.credit_code}
        self.managers: dict[int, list[Manager]] = {}
        for m in Manager.objects.filter(company__in=companies):
            self.managers.setdefault(m.company_id, []).append(m)
        projects = Project.objects.filter(
            region_path__startswith=county.path, name__in={r.name for r in rows}
        )
        # The related rows come along: the change report names the old community, company and manager.
        projects = projects.select_related("community", "company", "manager").prefetch_related("aliases")
        self.projects = {(p.township_id, p.name): p for p in projects}
        self.row_keys: list[tuple[dict | list, object]] = []

    def begin_row(self) -> None:
        self.row_keys = []

    def remember(self, cache: dict, key, value) -> None:
        """Cache something this row created, so a refused (rolled back) row can be forgotten."""
        if key not in cache:
            self.row_keys.append((cache, key))
        cache[key] = value

    def forget_row(self) -> None:
        for cache, key in self.row_keys:
            if isinstance(cache, list):
                cache.remove(key)
            else:
                cache.pop(key, None)

    def township(self, name: str, where: str) -> tuple[Region, bool]:
        found = self.townships.get(name) or next(
            (t for n, t in self.townships.items() if re.sub(r"(街道|镇|乡)$", "", n) == name), None
        )
        if found:
            return found, False
        if self.new_townships == NEW_REFUSED:
            known = "、".join(sorted(self.townships)[:12]) or "无"
            raise RowRefused(
                "township",
                f"{where}：“{name}”不在{self.county.name}的区划中（现有：{known}），本行未导入。"
                "如确为新设街道/乡镇，请在预览页勾选“允许新建街道/乡镇”（命令行加 --create-regions）后导入",
            )
        created = Region.objects.create(name=name, level=Region.Level.TOWNSHIP, parent=self.county)
        self.remember(self.townships, name, created)
        return created, True

    def community(self, township: Region, name: str) -> tuple[Region | None, bool]:
        if not name:
            return None, False
        if found := self.communities.get((township.pk, name)):
            return found, False
        created = Region.objects.create(name=name, level=Region.Level.COMMUNITY, parent=township)
        self.remember(self.communities, (township.pk, name), created)
        return created, True

    def company(self, row: _Row, notes: list[str], where: str) -> Company | None:
        if not row.company:
            return None
        if row.credit_code and (known := self.companies_by_code.get(row.credit_code)):
            if row.company not in bracket_variants(known.name):
                # Issue 17: a code belonging to another company is a conflict for a person, not a match.
                raise RowRefused(
                    "credit_code",
                    f"{where}：信用代码{row.credit_code}登记的企业是“{known.name}”，与本行的“{row.company}”不一致，"
                    "本行未导入；请核对企业名称或信用代码（企业更名请先在企业信息中修改）",
                )
            return known
        company = self.companies_by_name.get(row.company)
        if company and row.credit_code and company.credit_code and company.credit_code != row.credit_code:
            raise RowRefused(
                "credit_code",
                f"{where}：企业“{company.name}”已登记信用代码{company.credit_code}，与本行不一致",
            )
        if company is None:
            company = Company.objects.create(name=row.company, credit_code=row.credit_code or None)
            notes.append(f"新建企业“{company.name}”")
            self.remember(self.managers, company.pk, [])
        elif row.credit_code and not company.credit_code:
            company.credit_code = row.credit_code
            company.save(update_fields=["credit_code"])
            notes.append(f"补登企业信用代码{row.credit_code}")
        for variant in bracket_variants(company.name):
            self.remember(self.companies_by_name, variant, company)
        if company.credit_code:
            self.remember(self.companies_by_code, company.credit_code, company)
        return company

    def manager(self, company: Company, name: str, phone: str) -> Manager:
        pool = self.managers.setdefault(company.pk, [])
        same_name = [m for m in pool if m.name == name]
        match = next((m for m in same_name if m.phone == phone), None) if phone else None
        match = match or next((m for m in same_name if not phone or not m.phone), None)
        if match is None:
            match = Manager.objects.create(company=company, name=name, phone=phone)
            pool.append(match)
            self.row_keys.append((pool, match))
        elif phone and not match.phone:
            match.phone = phone
            match.save(update_fields=["phone"])
        return match


def _set(project: Project, field_name: str, value, label: str, changes: list[str]) -> None:
    old = getattr(project, field_name)
    if value is not None and value != "" and value != old:
        setattr(project, field_name, value)
        changes.append(f"{label}：{old if old not in (None, '') else '（空）'} → {value}")


def _reassign(project: Project, company: Company | None, manager: Manager | None, is_new: bool) -> None:
    """Close the current service spell and open one for the new company/manager (served_by stays true)."""
    if company is None:
        return
    today = timezone.localdate()
    current = None if is_new else project.assignments.filter(end__isnull=True).order_by("-start").first()
    if (
        current
        and current.company_id == company.pk
        and current.manager_id == (manager.pk if manager else None)
    ):
        return
    if current and current.start >= today:
        current.company, current.manager = company, manager
        current.save(update_fields=["company", "manager"])
        return
    if current:
        current.end = today - timedelta(days=1)
        current.save(update_fields=["end"])
    ProjectAssignment.objects.create(project=project, company=company, manager=manager, start=today)


def _apply(row: _Row, lookups: _Lookups, sheet: RosterSheet, result: RowResult) -> Project:
    notes = result.messages
    # The company first: it is the only step that can still refuse the row, before anything is created.
    company = lookups.company(row, notes, sheet.where("credit_code"))
    township, created = lookups.township(row.township, sheet.where("township"))
    if created:
        notes.append(NEW_TOWNSHIP_NOTES[lookups.new_townships].format(name=township.name))
    result.township = township.name
    community, created = lookups.community(township, row.community)
    if created:
        notes.append(f"新建社区“{community.name}”")
    manager = lookups.manager(company, row.manager, row.manager_phone) if company and row.manager else None
    project = lookups.projects.get((township.pk, row.name))
    is_new = project is None
    project = project or Project(name=row.name, township=township)
    changes: list[str] = []
    _set(project, "community", community, LABELS["community"], changes)
    _set(project, "address", row.address, LABELS["address"], changes)
    _set(project, "households", row.households, LABELS["households"], changes)
    _set(project, "service_standard", row.service_standard, LABELS["service_standard"], changes)
    _set(project, "company", company, LABELS["company"], changes)
    _set(project, "manager", manager, LABELS["manager"], changes)
    if is_new or changes:
        project.save()
        lookups.remember(lookups.projects, (township.pk, project.name), project)
        _reassign(project, project.company, project.manager, is_new)
    known = set() if is_new else {a.name for a in project.aliases.all()}
    new_aliases = [a for a in row.aliases if a not in known]
    ProjectAlias.objects.bulk_create([ProjectAlias(project=project, name=a) for a in new_aliases])
    if new_aliases:
        changes.append(f"新增别名：{'、'.join(new_aliases)}")
    result.status = "created" if is_new else "updated" if changes else "unchanged"
    if not is_new:
        notes.extend(changes)
    return project


def import_roster(
    sheet: RosterSheet,
    county: Region,
    *,
    dry_run: bool = False,
    check_visible_to=None,
    progress: Callable[[int], None] | None = None,
    create_regions: bool = False,
) -> RosterReport:
    """Import every row; rows are committed in chunks so progress is visible while it runs, and each
    row has its own savepoint so a bad row costs only itself.

    With `dry_run` the same work runs inside one transaction that is rolled back: a
    preview that says exactly what a real run would do. `check_visible_to` (a user)
    refuses any row whose project would fall outside that user's scope.

    A 街道 the region tree lacks is created only with `create_regions` ("新城关街道" once became a
    township of its own); a preview shows it as new, saying what confirming needs.
    """
    report = RosterReport()
    parsed: list[tuple[RosterRow, _Row | RowRefused]] = []
    for raw in sheet.rows:
        try:
            parsed.append((raw, parse_row(raw, sheet)))
        except RowRefused as refused:
            parsed.append((raw, refused))
    with transaction.atomic() if dry_run else nullcontext():
        mode = NEW_CREATED if create_regions else NEW_PREVIEWED if dry_run else NEW_REFUSED
        lookups = _Lookups(county, [p for _raw, p in parsed if isinstance(p, _Row)], mode)
        seen: dict[tuple[str, str], int] = {}
        for start in range(0, len(parsed), CHUNK_ROWS):
            with transaction.atomic():
                for raw, row in parsed[start : start + CHUNK_ROWS]:
                    report.rows.append(_import_one(raw, row, lookups, sheet, seen, check_visible_to))
            if progress:
                progress(min(start + CHUNK_ROWS, len(parsed)))
        if dry_run:
            transaction.set_rollback(True)
    report.new_regions = sorted(
        {r.township for r in report.rows if r.status != "refused"} - set(lookups.known)
    )
    return report


def _import_one(raw: RosterRow, row, lookups: _Lookups, sheet: RosterSheet, seen: dict, user) -> RowResult:
    result = RowResult(raw.number, "refused", raw.get("township"), raw.get("name"))
    if isinstance(row, RowRefused):
        result.messages = [row.message]
        return result
    key = (re.sub(r"(街道|镇|乡)$", "", row.township), row.name)
    if key in seen:
        result.messages = [
            f"{sheet.where('name')}：与第{seen[key]}行重复（同一街道下项目名称相同），本行未导入"
        ]
        return result
    seen[key] = raw.number
    lookups.begin_row()
    try:
        with transaction.atomic():
            project = _apply(row, lookups, sheet, result)
            if user is not None:
                _recheck_scope(project, user)
    except RowRefused as refused:
        lookups.forget_row()
        result.status, result.messages = "refused", [refused.message]
    return result


def _recheck_scope(project: Project, user) -> None:
    """STYLE.md: imports re-check what they wrote through visible_to inside their transaction."""
    if not Project.objects.visible_to(user).filter(pk=project.pk).exists():
        raise RowRefused(
            "township", f"{LABELS['township']}：项目“{project.name}”不在您的管辖范围内，本行未导入"
        )
