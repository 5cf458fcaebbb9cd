"""Ledger items in bulk, shaped like a township's real ledger: every status, deadlines past and future.

Enough rows to page through (the ledger lists 50 a page): lists, tabs and pagination are only tested
when there is a page 2 and a last page that differs from it.
"""

from datetime import timedelta

from django.utils import timezone

from ledgers.models import LedgerItem

STATUSES = [s for s, _ in LedgerItem.Status.choices]
PROBLEMS = [
    "楼道堆放杂物，影响通行和消防安全",
    "电梯年检标志过期",
    "小区门岗夜间无人值守",
    "私拉电线为电动车充电",
]


def many_items(project, campaign, n: int, *, unit=None, category=None) -> list[LedgerItem]:
    """`n` items of `project`, cycling through every status, with deadlines from 40 days ago to 40 ahead."""
    today = timezone.localdate()
    items = LedgerItem.objects.bulk_create(
        LedgerItem(
            project=project,
            campaign=campaign,
            category=category,
            company=project.company,
            township_id=project.township_id,
            region_path=project.region_path,
            responsible_unit=unit,
            problem=f"{PROBLEMS[i % len(PROBLEMS)]}（{i + 1}号楼）",
            status=STATUSES[i % len(STATUSES)],
            deadline=today + timedelta(days=(i * 7) % 81 - 40),
        )
        for i in range(n)
    )
    for item in items:
        item.reference = f"TZ-{today:%Y}-{item.pk:06d}"
    LedgerItem.objects.bulk_update(items, ["reference"])
    return items
