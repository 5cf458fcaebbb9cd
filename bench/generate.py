"""Benchmark data: a city or a province, deterministic from one seed, written with COPY.

    DATABASE_URL=postgres://…/zzt_bench_city .venv/bin/python -m bench.generate --size city

The organisation tree, companies, the campaign (seed 000's preset) and the users go through the
ORM (a few thousand rows); managers, projects, aliases, service spells, two years of complaints,
ledger items and the quarter's survey and inspection figures go straight into PostgreSQL with
COPY, with the ids, foreign keys and region paths the app itself would have written. The
secondary indexes of the two big tables are dropped for the load and rebuilt after it.

Names come from orgs/demo_names.py (the demo county's word lists); township names are built
from syllables so they are unique in the whole jurisdiction, as the complaint importer needs.
The import benchmarks' input files (a CSV and an xlsx in the 12345 export's columns) are
written from what is in the database, so they can be rebuilt without regenerating it.
"""

import argparse
import csv
import json
import random
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from functools import cache
from itertools import accumulate
from pathlib import Path
from zoneinfo import ZoneInfo

GENERATOR_VERSION = 2  # 2: December gets its peak (version 1 tested month % 12, which is never 12)
SHANGHAI = ZoneInfo("Asia/Shanghai")
# The last month of generated complaints; fixed so the data never depends on the day it is built.
LAST_MONTH = (2026, 10)
QUARTER = "2026-Q3"
# Summer (air conditioning, water) and the heating months bring ~15% more complaints.
PEAK_MONTHS = frozenset({6, 7, 8, 12, 1})
DATA_DIR = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True)
class Size:
    cities: int  # 1 = the jurisdiction is one city; more = a province of that many cities
    districts: int  # per city
    townships: int  # per district
    communities: int  # per township
    projects: int
    companies: int
    complaints: int  # in the last 12 months; the 12 months before hold ~12% more
    items: int  # ledger items
    csv_rows: int
    xlsx_rows: int


SIZES = {
    "tiny": Size(1, 2, 3, 2, 60, 8, 3_000, 300, 2_000, 500),
    "city": Size(1, 12, 20, 5, 5_000, 420, 500_000, 50_000, 1_000_000, 100_000),
    "province": Size(16, 10, 12, 5, 100_000, 8_000, 5_000_000, 500_000, 1_000_000, 100_000),
}

TOWN_FIRST = "东西南北杨马高柳王石青白双新长桃李龙清金安红太平永丰大小黄张刘陈赵孙周吴郑朱胡林何罗梁宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余杜叶程魏苏吕丁任沈姚卢姜崔钟谭陆汪范廖"
TOWN_SECOND = "庄桥林山沙口河岭园集门水店湖坡泉城沟营屯寨堡坪峪湾洼塘头埠台关渡铺岗圩坊寺"
CITY_NAMES = [
    "临河市", "岱山市", "沂州市", "琅琊市", "泰安市", "东营市", "海阳市", "莱芜市", "平原市", "清源市",
    "青州市", "兰陵市", "安丘市", "曲阜市", "高密市", "龙口市",
]  # fmt: skip
CATEGORIES = {
    "物业服务质量": ["物业人员服务态度差，报修后长时间无人处理", "保洁不到位，楼道垃圾多日未清理", "绿化带无人养护，杂草丛生"],
    "电梯故障": ["电梯经常停运困人，物业维修不及时", "电梯异响严重，存在安全隐患", "电梯年检标志过期"],
    "停车管理": ["车位被长期占用，物业不管", "地下车库积水，车辆无法进出", "停车收费标准不公示"],
    "质价不符": ["物业费上涨但服务没有提高，质价不符", "收费高服务差，要求降低物业费", "公共收益去向不公开"],
    "消防安全": ["消防通道被堵塞，存在火灾隐患", "楼道内电动车充电，物业不制止", "消防栓无水"],
    "环境卫生": ["垃圾清运不及时，气味难闻", "化粪池外溢，污水横流", "二次供水水箱未清洗"],
    "噪音扰民": ["夜间装修噪音扰民，物业不管理", "小区广场舞音量过大", "设备房噪音大"],
    "违规收费": ["物业强制收取装修押金", "停水停电催缴物业费", "代收水电费加价"],
}  # fmt: skip
STATUSES = ["已办结"] * 8 + ["办理中", "已退回"]
SATISFACTION = ["满意"] * 5 + ["基本满意"] * 3 + ["不满意"] * 2 + [""]
ITEM_PROBLEMS = [
    "楼道堆放杂物，存在消防隐患", "电梯维保记录不全", "未按规定公示收费标准", "绿化带损毁未修复",
    "监控设施损坏", "消防设施缺失", "道路破损积水", "外墙脱落存在安全隐患", "化粪池堵塞", "公共照明损坏",
    "垃圾分类设施不足", "车辆乱停乱放", "屋面漏水", "二次供水设施未清洗消毒", "未建立维修资金使用台账",
]  # fmt: skip
ITEM_MEASURES = ["已安排维修", "责令限期整改", "已清理完毕", "已联系施工队", "制定整改计划", ""]
ITEM_STATUSES = (
    ["registered"] * 15 + ["in_progress"] * 25 + ["submitted"] * 10 + ["closed"] * 48 + ["withdrawn"] * 2
)
ITEM_SOURCES = (
    ["inspection"] * 5 + ["self_check"] * 2 + ["hotline"] * 2 + ["supervision", "snapshot", "petition"]
)


