"""Demo step (orgs.demo.DEMO_STEPS): two years of 12345 complaints over the demo county, written as
the messy export a hotline sends and imported through the real import, then the last month computed.

The volume falls toward the campaign's −30% target overall, while a few townships rise
and a few projects stay near the top, so the ranking, streaks and YoY pages have something to show.
"""

import csv
import tempfile
from datetime import timedelta
from pathlib import Path

from campaigns.models import Campaign
from orgs.demo import DemoContext
from orgs.models import ProjectAlias

from . import monthly, rules
from .excel import FIELD_LABELS
from .importing import create_batch, file_hash, run_import

MONTHS = 24
PER_YEAR = {"small": 1500, "county": 24000, "city": 120000}
CATEGORIES = {
    "电梯故障": ["电梯又坏了，老人上下楼困难", "电梯经常停运，维修不及时"],
    "环境卫生": ["楼道垃圾多日无人清理", "小区垃圾桶满溢，气味很大"],
    "停车管理": ["消防通道被车辆占用", "小区停车乱收费"],
    "收费问题": ["物业费上涨未公示", "收费与服务不符（质价不符）"],
    "设施维修": ["楼顶漏水，报修无人处理", "单元门禁损坏一个月未修"],
    "安全隐患": ["地下车库电动车违规充电", "消防栓无水"],
}
STATUSES = ["已办结"] * 8 + ["办理中", "已退回"]
SATISFACTION = ["满意"] * 6 + ["基本满意"] * 2 + ["不满意", ""]
HEADER = [label for field, label in FIELD_LABELS.items() if field != "channel"]  # rows carry no 来源


def _full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def _spelling(ctx: DemoContext, project, aliases: list[str]) -> tuple[str, str]:
    """How a caller names the project: mostly right, sometimes the way 12345 operators type it."""
    rng, name = ctx.rng, project.name
    building = f"{rng.randint(1, 18)}号楼{rng.randint(1, 4)}单元{rng.randint(1, 18)}0{rng.randint(1, 4)}"
    address = f"{project.address}{building}" if project.address else building
    roll = rng.random()
    if roll < 0.55:
        return name, address
    if roll < 0.68:
        return f"{name}小区", address
    if roll < 0.76:
        return _full_width(name).replace(name[:2], f"{name[:2]}　", 1), address
    if roll < 0.86 and aliases:
        return rng.choice(aliases), address
    if roll < 0.92 and project.address:
        return "", address
    if roll < 0.97:
        cut = rng.randrange(len(name))
        return name[:cut] + rng.choice("园苑城湾") + name[cut + 1 :], address
    return rng.choice(["不详", "附近小区", ""]), ""


def _month_total(ctx: DemoContext, index: int) -> int:
    """Year one at the base volume, year two falling about a quarter, with a summer peak."""
    base = PER_YEAR.get(ctx.size, PER_YEAR["county"]) / 12
    month = (index % 12) + 1
    seasonal = 1.25 if month in (6, 7, 8) else 0.9 if month in (1, 2) else 1.0
    trend = 1.0 if index < 12 else 1.0 - 0.27 * (index - 11) / 12
    return max(1, int(base * seasonal * trend * ctx.rng.uniform(0.9, 1.1)))


def write_export(ctx: DemoContext, path: Path, months: list[str]) -> int:
    rng, projects = ctx.rng, ctx.projects
    aliases: dict[int, list[str]] = {}
    for project_id, alias in ProjectAlias.objects.filter(project__in=projects).values_list(
        "project_id", "name"
    ):
        aliases.setdefault(project_id, []).append(alias)
    rising = {t.pk for t in rng.sample(ctx.townships, max(1, len(ctx.townships) // 5))}
    weights = [rng.lognormvariate(0, 1.1) for _ in projects]
    rows = 0
    with path.open("w", encoding="gb18030", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(HEADER)
        for index, month in enumerate(months):
            start, end = rules.month_bounds(month)
            # Rising townships grow in the second year instead of falling.
            month_weights = [
                w * (1.0 + 0.08 * (index - 11)) if index >= 12 and p.township_id in rising else w
                for w, p in zip(weights, projects, strict=True)
            ]
            seconds = int((end - start).total_seconds())
            for seq, project in enumerate(
                rng.choices(projects, month_weights, k=_month_total(ctx, index)), 1
            ):
                when = start + timedelta(seconds=rng.randrange(seconds))
                name, address = _spelling(ctx, project, aliases.get(project.pk, []))
                category = rng.choice(list(CATEGORIES))
                writer.writerow([
                    f"12345{month.replace('-', '')}{seq:05d}", when.strftime("%Y/%-m/%-d %H:%M"),
                    project.township.name, name, address, category, rng.choice(CATEGORIES[category]),
                    rng.choice(STATUSES), rng.choice(SATISFACTION),
                ])  # fmt: skip
                rows += 1
    return rows


def populate(ctx: DemoContext) -> None:
    last = rules.shift_month(rules.month_key(ctx.today), -1)
    months = [rules.shift_month(last, -i) for i in range(MONTHS - 1, -1, -1)]
    for project in ctx.projects:
        project.township = next(t for t in ctx.townships if t.pk == project.township_id)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"12345工单导出-{months[0]}至{last}.csv"
        write_export(ctx, path, months)
        batch = create_batch(None, "12345", path.name, digest=file_hash(path))
        batch.created_by = ctx.users.get("taskforce")
        batch, _ = run_import(batch, path, None)
    ctx.log(f"12345诉求：{batch.message}")
    campaign = Campaign.objects.filter(jurisdiction=ctx.county).order_by("-pk").first()
    if campaign is None:
        ctx.log("没有整治行动，未计算月度排名")
        return
    run = monthly.compute_month(campaign, last)
    ctx.log(
        f"月度排名：{last} 已计算（含此前 {MONTHS - 1} 个月），上榜 {run.rankings.filter(in_top=True).count()} 个项目"
    )
