"""Demo step (orgs.demo.DEMO_STEPS): nine months of the demo county's 整治工作台账.

About four to five problems per project, written in bulk but shaped exactly as `workflow` writes
them: a reference, the project's township and region path, the company serving it on the day, and
one LedgerEvent per move with its actor, before and after. The mix gives every page something to
show: closed on time and late, in progress, awaiting acceptance, overdue, due this week, returned
once, 挂牌督办, 整改计划, withdrawn. The demo township (城关街道) and the demo company get every
state on purpose. Then a few 整改通知书 through `orders`, two typical cases, last month's township
reports (one late, one missing, one returned) and one published 周调度 through `bulletins.publish`.
"""

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from campaigns.models import Campaign, Category
from orgs.demo import DemoContext, person_name, phone_number
from orgs.models import Project, ProjectAssignment, Region, User

from . import bulletins, monthly_reports, orders
from .models import LedgerEvent, LedgerItem, MonthlyReport, RectificationPlan
from .workflow import Move

Status = LedgerItem.Status
Source = LedgerItem.Source
LABEL = {k: str(v) for k, v in Status.choices}
ESCALATION_LABEL = {k: str(v) for k, v in LedgerItem.Escalation.choices}

ITEMS_PER_PROJECT = 4.5
DAYS_BACK = 270

