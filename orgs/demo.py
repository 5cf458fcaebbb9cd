"""The demo county (`manage.py load_demo`): a realistic, deterministic 临河县 for trying the product.

Everything random comes from one `random.Random(seed)`, so the same seed gives the
same names. Other apps add their own demo content (a campaign, ledger items,
complaints …) by appending a dotted path to `DEMO_STEPS`; each step is a function
`populate(ctx: DemoContext)` run in order, inside one transaction, after this one.
"""

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.utils import timezone
from django.utils.module_loading import import_string

from . import demo_names as names
from .models import (
    Company,
    Department,
    Manager,
    ManagerListEntry,
    Notification,
    OwnersCommittee,
    Project,
    ProjectAlias,
    ProjectAssignment,
    Region,
    User,
)
from .validators import USCC_ALPHABET, uscc_check_char

# The one password of every demo account (printed by load_demo; passes the password validators).
DEMO_PASSWORD = "Linhe-Demo-2024"

# Steps run in order by load_demo; other apps append "<app>.demo.populate".
DEMO_STEPS: list[str] = ["orgs.demo.populate", "campaigns.demo.populate", "ledgers.demo.populate"]


@dataclass(frozen=True)
class Size:
    districts: int  # the demo county plus this many more districts of the city
    townships: int  # per district
    projects: int  # in total
    companies: int


SIZES = {
    "small": Size(districts=0, townships=3, projects=24, companies=6),
    "county": Size(districts=0, townships=20, projects=400, companies=50),
    "city": Size(districts=11, townships=20, projects=5000, companies=420),
}


@dataclass
class DemoContext:
    """What each demo step gets. `county` is 临河县 (the task force's county at county size);
    `jurisdiction` is the task force's region: the county, or the city at city size."""

    rng: random.Random
    size: str
    seed: int
    today: date
    log: Callable[[str], None] = print
    city: Region | None = None
    county: Region | None = None
    jurisdiction: Region | None = None
    townships: list[Region] = field(default_factory=list)
    communities: list[Region] = field(default_factory=list)
    departments: dict[str, Department] = field(default_factory=dict)
    companies: list[Company] = field(default_factory=list)
    projects: list[Project] = field(default_factory=list)
    users: dict[str, User] = field(default_factory=dict)


def demo_exists() -> bool:
    return Region.objects.filter(name=names.COUNTY, parent__name=names.CITY).exists()


def run_steps(ctx: DemoContext, steps: list[str] | None = None) -> None:
    """Run each step in order and say how long it took, so a slow step is easy to spot."""
    for dotted in steps or DEMO_STEPS:
        started = time.monotonic()
        import_string(dotted)(ctx)
        ctx.log(f"  {dotted}：{time.monotonic() - started:.1f} 秒")


def populate(ctx: DemoContext) -> None:
    """The organisation tree, companies, projects with their history, and one user per role."""
    size = SIZES[ctx.size]
    build_regions(ctx, size)
    build_departments(ctx)
    build_companies(ctx, size.companies)
    build_projects(ctx, size.projects)
    build_users(ctx)
    welcome(ctx)
    ctx.log(
        f"组织数据：{len(ctx.townships)} 个乡镇/街道，{len(ctx.communities)} 个社区/村，"
        f"{len(ctx.departments)} 个部门，{len(ctx.companies)} 家企业，{len(ctx.projects)} 个项目"
    )


# --- regions -------------------------------------------------------------------


def _bulk_children(parents_and_names: list[tuple[Region, str]], level: str) -> list[Region]:
    """Create many regions under existing parents in one insert, then fill their paths."""
    nodes = Region.objects.bulk_create(
        [Region(name=name, level=level, parent=parent) for parent, name in parents_and_names]
    )
    for node, (parent, _name) in zip(nodes, parents_and_names, strict=True):
        node.path = f"{parent.path}{node.pk}/"
    Region.objects.bulk_update(nodes, ["path"], batch_size=500)
    return nodes