def months(last: tuple[int, int], count: int) -> list[tuple[int, int]]:
    """`count` months ending with `last`, oldest first."""
    year, month = last
    out = []
    for _ in range(count):
        out.append((year, month))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return list(reversed(out))


def township_names(rng: random.Random, count: int) -> list[str]:
    stems = [a + b for a in TOWN_FIRST for b in TOWN_SECOND]
    if count > len(stems):
        stems += [a + b + c for a in TOWN_FIRST[:40] for b in "家王李张" for c in TOWN_SECOND]
    chosen = rng.sample(stems, count)
    kinds = ["街道"] * 3 + ["镇"] * 6 + ["乡"]
    return [stem + rng.choice(kinds) for stem in chosen]


@cache
def _postgres() -> bool:
    from django.db import connection

    return connection.vendor == "postgresql"


class Copier:
    """Rows written in large blocks: COPY text on PostgreSQL, executemany elsewhere (the smoke test's SQLite)."""

    def __init__(self, cursor, table: str, columns: list[str]):
        self.cursor, self.table, self.columns = cursor, table, columns
        self.lines: list = []
        self.count = 0
        quoted = ", ".join(f'"{c}"' for c in columns)
        if _postgres():
            self._cm = cursor.copy(f"COPY {table} ({quoted}) FROM STDIN")  # nosec B608  # table and columns are the generator's own names
            self.copy = self._cm.__enter__()
        else:
            self.insert = f"INSERT INTO {table} ({quoted}) VALUES ({', '.join(['%s'] * len(columns))})"  # nosec B608  # own names; values bound

    def add(self, *values) -> None:
        if _postgres():
            self.lines.append("\t".join(r"\N" if v is None else str(v) for v in values))
        else:
            self.lines.append([str(v) if isinstance(v, Decimal | date) else v for v in values])
        if len(self.lines) >= 20_000:
            self.flush()

    def flush(self) -> None:
        if self.lines:
            if _postgres():
                self.copy.write("\n".join(self.lines) + "\n")
            else:
                self.cursor.executemany(self.insert, self.lines)
            self.count += len(self.lines)
            self.lines = []

    def close(self) -> int:
        self.flush()
        if _postgres():
            self._cm.__exit__(None, None, None)
        return self.count


def _next_id(cursor, table: str) -> int:
    cursor.execute(f"SELECT coalesce(max(id), 0) + 1 FROM {table}")  # nosec B608  # table: a model's own name
    return cursor.fetchone()[0]


def _reset_sequence(cursor, table: str) -> None:
    if not _postgres():
        return  # SQLite's AUTOINCREMENT follows the largest id inserted
    cursor.execute(
        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT coalesce(max(id), 1) FROM {table}))"  # nosec B608  # own table name
    )


