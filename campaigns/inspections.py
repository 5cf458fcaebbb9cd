"""双随机一公开: drawing projects and inspectors so that anyone can re-run the draw.

Seed 001 §三(三): "市住建局组织抽调专业技术人员成立督查组，采取“双随机一公开”方式，开展整治攻坚行动
专项督查……对随机抽查的物业服务项目进行重点跟踪，查出的问题要限期整改". The draw is a pure function of
(seed text, pool ids, N, M), so the published seed and pool snapshot are enough to check it:

    import hashlib, random
    rng = random.Random(int(hashlib.sha256(seed.encode("utf-8")).hexdigest(), 16))
    projects = sorted(rng.sample(sorted(project_pool), n))
    inspectors = sorted(rng.sample(sorted(inspector_pool), m))

The seed text joins three parts, each shown on the page: the draw date, a number the task force
types in public, and a random value from the server ("2026-11-23|8421|9f3c…").
"""

import hashlib
import random
import secrets
from dataclasses import dataclass
from datetime import date

ALGORITHM = (
    "rng = random.Random(int(sha256(种子.encode('utf-8')).hexdigest(), 16)); "
    "项目 = sorted(rng.sample(sorted(项目池), N)); 检查人员 = sorted(rng.sample(sorted(人员池), M))"
)


class DrawError(ValueError):
    """A draw that cannot be made; the message is for the user."""


@dataclass(frozen=True)
class DrawResult:
    project_ids: list[int]
    inspector_ids: list[int]


def server_random() -> str:
    return secrets.token_hex(8)


def combine_seed(day: date, typed: str, server: str) -> str:
    """The seed as shown and recorded: date, the task force's number and the server's value."""
    return f"{day.isoformat()}|{typed.strip()}|{server}"


def _rng(seed: str) -> random.Random:
    return random.Random(int(hashlib.sha256(seed.encode("utf-8")).hexdigest(), 16))


def draw(seed: str, project_pool: list[int], inspector_pool: list[int], n: int, m: int) -> DrawResult:
    """Deterministic given the seed and the pools: pools are sorted first, so their order never matters."""
    projects, inspectors = sorted(set(project_pool)), sorted(set(inspector_pool))
    if n < 1 or m < 1:
        raise DrawError("抽取数量至少为 1。")
    if n > len(projects):
        raise DrawError(f"项目池只有 {len(projects)} 个项目，不足抽取 {n} 个。")
    if m > len(inspectors):
        raise DrawError(f"人员池只有 {len(inspectors)} 人，不足抽取 {m} 人。")
    rng = _rng(seed)
    return DrawResult(sorted(rng.sample(projects, n)), sorted(rng.sample(inspectors, m)))


# Seed 001 §二(三): "对评价等级 AA 级以上的信用良好企业，在监督管理工作中实行绿色通道，减少检查频次".
GOOD_CREDIT = frozenset({"AAA", "AA"})


def outside_green_channel(project_companies: dict[int, int | None], ratings: dict[int, str]) -> list[int]:
    """Projects left in the pool when companies rated AA or above are spared this draw."""
    return sorted(
        pid for pid, company in project_companies.items() if ratings.get(company or 0, "") not in GOOD_CREDIT
    )