# (keyword of a leaf 整治内容, how often, [(存在问题, 整治措施)]).
PROBLEMS: list[tuple[str, int, list[tuple[str, str]]]] = [
    (
        "物业服务质量",
        8,
        [
            ("楼道堆放杂物，影响通行和消防安全", "清理楼道杂物，张贴禁止堆放提示，纳入每日巡查"),
            ("小区路面破损坑洼，雨天积水", "修补破损路面，疏通雨水井"),
            ("单元门禁损坏一个多月未修", "更换门禁主机和读卡器，建立报修台账"),
            ("楼顶防水层老化漏水，报修无人处理", "维修楼顶防水层，回访受影响住户"),
            ("绿化带杂草丛生、枯枝未清理", "组织绿化养护，修剪补植"),
            ("监控设备部分损坏，存在盲区", "更换损坏摄像头，补齐监控覆盖"),
            ("楼道照明灯损坏未及时更换", "更换楼道声控灯，建立每周巡检"),
        ],
    ),
    (
        "质价不符",
        3,
        [
            ("公共收益未公示", "在小区公示栏和业主群公示公共收益收支明细，按季度更新"),
            ("物业服务内容与合同约定不符，保洁频次不足", "按合同约定恢复保洁频次，公示服务标准"),
            ("物业费收支情况未按规定公示", "公示上年度物业费收支情况，接受业主查询"),
        ],
    ),
    (
        "垃圾清运",
        5,
        [
            ("垃圾清运不及时，垃圾桶满溢", "增加清运频次，做到日产日清"),
            ("建筑垃圾长期堆放未清运", "联系清运单位集中清运，设置装修垃圾临时堆放点"),
            ("垃圾分类投放点破损、无人值守", "维修投放点，安排专人定时值守引导"),
        ],
    ),
    (
        "门禁管理",
        2,
        [
            ("小区门岗夜间无人值守", "调整排班，落实24小时值守"),
            ("外来人员车辆进出未登记", "落实进出登记制度，增设访客登记系统"),
        ],
    ),
    (
        "车辆乱停乱放",
        6,
        [
            ("消防通道被占用", "清理占道车辆，施划消防通道标线并设置警示牌"),
            ("车辆乱停乱放，堵塞小区道路", "施划停车位，安排专人巡查疏导"),
            ("电动车在楼道内停放充电", "清理楼道电动车，引导到集中充电区充电"),
        ],
    ),
    (
        "增建停车位",
        1,
        [
            ("占用公共绿地增建停车位", "恢复绿地原状，停车位需求经业主共同决定后依规办理"),
            ("私拉电线为电动车充电", "拆除私拉电线，增设集中充电设施"),
        ],
    ),
    (
        "夜间临时停车位",
        1,
        [("小区周边道路夜间停车无序，影响通行", "会同交警部门施划夜间临时停车位")],
    ),
    (
        "电梯维保不及时",
        4,
        [
            ("电梯年检过期", "联系特检机构完成年检，张贴检验合格标志"),
            ("电梯频繁故障困人", "督促维保单位全面检修，更换老化部件"),
            ("电梯维保记录缺失", "补齐维保记录，按规定每15日维保一次"),
        ],
    ),
    (
        "维修资金",
        1,
        [("老旧电梯需更新，维修资金申请迟缓", "协助业主申请专项维修资金，确定更新方案")],
    ),
    (
        "诉调对接",
        1,
        [("业主与物业纠纷长期未调处", "组织社区、业委会和物业三方调解，建立诉调对接台账")],
    ),
    (
        "擅自建设",
        1,
        [("一楼住户私搭乱建，占用公共区域", "下达整改通知，限期自行拆除，逾期移交执法部门")],
    ),
    (
        "毁绿破绿",
        1,
        [("业主毁绿种菜，破坏公共绿地", "清理菜地，恢复绿化")],
    ),
    (
        "只售不租",
        1,
        [("开发商车库只售不租", "约谈开发建设单位，落实车位出租")],
    ),
    (
        "物业用房",
        1,
        [("未按规划配建物业用房", "督促开发建设单位按规划移交物业用房")],
    ),
    (
        "供电验收",
        1,
        [("小区未通过供电验收，长期使用临时用电", "督促开发建设单位完成供电设施改造并通过验收")],
    ),
    (
        "小区党支部",
        1,
        [("小区党支部未建立，党建引领作用未发挥", "成立小区党支部，推动物业企业党员亮身份")],
    ),
    (
        "侵害业主利益",
        1,
        [("物业擅自提高收费标准", "退还多收费用，按备案标准收费")],
    ),
]
PROGRESS = [
    "已制定整改方案，正在组织施工",
    "已完成大部分整改，剩余部分本周内完成",
    "已联系维修单位，材料已到场",
]
DONE_NOTE = "已整改完毕，经现场复查合格"
RETURN_REASONS = [
    "整改后照片不清晰，无法确认整改效果，请补充整改后照片",
    "现场复查仍有杂物堆放，整改不彻底",
    "消防通道标线未施划，请完善后再申请验收",
]
WITHDRAW_REASONS = [
    "经核实，该问题属于市政道路范围，不属于小区物业管理问题，已移交城管部门",
    "与同一项目已登记的问题重复，撤销本条",
]
PLANS = [
    "需使用专项维修资金，已启动业主表决程序，预计两个月内完成",
    "整体翻修需待天气转暖后施工，已确定施工单位和工期",
    "需更换主要设备，已签订采购合同，到货后安装",
]
SOURCES = [
    (Source.INSPECTION, 45),
    (Source.SELF_CHECK, 15),
    (Source.HOTLINE, 14),
    (Source.SUPERVISION, 10),
    (Source.SNAPSHOT, 6),
    (Source.PETITION, 5),
    (Source.MEDIA, 5),
]
# Natural mix of how an item's life has gone so far (weights); withdrawals only come from the showcase.
FATES = [
    ("closed", 50),
    ("closed_late", 12),
    ("in_progress", 11),
    ("submitted", 6),
    ("registered", 5),
    ("overdue", 9),
    ("due_this_week", 2),
    ("returned", 5),
]
# Every state for the demo township and the demo company (modifiers after a "+").
SHOWCASE = [
    "registered",
    "in_progress",
    "submitted",
    "submitted",
    "submitted",
    "closed",
    "closed_late",
    "overdue",
    "overdue+escalated",
    "due_this_week",
    "returned",
    "in_progress+escalated",
    "in_progress+extended",
    "withdrawn",
]


@dataclass
class Draft:
    project: Project
    company_id: int | None
    category: Category
    problem: str
    measures: str
    source: str
    created: date
    deadline: date
    fate: str = ""
    escalated: bool = False
    extended: bool = False
    showcase: bool = False
    unit: object = None
    escalation: tuple = ("", None)
    # Filled by `_life`: the item, its events and its plan.
    item: LedgerItem | None = None
    events: list[dict] = field(default_factory=list)
    plan: dict | None = None