def _ts(moment: datetime) -> str:
    if _postgres():
        return moment.isoformat(sep=" ")
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")  # as Django stores it in SQLite


class _SecondaryIndexes:
    """Drop a table's plain indexes for a bulk load and rebuild them from their own definitions."""

    def __init__(self, cursor, table: str):
        self.cursor, self.table, self.definitions = cursor, table, []
        if not _postgres():
            return
        cursor.execute(
            """SELECT i.indexname, i.indexdef FROM pg_indexes i
               WHERE i.tablename = %s AND NOT EXISTS (
                   SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)""",
            [table],
        )
        self.definitions = cursor.fetchall()

    def __enter__(self):
        for name, _ in self.definitions:
            self.cursor.execute(f'DROP INDEX "{name}"')
        return self

    def __exit__(self, *exc) -> None:
        for _, definition in self.definitions:
            self.cursor.execute(definition)


# --- the organisation tree and companies (ORM) -------------------------------------------


def build_regions(rng: random.Random, size: Size):
    from orgs.models import Region

    def children(pairs, level):
        nodes = Region.objects.bulk_create([Region(name=n, level=level, parent=p) for p, n in pairs])
        for node, (parent, _name) in zip(nodes, pairs, strict=True):
            node.path = f"{parent.path}{node.pk}/"
        Region.objects.bulk_update(nodes, ["path"], batch_size=2000)
        return nodes

    from orgs import demo_names as names

    if size.cities == 1:
        top = Region.objects.create(name=names.CITY, level=Region.Level.CITY)
        cities = [top]
    else:
        top = Region.objects.create(name="东岱省", level=Region.Level.PROVINCE)
        cities = children([(top, n) for n in CITY_NAMES[: size.cities]], Region.Level.CITY)
    district_names = [names.COUNTY, *names.OTHER_DISTRICTS, "高新区", "经开区", "临港区", "文旅区"]
    districts = children(
        [(c, district_names[i]) for c in cities for i in range(size.districts)], Region.Level.DISTRICT
    )
    town_names = township_names(rng, len(districts) * size.townships)
    townships = children(
        [
            (d, town_names[i * size.townships + j])
            for i, d in enumerate(districts)
            for j in range(size.townships)
        ],
        Region.Level.TOWNSHIP,
    )
    community_pool = names.URBAN_COMMUNITIES + names.VILLAGES
    communities = children(
        [(t, n) for t in townships for n in rng.sample(community_pool, size.communities)],
        Region.Level.COMMUNITY,
    )
    return top, townships, communities


def build_companies(rng: random.Random, count: int, places: list[str]):
    from orgs import demo_names as names
    from orgs.demo import credit_code, person_name, phone_number
    from orgs.models import Company

    seen, codes, rows = set(), set(), []
    while len(rows) < count:
        name = rng.choice(places) + rng.choice(names.COMPANY_WORDS) + rng.choice(names.COMPANY_KINDS)
        code = credit_code(rng)
        if name in seen or code in codes:
            continue
        seen.add(name)
        codes.add(code)
        rows.append(
            Company(name=name, credit_code=code, contact=person_name(rng), phone=phone_number(rng),
                    address=f"{rng.choice(names.ROADS)}{rng.randint(1, 399)}号")
        )  # fmt: skip
    return Company.objects.bulk_create(rows, batch_size=2000)


def build_campaign_and_users(top):
    from campaigns.models import Category
    from campaigns.preset_loader import load_preset
    from orgs.models import Department, Region, User

    campaign = load_preset("yishui-2024", jurisdiction=top.pk, new_slug="bench").campaign
    first_township = Region.objects.townships().filter(path__startswith=top.path).order_by("pk").first()
    users = [
        ("bench_taskforce", User.Role.TASK_FORCE, {"region": top}),
        ("bench_township", User.Role.TOWNSHIP, {"region": first_township}),
        ("bench_admin", User.Role.ADMIN, {"region": top, "is_staff": True}),
    ]
    for username, role, extra in users:
        user = User(username=username, role=role, full_name=username, **extra)
        user.set_password("Bench-Only-Passw0rd")
        user.save()
    leaves = list(
        Category.objects.filter(campaign=campaign, parent__isnull=False).values_list("pk", flat=True)
    )
    leaves = leaves or list(Category.objects.filter(campaign=campaign).values_list("pk", flat=True))
    departments = list(Department.objects.values_list("pk", flat=True))
    return campaign, leaves, departments


