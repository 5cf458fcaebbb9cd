"""Loading a campaign from one of the seed plans (SPEC.md "Presets").

SPEC.md: "Presets: each seed can be loaded as a ready campaign (phases, categories
with responsible units, rule parameters), so a new county starts from the plan it
already has." The plans themselves are data files in `campaigns/presets/`; this
module only reads them. Loading is idempotent: every row is found by its natural
key (phase name, category code, group name, member name) before it is created, and
what the task force edited after a first load (parameters, wording) is left alone.
"""

import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.db import transaction

from orgs.models import Department, Region

from .chinese_script import simplify_strings
from .models import Campaign, Category, Phase, TaskForceMember, WorkGroup

PRESET_DIR = Path(__file__).resolve().parent / "presets"


class PresetError(Exception):
    """A preset that cannot be loaded as asked; the message is for the user, in Chinese."""


@dataclass(frozen=True)
class PresetInfo:
    slug: str
    title: str
    issuer: str
    doc_number: str
    jurisdiction: str


@dataclass
class LoadResult:
    campaign: Campaign
    created: bool
    added: dict[str, int] = field(default_factory=dict)


def _preset_files() -> list[Path]:
    return sorted(p for p in PRESET_DIR.glob("*.json") if not p.stem.endswith("-selfcheck"))


def _read(path: Path) -> dict:
    """A preset file as the app uses it: a plan transcribed in traditional characters comes out simplified."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return simplify_strings(data) if data.get("script") == "traditional" else data


def available_presets() -> list[PresetInfo]:
    infos = []
    for path in _preset_files():
        data = _read(path)
        infos.append(
            PresetInfo(
                data["slug"], data["title"], data["issuer"], data["doc_number"], data["jurisdiction"]["name"]
            )
        )
    return infos


def read_preset(slug: str) -> dict:
    path = PRESET_DIR / f"{slug}.json"
    if slug.endswith("-selfcheck") or not path.is_file():
        names = "、".join(p.slug for p in available_presets())
        raise PresetError(f"没有名为“{slug}”的预设。可用的预设：{names}")
    return _read(path)


def resolve_jurisdiction(value: str | int | None, preset: dict) -> Region:
    """The region to load into: an id, a unique name, or (when not given) the plan's own region."""
    if value in (None, ""):
        spec = preset["jurisdiction"]
        region = Region.objects.filter(name=spec["name"], parent=None).first()
        return region or Region.objects.create(name=spec["name"], level=spec["level"])
    text = str(value).strip()
    if text.isdigit():
        region = Region.objects.filter(pk=int(text)).first()
        if region is None:
            raise PresetError(f"没有编号为 {text} 的行政区")
        return region
    matches = list(Region.objects.filter(name=text)[:2])
    if not matches:
        raise PresetError(f"没有名为“{text}”的行政区")
    if len(matches) > 1:
        raise PresetError(f"名为“{text}”的行政区不止一个，请改用编号")
    return matches[0]


class _Units:
    """Departments by name under the jurisdiction, created the first time a plan names them."""

    def __init__(self, region: Region, added: dict[str, int]):
        self.region, self.added, self.cache = region, added, {}

    def get(self, name: str) -> Department:
        if name not in self.cache:
            unit, created = Department.objects.get_or_create(region=self.region, name=name)
            self.added["departments"] += created
            self.cache[name] = unit
        return self.cache[name]

    def many(self, names: list[str]) -> list[Department]:
        return [self.get(n) for n in names]