class People:
    """Who acts: one officer per township and one staff member per company (the demo accounts where they exist)."""

    def __init__(self, ctx: DemoContext, townships: list[Region], company_ids: set[int]) -> None:
        users = ctx.users
        self.task_force = users["taskforce"]
        self.officers = {u.region_id: u for u in (users["township"], users["township2"])}
        self.staff = {u.company_id: u for u in (users["company"], users["company2"])}
        unusable = make_password(None)
        rows = [
            User(
                username=f"township-{t.pk}",
                password=unusable,
                full_name=person_name(ctx.rng),
                phone=phone_number(ctx.rng),
                role=User.Role.TOWNSHIP,
                region=t,
            )
            for t in townships
            if t.pk not in self.officers
        ] + [
            User(
                username=f"company-{pk}",
                password=unusable,
                full_name=person_name(ctx.rng),
                phone=phone_number(ctx.rng),
                role=User.Role.COMPANY,
                company_id=pk,
            )
            for pk in sorted(company_ids)
            if pk not in self.staff
        ]
        for user in User.objects.bulk_create(rows):
            if user.role == User.Role.TOWNSHIP:
                self.officers[user.region_id] = user
            else:
                self.staff[user.company_id] = user

    def fixer(self, draft: Draft) -> User:
        return self.staff.get(draft.company_id) or self.officers[draft.project.township_id]


def _at(rng: random.Random, day: date) -> datetime:
    return datetime.combine(
        day,
        time(rng.randint(8, 17), rng.randint(0, 59), rng.randint(0, 59)),
        tzinfo=timezone.get_current_timezone(),
    )


def _between(rng: random.Random, first: date, last: date) -> date:
    return first + timedelta(days=rng.randint(0, max(0, (last - first).days)))


def _dates(rng: random.Random, fate: str, today: date) -> tuple[date, date]:
    """(created, deadline) fitting the fate: an overdue item's deadline has passed, a closed one's mostly too."""
    ago = lambda low, high: today - timedelta(days=rng.randint(low, high))  # noqa: E731
    if fate == "registered":
        created = ago(1, 10)
        return created, created + timedelta(days=rng.choice([15, 30, 45]))
    if fate in ("in_progress", "submitted"):
        created = ago(5, 60)
        return created, today + timedelta(days=rng.randint(1, 40))
    if fate == "due_this_week":
        return ago(10, 45), today + timedelta(days=rng.randint(0, 6))
    if fate == "overdue":
        created = ago(30, 200)
        return created, _between(rng, created + timedelta(days=10), today - timedelta(days=1))
    if fate == "closed_late":
        created = ago(45, DAYS_BACK)
        return created, _between(
            rng, created + timedelta(days=10), min(created + timedelta(days=45), today - timedelta(days=3))
        )
    if fate == "returned":
        created = ago(20, 120)
        return created, max(created + timedelta(days=30), today + timedelta(days=rng.randint(3, 30)))
    created = ago(10, DAYS_BACK)  # closed, withdrawn
    return created, created + timedelta(days=rng.choice([15, 30, 30, 45, 60, 90]))


def _change(before: str, after: str) -> dict:
    return {"status": [LABEL[before], LABEL[after]]}