def _township_names(rng: random.Random, count: int) -> list[str]:
    streets = max(2, count * 3 // 10)
    villages = 1 if count >= 10 else 0
    chosen = names.STREETS[:streets] + rng.sample(names.TOWNS, count - streets - villages)
    return chosen + rng.sample(names.VILLAGE_TOWNSHIPS, villages)


def _community_names(rng: random.Random, township: str) -> list[str]:
    count = rng.randint(3, 8)
    if township.endswith("街道"):
        return rng.sample(names.URBAN_COMMUNITIES, count)
    seat = [f"{township[:-1]}社区"]
    return seat + rng.sample(names.VILLAGES, count - 1)


def build_regions(ctx: DemoContext, size: Size) -> None:
    rng = ctx.rng
    ctx.city = Region.objects.create(name=names.CITY, level=Region.Level.CITY)
    district_names = [names.COUNTY, *names.OTHER_DISTRICTS[: size.districts]]
    districts = _bulk_children([(ctx.city, n) for n in district_names], Region.Level.DISTRICT)
    ctx.county = districts[0]
    ctx.jurisdiction = ctx.city if size.districts else ctx.county
    pairs = [(d, n) for d in districts for n in _township_names(rng, size.townships)]
    ctx.townships = _bulk_children(pairs, Region.Level.TOWNSHIP)
    pairs = [(t, n) for t in ctx.townships for n in _community_names(rng, t.name)]
    ctx.communities = _bulk_children(pairs, Region.Level.COMMUNITY)


def build_departments(ctx: DemoContext) -> None:
    rows = Department.objects.bulk_create([Department(name=n, region=ctx.county) for n in names.DEPARTMENTS])
    ctx.departments = {d.name: d for d in rows}


# --- people and companies --------------------------------------------------------


def person_name(rng: random.Random) -> str:
    return rng.choice(names.SURNAMES) + rng.choice(names.GIVEN_NAMES)


def phone_number(rng: random.Random) -> str:
    return rng.choice(names.PHONE_PREFIXES) + f"{rng.randrange(10**8):08d}"


def credit_code(rng: random.Random) -> str:
    """A 统一社会信用代码 with a correct check digit: 91 (企业) + county code + MA… org code."""
    org = "MA" + "".join(rng.choice(USCC_ALPHABET) for _ in range(7))
    first17 = "91" + "371399" + org
    return first17 + uscc_check_char(first17)


def build_companies(ctx: DemoContext, count: int) -> None:
    rng, seen, codes, rows = ctx.rng, set(), set(), []
    while len(rows) < count:
        name = (
            rng.choice(names.COMPANY_PLACES)
            + rng.choice(names.COMPANY_WORDS)
            + rng.choice(names.COMPANY_KINDS)
        )
        code = credit_code(rng)
        if name in seen or code in codes:
            continue
        seen.add(name)
        codes.add(code)
        road = rng.choice(names.ROADS)
        rows.append(
            Company(
                name=name,
                credit_code=code,
                contact=person_name(rng),
                phone=phone_number(rng),
                address=f"{names.CITY}{names.COUNTY}{road}{rng.randint(1, 399)}号",
            )
        )
    ctx.companies = Company.objects.bulk_create(rows)


# --- projects --------------------------------------------------------------------

CHANGED_COMPANY_SHARE = 0.18  # served by another company earlier in the past 18 months
CHANGED_MANAGER_SHARE = 0.10  # same company, new manager in the past 18 months


@dataclass
class _ProjectDraft:
    project: Project
    aliases: list[str]
    spells: list[tuple[Company, Manager, date, date | None]]


def _weights_for_townships(townships: list[Region]) -> list[float]:
    # Streets hold most estates; towns a few around their seat; 乡 fewer still.
    return [4.0 if t.name.endswith("街道") else 1.0 if t.name.endswith("镇") else 0.5 for t in townships]


def _project_counts(ctx: DemoContext, total: int) -> list[int]:
    weights = _weights_for_townships(ctx.townships)
    return [max(2, round(total * w / sum(weights))) for w in weights]


def _project_names(rng: random.Random, count: int) -> list[tuple[str, str, str, str]]:
    """(name, stem, suffix, phase) unique within one township."""
    chosen: dict[str, tuple[str, str, str, str]] = {}
    while len(chosen) < count:
        stem, suffix, phase = (
            rng.choice(names.PROJECT_STEMS),
            rng.choice(names.PROJECT_SUFFIXES),
            rng.choice(names.PHASES),
        )
        name = stem + suffix + phase
        chosen.setdefault(name, (name, stem, suffix, phase))
    return list(chosen.values())


def _aliases(
    rng: random.Random, parts: tuple[str, str, str, str], township: Region, taken: set[str]
) -> list[str]:
    name, stem, suffix, phase = parts
    short = township.name.removesuffix("街道").removesuffix("镇").removesuffix("乡")
    digits = phase.replace("一期", "1期").replace("二期", "2期").replace("三期", "3期")
    candidates = [
        f"{name}小区" if suffix != "小区" else f"{stem}{phase}",
        f"{stem}{suffix}{digits}" if digits != phase else f"{stem}小区{phase}",
        f"{short}{name}",
        f"{stem}{phase}" if phase else f"{stem}小区",
    ]
    unique = [c for c in dict.fromkeys(candidates) if c != name and c not in taken]
    return rng.sample(unique, min(len(unique), rng.randint(1, 3)))


class _ManagerPool:
    """Managers per company; most projects get their own manager, some share one (实名制: one person)."""

    def __init__(self, rng: random.Random) -> None:
        self.rng, self.by_company, self.new = rng, {}, []

    def pick(self, company: Company, fresh: bool = False) -> Manager:
        pool = self.by_company.setdefault(company.pk, [])
        if pool and not fresh and self.rng.random() < 0.2:
            return self.rng.choice(pool)
        manager = Manager(name=person_name(self.rng), phone=phone_number(self.rng), company=company)
        pool.append(manager)
        self.new.append(manager)
        return manager


def _spells(ctx: DemoContext, company: Company, pool: _ManagerPool) -> list[tuple]:
    """The project's service history, oldest first; the last spell is the current one."""
    rng, today = ctx.rng, ctx.today
    roll = rng.random()
    if roll < CHANGED_COMPANY_SHARE + CHANGED_MANAGER_SHARE:
        changed = today - timedelta(days=rng.randint(15, 540))
        if roll < CHANGED_COMPANY_SHARE:
            before = rng.choice([c for c in ctx.companies if c.pk != company.pk])
        else:
            before = company
        first = changed - timedelta(days=rng.randint(365, 2500))
        return [
            (before, pool.pick(before, fresh=True), first, changed - timedelta(days=1)),
            (company, pool.pick(company, fresh=True), changed, None),
        ]
    return [(company, pool.pick(company), today - timedelta(days=rng.randint(200, 3000)), None)]


def _draft_project(ctx, township, communities, parts, company, pool, taken) -> _ProjectDraft:
    rng = ctx.rng
    community = rng.choice(communities)
    spells = _spells(ctx, company, pool)
    project = Project(
        name=parts[0],
        township=township,
        community=community,
        region_path=community.path,
        address=f"{township.name}{rng.choice(names.ROADS)}{rng.randint(1, 399)}号",
        households=int(rng.triangular(80, 2500, 360)),
        service_standard=rng.choices(
            ["一级", "二级", "三级", "四级", "五级", "星级", ""], [2, 4, 5, 3, 1, 1, 2]
        )[0],
        fee=Decimal(rng.randint(40, 250)) / 100,
        is_resettlement=rng.random() < 0.1,
        has_old_elevators=rng.random() < 0.15,
        company=company,
        manager=spells[-1][1],
    )
    return _ProjectDraft(project, _aliases(rng, parts, township, taken), spells)


def build_projects(ctx: DemoContext, total: int) -> None:
    rng, pool, drafts = ctx.rng, _ManagerPool(ctx.rng), []
    companies = list(ctx.companies)
    company_weights = [1 / (rank + 1) ** 0.8 for rank in range(len(companies))]
    communities_of: dict[int, list[Region]] = {}
    for c in ctx.communities:
        communities_of.setdefault(c.parent_id, []).append(c)
    for township, count in zip(ctx.townships, _project_counts(ctx, total), strict=True):
        project_names = _project_names(rng, count)
        taken = {p[0] for p in project_names}
        for parts in project_names:
            company = rng.choices(companies, company_weights)[0]
            draft = _draft_project(ctx, township, communities_of[township.pk], parts, company, pool, taken)
            drafts.append(draft)
    Manager.objects.bulk_create(pool.new, batch_size=1000)
    for d in drafts:
        d.project.manager_id = d.project.manager.pk
    ctx.projects = Project.objects.bulk_create([d.project for d in drafts], batch_size=1000)
    _save_project_details(ctx, drafts, pool.new)


def _save_project_details(ctx: DemoContext, drafts: list[_ProjectDraft], managers: list[Manager]) -> None:
    rng = ctx.rng
    ProjectAlias.objects.bulk_create(
        [ProjectAlias(project=d.project, name=a) for d in drafts for a in d.aliases], batch_size=2000
    )
    ProjectAssignment.objects.bulk_create(
        [
            ProjectAssignment(project=d.project, company=c, manager=m, start=start, end=end)
            for d in drafts
            for c, m, start, end in d.spells
        ],
        batch_size=2000,
    )
    committees = [
        OwnersCommittee(
            project=d.project,
            kind=rng.choice(list(OwnersCommittee.Kind)),
            chair=person_name(rng),
            phone=phone_number(rng),
            established=ctx.today - timedelta(days=rng.randint(100, 1500)),
        )
        for d in drafts
        if d.project.households >= 300 and rng.random() < 0.15
    ]
    for c in committees:
        c.term_ends = c.established + timedelta(days=5 * 365)
    OwnersCommittee.objects.bulk_create(committees, batch_size=1000)
    entries = []
    for manager in managers:
        if rng.random() < 0.06:
            kind = rng.choice(list(ManagerListEntry.Kind))
            reasons = (
                names.POSITIVE_REASONS if kind == ManagerListEntry.Kind.POSITIVE else names.NEGATIVE_REASONS
            )
            day = ctx.today - timedelta(days=rng.randint(10, 400))
            entries.append(ManagerListEntry(manager=manager, kind=kind, reason=rng.choice(reasons), date=day))
    ManagerListEntry.objects.bulk_create(entries, batch_size=1000)


# --- users -----------------------------------------------------------------------

DEMO_USERNAMES = ["taskforce", "township", "township2", "department", "company", "company2", "admin"]


def _demo_companies(ctx: DemoContext) -> tuple[Company, Company]:
    """`company` serves the first township and elsewhere; `company2` serves none of the first township."""
    first = ctx.townships[0].pk
    served: dict[int, set[int]] = {}
    for p in ctx.projects:
        served.setdefault(p.company_id, set()).add(p.township_id)
    in_first = sorted(
        (c for c in served if first in served[c] and len(served[c]) > 1), key=lambda c: -len(served[c])
    )
    elsewhere = sorted((c for c in served if first not in served[c]), key=lambda c: -len(served[c]))
    by_pk = {c.pk: c for c in ctx.companies}
    main = by_pk[in_first[0]] if in_first else ctx.companies[0]
    other = by_pk[elsewhere[0]] if elsewhere else next(c for c in ctx.companies if c.pk != main.pk)
    return main, other


def build_users(ctx: DemoContext) -> None:
    company, company2 = _demo_companies(ctx)
    role = User.Role
    specs = {
        "taskforce": {"role": role.TASK_FORCE, "region": ctx.jurisdiction},
        "township": {"role": role.TOWNSHIP, "region": ctx.townships[0]},
        "township2": {"role": role.TOWNSHIP, "region": ctx.townships[1]},
        "department": {
            "role": role.DEPARTMENT,
            "region": ctx.county,
            "department": ctx.departments["县住建局"],
        },
        "company": {"role": role.COMPANY, "company": company},
        "company2": {"role": role.COMPANY, "company": company2},
        "admin": {"role": role.ADMIN, "is_superuser": True, "is_staff": True},
    }
    password = make_password(DEMO_PASSWORD)  # hashed once: every demo account shares it
    rows = [
        User(
            username=username,
            password=password,
            full_name=person_name(ctx.rng),
            phone=phone_number(ctx.rng),
            email=f"{username}@linhe.example",
            date_joined=timezone.now(),
            **spec,
        )
        for username, spec in specs.items()
    ]
    ctx.users = {u.username: u for u in User.objects.bulk_create(rows)}


def welcome(ctx: DemoContext) -> None:
    """One notification each, so the inbox and its badge show something from the first login."""
    from django.urls import reverse

    from .notifications import notify

    notify(
        ctx.users.values(),
        Notification.Kind.WELCOME,
        "欢迎使用整治通",
        url=reverse("orgs:project_list"),
        body="这是演示账户。首页显示您所在单位和负责的项目；“项目”中可按街道、企业、服务标准筛选。",
    )


def demo_accounts() -> list[tuple[str, str, str]]:
    """(username, role, organisation) of the demo accounts that exist, for printing."""
    users = User.objects.filter(username__in=DEMO_USERNAMES).select_related("region", "department", "company")
    order = {name: i for i, name in enumerate(DEMO_USERNAMES)}
    return [
        (u.username, u.get_role_display(), str(u.organisation or "全部"))
        for u in sorted(users, key=lambda u: order[u.username])
    ]
