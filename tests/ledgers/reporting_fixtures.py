"""A hand-counted week for the bulletin tests: ISO week 2026-W47 is Monday 16 to Sunday 22 November.

Township A (城关街道, project 阳光花园):
  a1 logged 17th, deadline 20th, closed 19th, unit 县住建局      → found, closed, on time
  a2 logged 10th, deadline 18th, closed 21st                    → closed late
  a3 logged 16th 00:30, deadline 19th, open, 县级挂牌督办, unit  → found, overdue, escalated
  a4 logged 9th, deadline 22nd, open                             → due on the last day: not overdue
  a5 logged 22nd 23:59, deadline 21st, closed 23rd 00:10         → found; open at week's end, overdue
  a6 logged 18th, withdrawn                                      → counts nowhere
  a7 logged 15th 23:59 (the week before), open                   → not found this week
Township B (东城街道, project 东湖家园):
  b1 logged 18th, no deadline, closed 20th, unit 县住建局        → found, closed, on time
  b2 logged 1st, deadline 30th, open                             → nothing this week
Complaints: A 3 this week and 2 the week before (one at 15th 23:59); B none and 2.
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from campaigns.models import Action
from complaints.models import Complaint
from ledgers.models import LedgerItem
from tests.ledgers.conftest import make_item

SHANGHAI = ZoneInfo("Asia/Shanghai")
WEEK = "2026-W47"


def sh(day: int, hour: int = 12, minute: int = 0, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=SHANGHAI)


def nov(day: int) -> date:
    return date(2026, 11, day)


def build_week(campaign, project_a, project_b, unit) -> dict[str, LedgerItem]:
    closed, open_ = LedgerItem.Status.CLOSED, LedgerItem.Status.IN_PROGRESS
    spec = {
        "a1": (project_a, sh(17), nov(20), closed, sh(19), unit, ""),
        "a2": (project_a, sh(10), nov(18), closed, sh(21), None, ""),
        "a3": (project_a, sh(16, 0, 30), nov(19), open_, None, unit, "county"),
        "a4": (project_a, sh(9), nov(22), open_, None, None, ""),
        "a5": (project_a, sh(22, 23, 59), nov(21), closed, sh(23, 0, 10), None, ""),
        "a6": (project_a, sh(18), nov(20), LedgerItem.Status.WITHDRAWN, None, None, ""),
        "a7": (project_a, sh(15, 23, 59), None, open_, None, None, ""),
        "b1": (project_b, sh(18), None, closed, sh(20), unit, ""),
        "b2": (project_b, sh(1), nov(30), open_, None, None, ""),
    }
    items = {}
    for name, (project, created, deadline, status, closed_at, responsible, level) in spec.items():
        items[name] = make_item(
            project,
            campaign,
            problem=name,
            created_at=created,
            deadline=deadline,
            status=status,
            closed_at=closed_at,
            responsible_unit=responsible,
            escalation_level=level,
        )
    return items


def complain(project, when: datetime, ticket: str) -> Complaint:
    return Complaint.objects.create(
        ticket=ticket,
        received_at=when,
        township=project.township,
        region_path=project.region_path,
        project=project,
    )


def build_complaints(project_a, project_b) -> None:
    for n, when in enumerate([sh(16, 9), sh(19), sh(22, 23, 59), sh(10), sh(15, 23, 59)]):
        complain(project_a, when, f"A{n}")
    for n, when in enumerate([sh(9), sh(12)]):
        complain(project_b, when, f"B{n}")


def confirmed_action(campaign, project, decided_at: datetime, period: str = "2026-11") -> Action:
    return Action.objects.create(
        campaign=campaign,
        kind=Action.Kind.WORK_REMINDER,
        period=period,
        target_type="project",
        target_id=project.pk,
        target_name=project.name,
        project=project,
        region_path=project.region_path,
        rule="test",
        status=Action.Status.CONFIRMED,
        decided_at=decided_at,
    )