def _life(rng: random.Random, draft: Draft, people: People, today: date) -> None:
    """The item's moves as workflow records them, and its final fields."""
    officer, fixer, fate = people.officers[draft.project.township_id], people.fixer(draft), draft.fate
    yesterday = today - timedelta(days=1)
    moves: list[tuple[date, Move, User, str, str, dict]] = []  # (day, move, actor, to_status, note, extra)
    day = draft.created

    def step(move: Move, actor: User, to_status: str, when: date, note: str = "") -> None:
        nonlocal day
        day = min(yesterday, max(day, when))
        moves.append((day, move, actor, to_status, note, {}))

    def later(low: int, high: int) -> date:
        return day + timedelta(days=rng.randint(low, high))

    if fate == "withdrawn":
        step(Move.WITHDRAW, officer, Status.WITHDRAWN, later(2, 10), rng.choice(WITHDRAW_REASONS))
    elif fate != "registered" and not (fate == "overdue" and rng.random() < 0.2):
        step(Move.START, fixer, Status.IN_PROGRESS, later(0, 3))
        if fate == "returned":
            step(Move.SUBMIT, fixer, Status.SUBMITTED, later(3, 12))
            step(Move.RETURN, officer, Status.IN_PROGRESS, later(1, 3), rng.choice(RETURN_REASONS))
            if rng.random() < 0.5 and day < yesterday - timedelta(days=6):
                step(Move.SUBMIT, fixer, Status.SUBMITTED, later(2, 5))
                step(Move.ACCEPT, officer, Status.CLOSED, later(1, 2), "复查合格，予以销号")
        elif fate == "submitted":
            step(Move.SUBMIT, fixer, Status.SUBMITTED, today - timedelta(days=rng.randint(1, 6)))
        elif fate == "closed":
            close = _between(
                rng,
                max(day + timedelta(days=1), draft.deadline - timedelta(days=20)),
                min(draft.deadline, yesterday),
            )
            step(Move.SUBMIT, fixer, Status.SUBMITTED, close - timedelta(days=rng.randint(0, 2)))
            step(Move.ACCEPT, officer, Status.CLOSED, close, "现场复查合格，予以销号")
        elif fate == "closed_late":
            close = min(draft.deadline + timedelta(days=rng.randint(2, 30)), yesterday)
            step(Move.SUBMIT, fixer, Status.SUBMITTED, close - timedelta(days=1))
            step(Move.ACCEPT, officer, Status.CLOSED, close, "现场复查合格，予以销号")
    extras: list[tuple[date, Move, User, str | None, str, dict]] = []
    if draft.extended:
        new_deadline = draft.deadline
        old_deadline = max(
            draft.created + timedelta(days=7), new_deadline - timedelta(days=rng.randint(30, 60))
        )
        plan_day = _between(rng, draft.created + timedelta(days=3), min(old_deadline, yesterday))
        plan = rng.choice(PLANS)
        draft.deadline = old_deadline  # the deadline first given; the plan moves it
        extras.append(
            (
                plan_day,
                Move.EXTEND,
                officer,
                None,
                plan,
                {"deadline": [old_deadline.isoformat(), new_deadline.isoformat()]},
            )
        )
        draft.plan = {"old": old_deadline, "new": new_deadline, "plan": plan}
    if draft.escalated:
        level = LedgerItem.Escalation.CITY if rng.random() < 0.25 else LedgerItem.Escalation.COUNTY
        at_day = max(draft.created + timedelta(days=1), today - timedelta(days=rng.randint(3, 25)))
        until = today + timedelta(days=rng.randint(5, 30))
        extras.append(
            (
                min(at_day, yesterday),
                Move.ESCALATE,
                people.task_force,
                None,
                "问题整改不力，群众反映强烈",
                {
                    "escalation_level": [ESCALATION_LABEL[""], ESCALATION_LABEL[level]],
                    "escalation_deadline": [None, until.isoformat()],
                },
            )
        )
        draft.escalation = (level, until)
    _record(rng, draft, moves, extras, officer if draft.source != Source.SELF_CHECK else fixer)