def _parse_date(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _day(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def shift_phases(phases: list[dict], start: date) -> list[dict]:
    """The plan's phases moved so the first begins on `start`, each keeping its length and the gaps between.

    A preset is a template: a 2020 plan loaded in 2026 runs in 2026. The plan's own wording of the
    dates ("2020年4月至6月") no longer holds, so it is rewritten from the shifted dates.
    """
    first = min((_parse_date(p["start"]) for p in phases if p.get("start")), default=None)
    if first is None:
        return phases
    offset = start - first
    shifted = []
    for spec in phases:
        begin = _parse_date(spec.get("start"))
        end = _parse_date(spec.get("end"))
        begin, end = (begin + offset if begin else None), (end + offset if end else None)
        shifted.append(
            {
                **spec,
                "start": begin and begin.isoformat(),
                "end": end and end.isoformat(),
                "dates_text": _dates_text(begin, end),
            }
        )
    return shifted


def _dates_text(begin: date | None, end: date | None) -> str:
    if begin is None:
        return ""
    if end is None:
        return f"{_day(begin)}起"
    return _day(begin) if end == begin else f"{_day(begin)}至{_day(end)}"


@transaction.atomic
def load_preset(
    slug: str, jurisdiction: str | int | None = None, new_slug: str | None = None, start: date | None = None
) -> LoadResult:
    """Create (or complete) the campaign of a seed plan under a jurisdiction, its phases from `start` if given."""
    preset = read_preset(slug)
    if start is not None:
        preset["phases"] = shift_phases(preset["phases"], start)
    region = resolve_jurisdiction(jurisdiction, preset)
    campaign_slug = new_slug or preset["slug"]
    existing = Campaign.objects.filter(slug=campaign_slug).first()
    if existing is not None and existing.jurisdiction_id != region.pk:
        raise PresetError(
            f"标识“{campaign_slug}”已被{existing.jurisdiction}的整治行动使用；"
            "载入到其他行政区时请另取一个标识（--slug）"
        )
    added = dict.fromkeys(["phases", "categories", "departments", "townships", "groups", "members"], 0)
    campaign, created = Campaign.objects.get_or_create(
        slug=campaign_slug, defaults=_campaign_fields(preset, region)
    )
    units = _Units(region, added)
    _load_townships(region, preset.get("townships", []), added)
    _load_phases(campaign, preset["phases"], added)
    _load_categories(campaign, preset["categories"], units, added)
    _load_task_force(campaign, preset, units, added)
    return LoadResult(campaign, created, added)


def _campaign_fields(preset: dict, region: Region) -> dict:
    params = {k: v for k, v in preset.get("parameters", {}).items() if k in Campaign.RULE_PARAMETERS}
    return {
        "title": preset["title"],
        "doc_number": preset["doc_number"],
        "issuer": preset["issuer"],
        "issued_on": _parse_date(preset["issued_on"]),
        "jurisdiction": region,
        "target": preset["target"],
        "preset": preset["slug"],
        "ledger_title": preset.get("ledger_title", "{campaign}整治工作台账"),
        **params,
    }


def _load_townships(region: Region, names: list[str], added: dict) -> None:
    """Seed 002 names its three streets; they are created under the jurisdiction if missing."""
    for name in names:
        _, created = Region.objects.get_or_create(
            parent=region, name=name, defaults={"level": Region.Level.TOWNSHIP}
        )
        added["townships"] += created


def _load_phases(campaign: Campaign, phases: list[dict], added: dict) -> None:
    for order, spec in enumerate(phases, 1):
        _, created = Phase.objects.get_or_create(
            campaign=campaign,
            name=spec["name"],
            defaults={
                "kind": spec.get("kind", Phase.Kind.PHASE),
                "start": _parse_date(spec["start"]),
                "end": _parse_date(spec.get("end")),
                "dates_text": spec.get("dates_text", ""),
                "description": spec.get("description", ""),
                "order": order,
            },
        )
        added["phases"] += created


def _load_categories(
    campaign: Campaign, specs: list[dict], units: _Units, added: dict, parent: Category | None = None
) -> None:
    for order, spec in enumerate(specs, 1):
        category, created = Category.objects.get_or_create(
            campaign=campaign,
            code=spec["code"],
            defaults={
                "parent": parent,
                "name": spec["name"],
                "description": spec.get("description", ""),
                "local_units": spec.get("local", ""),
                "units_text": spec.get("units_text", ""),
                "order": order,
            },
        )
        if created:
            added["categories"] += 1
            category.lead_units.set(units.many(spec.get("lead", [])))
            category.supporting_units.set(units.many(spec.get("supporting", [])))
        _load_categories(campaign, spec.get("children", []), units, added, parent=category)


def _load_task_force(campaign: Campaign, preset: dict, units: _Units, added: dict) -> None:
    """工作专班: the leadership without a group, then each work group with its members."""
    _load_members(campaign, None, preset.get("members", []), added)
    for order, spec in enumerate(preset.get("work_groups", []), 1):
        lead = units.get(spec["lead_unit"]) if spec.get("lead_unit") else None
        group, created = WorkGroup.objects.get_or_create(
            campaign=campaign,
            name=spec["name"],
            defaults={"duties": spec.get("duties", ""), "lead_unit": lead, "order": order},
        )
        if created:
            added["groups"] += 1
            group.member_units.set(units.many(spec.get("units", [])))
        _load_members(campaign, group, spec.get("members", []), added)


def _load_members(campaign: Campaign, group: WorkGroup | None, specs: list[dict], added: dict) -> None:
    base = 0 if group is None else group.order * 100
    for order, spec in enumerate(specs, 1):
        _, created = TaskForceMember.objects.get_or_create(
            campaign=campaign,
            group=group,
            name=spec["name"],
            defaults={
                "post": spec["post"],
                "role_in_task_force": spec.get("role", ""),
                "order": base + order,
            },
        )
        added["members"] += created
