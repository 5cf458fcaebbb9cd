"""Progress of a campaign: items found / closed / overdue, per category and per township.

Each figure is one aggregate query over the viewer's scope of the ledger (no query per row),
so the campaign page costs the same at 200 items as at 200,000.
"""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Q

from ledgers.models import LedgerItem
from ledgers.querysets import overdue_q

from .models import Campaign, Category


@dataclass
class Tally:
    label: str
    key: int | None = None
    found: int = 0
    closed: int = 0
    overdue: int = 0
    children: list["Tally"] = field(default_factory=list)
    category: Category | None = None

    @property
    def open(self) -> int:
        return self.found - self.closed

    @property
    def closure_rate(self) -> int:
        """销号率, a whole percentage; 0 when nothing was found."""
        return round(self.closed * 100 / self.found) if self.found else 0

    def add(self, other: "Tally") -> None:
        self.found += other.found
        self.closed += other.closed
        self.overdue += other.overdue


def _counted(items, today: date, *group_by: str):
    """Found (not withdrawn), closed and overdue per value of `group_by`, in one query."""
    return (
        items.exclude(status=LedgerItem.Status.WITHDRAWN)
        .values(*group_by)
        .annotate(
            found=Count("id"),
            closed=Count("id", filter=Q(status=LedgerItem.Status.CLOSED)),
            overdue=Count("id", filter=overdue_q(today)),
        )
        .order_by()
    )


def scoped_items(campaign: Campaign, user):
    return LedgerItem.objects.visible_to(user).filter(campaign=campaign)


def by_category(campaign: Campaign, user, today: date) -> list[Tally]:
    """One tally per top-level area, with its sub-items; items without a category are listed last."""
    rows = {r["category_id"]: r for r in _counted(scoped_items(campaign, user), today, "category_id")}
    categories = list(
        Category.objects.filter(campaign=campaign)
        .order_by("order", "code")
        .prefetch_related("lead_units", "supporting_units")
    )
    areas = {c.pk: Tally(f"{c.code} {c.name}", c.pk, category=c) for c in categories if c.parent_id is None}
    for category in categories:
        row = rows.get(category.pk)
        own = Tally(f"{category.code} {category.name}", category.pk, category=category)
        if row:
            own.found, own.closed, own.overdue = row["found"], row["closed"], row["overdue"]
        area = areas.get(category.parent_id or category.pk)
        if category.parent_id is None:
            area.add(own)
        elif area is not None:
            area.children.append(own)
            area.add(own)
    result = list(areas.values())
    if None in rows:
        loose = rows[None]
        result.append(Tally("未分类", None, loose["found"], loose["closed"], loose["overdue"]))
    return result


def by_township(campaign: Campaign, user, today: date) -> list[Tally]:
    rows = _counted(scoped_items(campaign, user), today, "township_id", "township__name")
    tallies = [
        Tally(r["township__name"], r["township_id"], r["found"], r["closed"], r["overdue"]) for r in rows
    ]
    return sorted(tallies, key=lambda t: (-t.overdue, -t.found, t.label))


def totals(tallies: list[Tally]) -> Tally:
    total = Tally("合计")
    for tally in tallies:
        total.add(tally)
    return total


def chart_data(tallies: list[Tally]) -> dict:
    """What static/js/campaigns.js draws: labels and three series."""
    return {
        "labels": [t.label for t in tallies],
        "found": [t.found for t in tallies],
        "closed": [t.closed for t in tallies],
        "overdue": [t.overdue for t in tallies],
        "rate": [t.closure_rate for t in tallies],
    }