def _record(rng, draft: Draft, moves, extras, creator: User) -> None:
    """Walk the moves in time order: events with before/after, the version, and the item's final fields."""
    # Moves on the same day keep their order: each comes at least ten minutes after the one before.
    timed, previous = [], None
    for d, m, a, to, note, extra in moves:
        at = _at(rng, d)
        if previous is not None and at <= previous:
            at = previous + timedelta(minutes=rng.randint(10, 90))
        timed.append((at, m, a, to, note, extra))
        previous = at
    timed += [(_at(rng, d), m, a, to, note, extra) for d, m, a, to, note, extra in extras]
    timeline = sorted(timed, key=lambda row: row[0])
    created_at = _at(rng, draft.created)
    if timeline and timeline[0][0] <= created_at:
        created_at = timeline[0][0] - timedelta(hours=rng.randint(1, 6))
    status, closed_at, deadline = Status.REGISTERED, None, draft.deadline
    events = [
        {
            "actor": creator,
            "move": Move.CREATE,
            "from_status": "",
            "to_status": status,
            "note": LABEL_SOURCE[draft.source],
            "changes": {},
            "at": created_at,
        }
    ]
    escalation: tuple = ("", None)
    for at, move, actor, to_status, note, extra in timeline:
        changes = dict(extra)
        before = status
        if to_status is not None:
            changes.update(_change(status, to_status))
            status = to_status
        if move == Move.ACCEPT:
            closed_at = at
            changes["closed_at"] = [None, at.isoformat()]
        if move == Move.EXTEND:
            deadline = date.fromisoformat(extra["deadline"][1])
        if move == Move.ESCALATE:
            escalation = draft.escalation
        events.append(
            {
                "actor": actor,
                "move": move,
                "from_status": before,
                "to_status": status,
                "note": note,
                "changes": changes,
                "at": at,
            }
        )
    draft.events = events
    draft.item = LedgerItem(
        campaign_id=draft.category.campaign_id,
        category=draft.category,
        project=draft.project,
        company_id=draft.company_id,
        township_id=draft.project.township_id,
        region_path=draft.project.region_path,
        problem=draft.problem,
        measures=draft.measures,
        deadline=deadline,
        responsible_person=draft.project.manager.name if draft.project.manager_id else "",
        progress_note=DONE_NOTE
        if status == Status.CLOSED
        else rng.choice(PROGRESS)
        if status != Status.REGISTERED
        else "",
        source=draft.source,
        status=status,
        escalation_level=escalation[0],
        escalation_deadline=escalation[1],
        closed_at=closed_at,
        version=len(events),
        created_by=creator,
        created_at=created_at,
    )
    if draft.plan:
        draft.plan["at"] = next(e["at"] for e in events if e["move"] == Move.EXTEND)
        draft.plan["by"] = next(e["actor"] for e in events if e["move"] == Move.EXTEND)


LABEL_SOURCE = {k: str(v) for k, v in Source.choices}


def _leaf_problems(campaign: Campaign) -> list[tuple[Category, int, list[tuple[str, str]], object]]:
    """Each leaf category with the problems written for it, its weight and its lead unit."""
    leaves = list(
        Category.objects.filter(campaign=campaign, parent__isnull=False)
        .select_related("parent")
        .prefetch_related("lead_units", "parent__lead_units")
    )
    chosen = []
    for keyword, weight, problems in PROBLEMS:
        leaf = next((c for c in leaves if keyword in c.name), None)
        if leaf is not None:
            units = list(leaf.lead_units.all()) or list(leaf.parent.lead_units.all())
            chosen.append((leaf, weight, problems, units[0] if units else None))
    return chosen


def _company_on(spells: dict[int, list[ProjectAssignment]], project: Project, day: date) -> int | None:
    for spell in spells.get(project.pk, []):
        if spell.start <= day and (spell.end is None or day <= spell.end):
            return spell.company_id
    return project.company_id


def _drafts(ctx: DemoContext, campaign: Campaign, projects: list[Project]) -> list[Draft]:
    rng, today = ctx.rng, ctx.today
    leaves = _leaf_problems(campaign)
    spells: dict[int, list[ProjectAssignment]] = {}
    for spell in ProjectAssignment.objects.filter(project__in=projects).order_by("start"):
        spells.setdefault(spell.project_id, []).append(spell)
    weights = [rng.lognormvariate(0, 0.8) for _ in projects]
    count = round(len(projects) * ITEMS_PER_PROJECT)
    chosen = sorted(rng.choices(range(len(projects)), weights, k=count))
    sources, source_weights = zip(*SOURCES, strict=True)
    fates, fate_weights = zip(*FATES, strict=True)
    drafts = []
    for index in chosen:
        project = projects[index]
        leaf, _weight, problems, unit = rng.choices(leaves, [w for _, w, _, _ in leaves])[0]
        problem, measures = rng.choice(problems)
        draft = Draft(
            project=project,
            company_id=None,
            category=leaf,
            problem=problem,
            measures=measures,
            source=rng.choices(sources, source_weights)[0],
            created=today,
            deadline=today,
            fate=rng.choices(fates, fate_weights)[0],
        )
        draft.unit = unit
        drafts.append(draft)
    settled = {pk for pk, rows in spells.items() if rows[-1].start <= today - timedelta(days=DAYS_BACK + 10)}
    _showcase(ctx, drafts, settled)
    _mark_modifiers(rng, drafts, count)
    for draft in drafts:
        draft.created, draft.deadline = _dates(rng, draft.fate, today)
        if draft.extended:  # the deadline the plan moved to; `_life` works out the first one
            draft.deadline = max(draft.deadline, today + timedelta(days=rng.randint(20, 60)))
        draft.company_id = _company_on(spells, draft.project, draft.created)
    return drafts