# --- projects and their people (COPY) ----------------------------------------------------


@dataclass
class ProjectRow:
    id: int
    township: int
    path: str
    name: str
    address: str
    company: int
    manager: int
    weight: float


def build_projects(cursor, rng: random.Random, size: Size, townships, communities, companies) -> list:
    from orgs import demo_names as names
    from orgs.demo import person_name, phone_number

    by_township: dict[int, list] = {}
    for c in communities:
        by_township.setdefault(c.parent_id, []).append(c)
    company_ids = [c.pk for c in companies]
    company_cum = list(accumulate(1 / (rank + 1) ** 0.8 for rank in range(len(company_ids))))
    township_weights = [
        4.0 if t.name.endswith("街道") else 1.0 if t.name.endswith("镇") else 0.5 for t in townships
    ]
    per_township = rng.choices(range(len(townships)), township_weights, k=size.projects)
    counts = [0] * len(townships)
    for i in per_township:
        counts[i] += 1
    project_id, manager_id = _next_id(cursor, "orgs_project"), _next_id(cursor, "orgs_manager")
    alias_id, spell_id = _next_id(cursor, "orgs_projectalias"), _next_id(cursor, "orgs_projectassignment")
    managers = Copier(cursor, "orgs_manager", ["id", "name", "phone", "company_id"])
    rows, drafts = [], []
    for township, count in zip(townships, counts, strict=True):
        taken: set[str] = set()
        while len(taken) < count:
            taken.add(
                rng.choice(names.PROJECT_STEMS)
                + rng.choice(names.PROJECT_SUFFIXES)
                + rng.choice(names.PHASES)
            )
        for name in sorted(taken):
            company = rng.choices(company_ids, cum_weights=company_cum)[0]
            community = rng.choice(by_township[township.pk])
            managers.add(manager_id, person_name(rng), phone_number(rng), company)
            address = f"{township.name}{rng.choice(names.ROADS)}{rng.randint(1, 399)}号"
            row = ProjectRow(project_id, township.pk, community.path, name, address, company, manager_id,
                             rng.paretovariate(1.6))  # fmt: skip
            rows.append(row)
            drafts.append((row, community.pk))
            project_id += 1
            manager_id += 1
    managers.close()
    _copy_projects(cursor, rng, drafts)
    _copy_aliases_and_spells(cursor, rng, rows, townships, alias_id, spell_id, company_ids)
    for table in ("orgs_manager", "orgs_project", "orgs_projectalias", "orgs_projectassignment"):
        _reset_sequence(cursor, table)
    return rows


def _copy_projects(cursor, rng: random.Random, drafts) -> None:
    columns = ["id", "name", "township_id", "community_id", "region_path", "address", "households",
               "service_standard", "fee", "is_resettlement", "has_old_elevators", "company_id", "manager_id",
               "public_token"]  # fmt: skip
    out = Copier(cursor, "orgs_project", columns)
    standards = ["一级", "二级", "三级", "四级", "五级", "星级", ""]
    for row, community in drafts:
        out.add(
            row.id, row.name, row.township, community, row.path, row.address, int(rng.triangular(80, 2500, 360)),
            rng.choices(standards, [2, 4, 5, 3, 1, 1, 2])[0], Decimal(rng.randint(40, 250)) / 100,
            rng.random() < 0.1, rng.random() < 0.15, row.company, row.manager,
            f"bench{row.id:026d}",
        )  # fmt: skip
    out.close()


def copy_all(cursor, table: str, columns: list[str], rows) -> int:
    """COPY a list of rows (one COPY at a time per connection: the protocol allows no more)."""
    out = Copier(cursor, table, columns)
    for row in rows:
        out.add(*row)
    return out.close()