def _showcase(ctx: DemoContext, drafts: list[Draft], settled: set[int]) -> None:
    """The demo township's and the demo company's first items take every state, in a fixed order."""
    township_id = ctx.users["township"].region_id
    company_id = ctx.users["company"].company_id
    taken: set[int] = set()
    for belongs in (
        lambda d: d.project.township_id == township_id,
        lambda d: d.project.company_id == company_id and d.project.pk in settled,
    ):
        mine = [i for i, d in enumerate(drafts) if belongs(drafts[i]) and i not in taken]
        for index, spec in zip(mine, SHOWCASE, strict=False):
            fate, _, modifier = spec.partition("+")
            draft = drafts[index]
            draft.fate, draft.escalated, draft.extended = (
                fate,
                modifier == "escalated",
                modifier == "extended",
            )
            draft.showcase = True
            taken.add(index)


def _mark_modifiers(rng: random.Random, drafts: list[Draft], count: int) -> None:
    """About ten 挂牌督办 in a county and a few 整改计划, on open items that are not the showcase."""
    free = [d for d in drafts if not d.showcase]
    stuck = [d for d in free if d.fate in ("overdue", "in_progress")]
    for draft in rng.sample(stuck, min(len(stuck), max(2, count // 200))):
        draft.escalated = True
    slow = [d for d in free if d.fate == "in_progress" and not d.escalated]
    for draft in rng.sample(slow, min(len(slow), max(1, count // 400))):
        draft.extended = True


def _hotline_refs(drafts: list[Draft]) -> None:
    """A 12345 item links to a real complaint on its project when complaints were loaded first."""
    from complaints.models import Complaint

    hotline = [d for d in drafts if d.source == Source.HOTLINE]
    by_project: dict[int, list[int]] = {}
    rows = Complaint.objects.filter(project_id__in={d.project.pk for d in hotline}).values_list(
        "project_id", "pk"
    )
    for project_id, pk in rows.order_by("pk"):
        by_project.setdefault(project_id, []).append(pk)
    used: set[int] = set()
    for draft in hotline:
        free = [pk for pk in by_project.get(draft.project.pk, []) if pk not in used]
        if free:
            used.add(free[-1])
            draft.item.source_ref = f"complaint:{free[-1]}"


def _save(drafts: list[Draft]) -> list[LedgerItem]:
    items = LedgerItem.objects.bulk_create([d.item for d in drafts], batch_size=500)
    for item in items:
        item.reference = f"TZ-{timezone.localtime(item.created_at):%Y}-{item.pk:06d}"
    LedgerItem.objects.bulk_update(items, ["reference"], batch_size=500)
    LedgerEvent.objects.bulk_create(
        [LedgerEvent(item=d.item, **event) for d in drafts for event in d.events], batch_size=1000
    )
    RectificationPlan.objects.bulk_create(
        [
            RectificationPlan(
                item=d.item,
                old_deadline=d.plan["old"],
                new_deadline=d.plan["new"],
                plan=d.plan["plan"],
                created_by=d.plan["by"],
                created_at=d.plan["at"],
            )
            for d in drafts
            if d.plan
        ]
    )
    return items


def order_batches(drafts: list[Draft], demo_township: int | None) -> list[list[LedgerItem]]:
    """Open items that one 整改通知书 may carry, grouped by project *and* the company serving each item.

    A project that changed company during the campaign has items of two companies, and a project managed
    by nobody has items of none; an order goes to one company, so those never share an order. The demo
    township's biggest groups come first.
    """
    groups: dict[tuple[int, int], list[LedgerItem]] = {}
    for d in drafts:
        plain = d.fate == "in_progress" and not (d.escalated or d.extended or d.showcase)
        if plain and d.item.company_id is not None:
            groups.setdefault((d.project.pk, d.item.company_id), []).append(d.item)
    return sorted(groups.values(), key=lambda items: (items[0].township_id != demo_township, -len(items)))


def _orders(ctx: DemoContext, people: People, drafts: list[Draft]) -> int:
    """A few 整改通知书 through `orders`: one closed, one partly returned, one answered, one unanswered."""
    rng, today = ctx.rng, ctx.today
    candidates = order_batches(drafts, ctx.users["township"].region_id)
    issued = 0
    for outcome, items in zip(("closed", "mixed", "answered", "issued"), candidates, strict=False):
        items = items[:2]
        officer = people.officers[items[0].township_id]
        order = orders.issue(
            user=officer,
            items=items,
            deadline=today + timedelta(days=rng.randint(10, 20)),
            body=f"经检查，你单位服务的{items[0].project.name}存在以下问题，请于整改时限前整改到位并书面答复。",
        )
        issued += 1
        if outcome == "issued":
            continue
        staff = people.staff[order.company_id]
        lines = list(order.responses.order_by("pk"))
        for line in lines:
            orders.answer(line, staff, measures=line.item.measures or "已按要求整改到位")
        if outcome == "answered":
            continue
        for position, line in enumerate(lines):
            line.refresh_from_db()
            returned = outcome == "mixed" and position == len(lines) - 1
            orders.decide(line, officer, accepted=not returned, reason=RETURN_REASONS[0] if returned else "")
    return issued


def _cases(ctx: DemoContext, campaign: Campaign, people: People, projects: list[Project]) -> None:
    """One positive and one negative typical case, both published."""
    first, second = ctx.townships[0], ctx.townships[1]
    good = next(p for p in projects if p.township_id == first.pk)
    bad = next(p for p in projects if p.township_id == second.pk)
    cases = [
        (
            people.officers[first.pk],
            {
                "kind": "positive",
                "title": f"{good.name}“红色物业”破解停车难",
                "project": good.pk,
                "happened": "小区停车位不足，车辆乱停乱放、占用消防通道问题突出，业主投诉较多。",
                "done": "社区党委牵头，物业、业委会共同协商，利用闲置空地新增停车位120个，施划消防通道标线，投诉明显下降。",
            },
        ),
        (
            people.officers[second.pk],
            {
                "kind": "negative",
                "title": f"{bad.name}物业企业公共收益长期未公示被约谈",
                "project": bad.pk,
                "happened": "经督查发现，该小区物业企业三年来未公示电梯广告、场地租赁等公共收益，业主多次投诉。",
                "done": "镇街下达整改通知书，约谈企业负责人，责令公示公共收益明细并列入信用扣分，企业已完成整改。",
            },
        ),
    ]
    for officer, data in cases:
        case = monthly_reports.add_case(campaign, officer, data, None)
        monthly_reports.set_published(case, people.task_force, True)


def _reports(ctx: DemoContext, campaign: Campaign, people: People, townships: list[Region]) -> None:
    """Last month's reports: most on time, one late, one missing, one returned (the second township's)."""
    rng, today = ctx.rng, ctx.today
    month = monthly_reports.month_key(today.replace(day=1) - timedelta(days=1))
    due = monthly_reports.due_date(campaign.report_due_day, month)
    fields = monthly_reports.indicators_of(campaign)
    late = townships[2].pk if len(townships) > 2 else None
    missing = townships[3].pk if len(townships) > 3 else None
    returned = townships[1].pk if len(townships) > 1 else None
    start = date.fromisoformat(f"{month}-01")
    counts = {}
    for township_id, created, closed in LedgerItem.objects.filter(campaign=campaign).values_list(
        "township_id", "created_at", "closed_at"
    ):
        row = counts.setdefault(township_id, {"problems_found": 0, "problems_solved": 0})
        row["problems_found"] += f"{timezone.localtime(created):%Y-%m}" == month
        row["problems_solved"] += closed is not None and f"{timezone.localtime(closed):%Y-%m}" == month
    reports = []
    for township in townships:
        if township.pk == missing:
            continue
        latest = min(due, today - timedelta(days=1))
        day = (
            due + timedelta(days=rng.randint(2, 6))
            if township.pk == late
            else latest - timedelta(days=rng.randint(0, 4))
        )
        day = min(day, today - timedelta(days=1))
        at = _at(rng, max(day, start))
        values = {f["key"]: rng.randint(0, 6) for f in fields}
        values.update(counts.get(township.pk, {}))
        if "projects_inspected" in values:
            values["projects_inspected"] = sum(1 for p in ctx.projects if p.township_id == township.pk)
        report = MonthlyReport(
            campaign=campaign,
            township=township,
            region_path=township.path,
            month=month,
            indicators=values,
            summary=f"{township.name}本月持续推进物业领域突出问题专项整治，开展拉网式排查，问题随查随改、逐项销号。",
            ledger_rows=monthly_reports.ledger_snapshot(campaign, township),
            submitted_by=people.officers[township.pk],
            first_submitted_at=at,
            submitted_at=at,
        )
        if township.pk == returned:
            report.status = MonthlyReport.Status.RETURNED
            report.return_comment = "成果指标中“整改问题数”与台账销号数不一致，请核实后重新报送。"
            report.returned_at = at + timedelta(days=1)
        reports.append(report)
    MonthlyReport.objects.bulk_create(reports)


def _bulletin(ctx: DemoContext, campaign: Campaign, people: People) -> None:
    """Last week's 周调度, published, so the archive has an issue."""
    period = bulletins.period_containing("weekly", ctx.today - timedelta(days=7))
    bulletin = bulletins.draft_for(campaign, period, people.task_force)
    bulletins.edit(
        bulletin,
        people.task_force,
        bulletin.issuer,
        "本周各镇（街道）持续开展拉网式排查，对发现的问题建立台账、限期整改，逐项验收销号。",
        "下周重点督办逾期未整改问题和挂牌督办问题，对整改不力的企业下达整改通知书。",
    )
    bulletins.publish(bulletin, people.task_force)


def populate(ctx: DemoContext) -> None:
    campaign = Campaign.objects.filter(jurisdiction=ctx.county).order_by("pk").first()
    if campaign is None:
        ctx.log("台账：没有整治行动，跳过")
        return
    townships = [t for t in ctx.townships if t.path.startswith(ctx.county.path)]
    projects = list(
        Project.objects.filter(region_path__startswith=ctx.county.path)
        .select_related("manager")
        .order_by("pk")
    )
    people = People(
        ctx,
        townships,
        {p.company_id for p in projects if p.company_id}
        | set(ProjectAssignment.objects.filter(project__in=projects).values_list("company_id", flat=True)),
    )
    drafts = _drafts(ctx, campaign, projects)
    for draft in drafts:
        _life(ctx.rng, draft, people, ctx.today)
        draft.item.responsible_unit = draft.unit
    _hotline_refs(drafts)
    items = _save(drafts)
    issued = _orders(ctx, people, drafts)
    _cases(ctx, campaign, people, projects)
    _reports(ctx, campaign, people, townships)
    _bulletin(ctx, campaign, people)
    statuses = {s: 0 for s in Status.values}
    for item in LedgerItem.objects.filter(campaign=campaign).values_list("status", flat=True):
        statuses[item] += 1
    ctx.log(
        f"台账：{len(items)} 条问题（"
        + "，".join(f"{LABEL[s]} {n}" for s, n in statuses.items())
        + f"），挂牌督办 {sum(1 for d in drafts if d.escalated)}，整改通知书 {issued} 份，"
        "典型案例 2 个，上月月报与周调度 1 期"
    )