def _copy_aliases_and_spells(cursor, rng, rows, townships, alias_id, spell_id, company_ids) -> None:
    short = {t.pk: t.name.removesuffix("街道").removesuffix("镇").removesuffix("乡") for t in townships}
    aliases, spells = [], []
    today = date(*LAST_MONTH, 28)
    for row in rows:
        plain = row.name[:-2] if row.name.endswith("小区") else f"{row.name}小区"
        for alias in (plain, f"{short[row.township]}{row.name}"):
            aliases.append((alias_id, row.id, alias))
            alias_id += 1
        if rng.random() < 0.18:  # served by another company until a change in the last 18 months
            changed = today - timedelta(days=rng.randint(15, 540))
            first = changed - timedelta(days=rng.randint(400, 2500))
            spells.append(
                (spell_id, row.id, rng.choice(company_ids), None, first, changed - timedelta(days=1))
            )
            spells.append((spell_id + 1, row.id, row.company, row.manager, changed, None))
            spell_id += 2
        else:
            start = today - timedelta(days=rng.randint(600, 3000))
            spells.append((spell_id, row.id, row.company, row.manager, start, None))
            spell_id += 1
    copy_all(cursor, "orgs_projectalias", ["id", "project_id", "name"], aliases)
    columns = ["id", "project_id", "company_id", "manager_id", "start", "end"]
    copy_all(cursor, "orgs_projectassignment", columns, spells)


# --- complaints (COPY) -------------------------------------------------------------------


def _content_pool(rng: random.Random) -> list[tuple[str, str]]:
    pool = []
    for category, sentences in CATEGORIES.items():
        for sentence in sentences:
            for building in range(1, 9):
                pool.append(
                    (category, f"来电人反映：{building}号楼{sentence}，希望相关部门督促物业尽快解决。")
                )
    rng.shuffle(pool)
    return pool


def build_complaints(
    cursor, rng: random.Random, size: Size, projects: list[ProjectRow], township_paths
) -> int:
    """Two years of complaints: the last 12 months hold `size.complaints`, the 12 before ~12% more."""
    township_ids = list(township_paths)
    # Each township's trend: some rise year on year (work reminders), most fall (the campaign works).
    trend = {t: rng.uniform(0.7, 1.2) for t in township_ids}
    columns = ["id", "channel", "ticket", "received_at", "township_id", "region_path", "raw_project_name",
               "address", "category", "content", "status", "satisfaction", "project_id", "match_state",
               "match_method", "match_score", "batch_id", "created_at", "updated_at"]  # fmt: skip
    pool = _content_pool(rng)
    next_id = _next_id(cursor, "complaints_complaint")
    with _SecondaryIndexes(cursor, "complaints_complaint"):
        out = Copier(cursor, "complaints_complaint", columns)
        for index, (year, month) in enumerate(months(LAST_MONTH, 24)):
            current = index >= 12
            volume = size.complaints / 12 * (1.0 if current else 1.12) * (1 + 0.15 * (month in PEAK_MONTHS))
            weights = [p.weight * (trend[p.township] if current else 1.0) for p in projects]
            chosen = rng.choices(projects, weights, k=int(volume))
            next_id = _month_rows(out, rng, year, month, chosen, township_paths, pool, next_id)
        total = out.close()
    cursor.execute("ANALYZE complaints_complaint")
    _reset_sequence(cursor, "complaints_complaint")
    return total


def _month_rows(out: Copier, rng, year, month, chosen, township_paths, pool, next_id) -> int:
    start = datetime(year, month, 1, tzinfo=SHANGHAI)
    seconds = ((datetime(year + month // 12, month % 12 + 1, 1, tzinfo=SHANGHAI)) - start).total_seconds()
    stamps = sorted(rng.random() * seconds for _ in chosen)
    created = _ts(start + timedelta(seconds=seconds))
    for seq, (project, offset) in enumerate(zip(chosen, stamps, strict=True)):
        received = start + timedelta(seconds=int(offset))
        category, content = pool[(next_id * 7919) % len(pool)]
        roll = rng.random()
        building = f"{rng.randint(1, 30)}号楼{rng.randint(1, 4)}单元{rng.randint(1, 30)}0{rng.randint(1, 4)}"
        if roll < 0.9:
            state, pid, path, name, method, score = (
                "matched",
                project.id,
                project.path,
                project.name,
                "exact",
                1.0,
            )
        else:
            state = "review" if roll < 0.96 else "unmatched"
            pid, path, name, method, score = (
                None,
                township_paths[project.township],
                project.name[:2] + "那边",
                "",
                None,
            )
        out.add(
            next_id, "12345", f"GD{year}{month:02d}{seq:07d}", _ts(received), project.township, path, name,
            f"{project.address}{building}", category, content, STATUSES[next_id % len(STATUSES)],
            SATISFACTION[(next_id // 3) % len(SATISFACTION)], pid, state, method, score, None, created, created,
        )  # fmt: skip
        next_id += 1
    return next_id


# --- ledger items and the quarter's inputs (COPY) ----------------------------------------


def build_items(cursor, rng: random.Random, size: Size, campaign, categories, departments, projects) -> int:
    from orgs.demo import person_name

    columns = ["id", "reference", "campaign_id", "category_id", "project_id", "company_id", "township_id",
               "region_path", "problem", "measures", "deadline", "responsible_person", "progress_note", "remarks",
               "source", "source_ref", "responsible_unit_id", "status", "escalation_level", "escalation_deadline",
               "closed_at", "version", "created_by_id", "created_at", "updated_at"]  # fmt: skip
    next_id = _next_id(cursor, "ledgers_ledgeritem")
    chosen = rng.choices(projects, [p.weight for p in projects], k=size.items)
    with _SecondaryIndexes(cursor, "ledgers_ledgeritem"):
        out = Copier(cursor, "ledgers_ledgeritem", columns)
        for project in chosen:
            created = datetime(2026, 1, 1, 9, tzinfo=SHANGHAI) + timedelta(
                minutes=rng.randint(0, 300 * 24 * 60)
            )
            deadline = created.date() + timedelta(days=rng.choice([7, 15, 30, 60, 90]))
            status = rng.choice(ITEM_STATUSES)
            closed = _ts(created + timedelta(days=rng.randint(1, 100))) if status == "closed" else None
            escalated = rng.random() < 0.03
            out.add(
                next_id, f"TZ-2026-{next_id:06d}", campaign.pk, rng.choice(categories), project.id, project.company,
                project.township, project.path, rng.choice(ITEM_PROBLEMS), rng.choice(ITEM_MEASURES), deadline,
                person_name(rng), "" if status == "registered" else "正在整改", "", rng.choice(ITEM_SOURCES), "",
                rng.choice(departments) if departments and rng.random() < 0.4 else None, status,
                "county" if escalated else "", deadline + timedelta(days=10) if escalated else None, closed,
                rng.randint(1, 4), None, _ts(created), _ts(created),
            )  # fmt: skip
            next_id += 1
        total = out.close()
    cursor.execute("ANALYZE ledgers_ledgeritem")
    _reset_sequence(cursor, "ledgers_ledgeritem")
    return total


def build_quarter_inputs(cursor, rng: random.Random, campaign, projects) -> None:
    entered = _ts(datetime(2026, 10, 8, 10, tzinfo=SHANGHAI))
    surveys, inspections = [], []
    for p in projects:
        common = (campaign.pk, p.id, QUARTER, p.path, entered)
        if rng.random() < 0.95:
            surveys.append((*common, Decimal(rng.randint(5500, 9900)) / 100, rng.randint(20, 80)))
        if rng.random() < 0.8:
            inspections.append((*common, Decimal(rng.randint(6000, 9900)) / 100, ""))
    columns = ["campaign_id", "project_id", "quarter", "region_path", "entered_at"]
    copy_all(cursor, "scoring_satisfactionsurvey", [*columns, "satisfaction", "sample_size"], surveys)
    copy_all(cursor, "scoring_inspectionscore", [*columns, "score", "note"], inspections)


# --- the whole data set ------------------------------------------------------------------


def generated(cursor) -> dict | None:
    from django.db import connection

    if "bench_meta" not in connection.introspection.table_names(cursor):
        return None
    cursor.execute("SELECT size, seed, version, facts FROM bench_meta")
    row = cursor.fetchone()
    if row is None:
        return None
    facts = json.loads(row[3]) if isinstance(row[3], str) else row[3]
    return {"size": row[0], "seed": row[1], "version": row[2], "facts": facts}


def complaint_years(cursor) -> dict:
    """What the complaints table holds now: the 12 months ending LAST_MONTH (the spec's "complaints over
    12 months"), the 12 before them (there for 同比, year on year), and anything else (an import run's
    rows left behind would show here)."""
    first, mid, end = months(LAST_MONTH, 24)[0], months(LAST_MONTH, 12)[0], LAST_MONTH
    starts = [(*first, 1), (*mid, 1), (end[0] + end[1] // 12, end[1] % 12 + 1, 1)]
    bounds = [_ts(datetime(*day, tzinfo=SHANGHAI)) for day in starts]
    cursor.execute(
        """SELECT count(*) FILTER (WHERE received_at >= %s AND received_at < %s),
                  count(*) FILTER (WHERE received_at >= %s AND received_at < %s),
                  count(*) FILTER (WHERE batch_id IS NOT NULL OR received_at < %s OR received_at >= %s)
           FROM complaints_complaint""",
        [bounds[1], bounds[2], bounds[0], bounds[1], bounds[0], bounds[2]],
    )
    year, before, other = cursor.fetchone()
    label = f"{mid[0]}-{mid[1]:02d}..{end[0]}-{end[1]:02d}"
    return {"complaints_12_months": year, "months": label, "complaints_12_months_before": before,
            "complaints_other": other}  # fmt: skip


def generate(size_name: str, seed: int = 7, log=print) -> dict:
    """Fill an empty, migrated database; returns what was written (also kept in bench_meta)."""
    from django.db import connection, transaction

    size, rng, started, facts = SIZES[size_name], random.Random(seed), time.monotonic(), {}
    with transaction.atomic(), connection.cursor() as cursor:
        # Foreign keys checked row by row: deferred checks would block rebuilding the indexes.
        if _postgres():
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        top, townships, communities = build_regions(rng, size)
        places = ["临河", "沂蒙", "鲁南", "齐鲁", "山东", "泉城", "东岳", "琅琊", ""] + [
            t.name[:2] for t in townships
        ]
        companies = build_companies(rng, size.companies, places)
        campaign, categories, departments = build_campaign_and_users(top)
        log(f"  organisation: {len(townships)} townships, {len(companies)} companies")
        projects = build_projects(cursor, rng, size, townships, communities, companies)
        log(f"  projects: {len(projects)} ({time.monotonic() - started:.0f} s)")
        facts["complaints"] = build_complaints(cursor, rng, size, projects, {t.pk: t.path for t in townships})
        log(f"  complaints: {facts['complaints']} ({time.monotonic() - started:.0f} s)")
        facts["items"] = build_items(cursor, rng, size, campaign, categories, departments, projects)
        build_quarter_inputs(cursor, rng, campaign, projects)
        facts.update(projects=len(projects), townships=len(townships), companies=len(companies),
                     jurisdiction=top.pk, campaign=campaign.pk, seconds=round(time.monotonic() - started, 1))  # fmt: skip
        cursor.execute("CREATE TABLE bench_meta (size text, seed int, version int, facts text)")
        cursor.execute(
            "INSERT INTO bench_meta VALUES (%s, %s, %s, %s)",
            [size_name, seed, GENERATOR_VERSION, json.dumps(facts)],
        )
    if _postgres() and not connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    log(f"  done in {time.monotonic() - started:.0f} s")
    return facts


# --- the import benchmarks' input files ---------------------------------------------------

IMPORT_HEADER = [
    "工单编号",
    "受理时间",
    "所属镇街",
    "小区名称",
    "诉求地址",
    "诉求类别",
    "诉求内容",
    "办理状态",
    "满意度",
    "来源",
]


def import_rows(count: int, seed: int):
    """Rows of a 12345 export as callers write them: aliases, full-width digits, building numbers,
    a township written 「…街道办事处」, some names nobody can match, a few rows refused."""
    from orgs.models import Project, ProjectAlias

    rng = random.Random(seed * 1000 + count)
    projects = list(Project.objects.order_by("pk").values_list("pk", "name", "address", "township__name"))
    aliases: dict[int, list[str]] = {}
    for pid, alias in ProjectAlias.objects.values_list("project_id", "name"):
        aliases.setdefault(pid, []).append(alias)
    weights = [rng.paretovariate(1.6) for _ in projects]
    pool = _content_pool(rng)
    full_width = str.maketrans("0123456789", "０１２３４５６７８９")
    base = datetime(2026, 11, 1, 8, tzinfo=SHANGHAI)
    for n, (pid, name, address, township) in enumerate(rng.choices(projects, weights, k=count)):
        roll = rng.random()
        if roll < 0.55:
            caller_name = name
        elif roll < 0.85:
            caller_name = rng.choice(aliases.get(pid) or [name])
        elif roll < 0.97:
            caller_name = name.translate(full_width) + " "
        else:
            caller_name = rng.choice(["不知道哪个小区", "城南老宿舍", "某某家属院", f"{name[:1]}湖人家"])
        if township.endswith("街道") and rng.random() < 0.2:
            township += "办事处"
        when = base + timedelta(seconds=n * 2)
        received = "" if n % 1000 == 999 else when.strftime("%Y-%m-%d %H:%M:%S")
        category, content = pool[n % len(pool)]
        building = (
            f"{rng.randint(1, 30)}号楼{rng.randint(1, 4)}单元{rng.randint(1, 30)}0{rng.randint(1, 4)}室"
        )
        ticket = f"IM2026{n:08d}" if n % 5000 != 4999 else f"IM2026{n - 1:08d}"  # a few duplicates
        yield [ticket, received, township, caller_name, f"{address}{building}", category, content,
               STATUSES[n % len(STATUSES)], SATISFACTION[n % len(SATISFACTION)], "12345热线"]  # fmt: skip


def write_import_files(size_name: str, seed: int = 7, log=print) -> tuple[Path, Path]:
    """The CSV and xlsx the import benchmarks read (kept in bench/data/, rebuilt when missing)."""
    import xlsxwriter

    size = SIZES[size_name]
    folder = DATA_DIR / size_name
    folder.mkdir(parents=True, exist_ok=True)
    csv_path = folder / f"complaints-{size.csv_rows}-s{seed}-v{GENERATOR_VERSION}.csv"
    xlsx_path = folder / f"complaints-{size.xlsx_rows}-s{seed}-v{GENERATOR_VERSION}.xlsx"
    if not csv_path.exists():
        tmp = csv_path.with_suffix(".tmp")
        with tmp.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(IMPORT_HEADER)
            writer.writerows(import_rows(size.csv_rows, seed))
        tmp.rename(csv_path)
        log(f"  wrote {csv_path.name}")
    if not xlsx_path.exists():
        tmp = xlsx_path.with_name(xlsx_path.stem + ".tmp.xlsx")
        book = xlsxwriter.Workbook(str(tmp), {"constant_memory": True, "strings_to_numbers": False})
        sheet = book.add_worksheet("12345工单")
        when = book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
        sheet.write_row(0, 0, IMPORT_HEADER)
        for r, row in enumerate(import_rows(size.xlsx_rows, seed + 1), start=1):
            for c, value in enumerate(row):
                if c == 1 and value:
                    sheet.write_datetime(r, c, datetime.strptime(value, "%Y-%m-%d %H:%M:%S"), when)
                else:
                    sheet.write_string(r, c, value)
        book.close()
        tmp.rename(xlsx_path)
        log(f"  wrote {xlsx_path.name}")
    return csv_path, xlsx_path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", choices=sorted(SIZES), default="city")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        existing = generated(cursor)
    if existing is None:
        generate(args.size, args.seed)
    else:
        print(f"already generated: {existing}")
    write_import_files(args.size, args.seed)


if __name__ == "__main__":
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    main()
