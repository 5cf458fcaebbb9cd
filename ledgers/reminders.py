"""The daily overdue scan and deadline reminders, into each responsible person's inbox.

Seed 000 §四(三): "对问题整改不及时、不彻底的，及时进行通报、督办。" SPEC.md: "nobody can say on a
given day which problems are overdue" is the pain this replaces; overdue is derived from the
deadline (an open item after its 完成时限), never stored.

Who is told: the staff of the company the item is logged against and of its responsible unit
(the people fixing it); for an overdue item also the officers of its township, who must push.
An item due within the next 3 days gets a "即将到期" reminder, an overdue one an "已逾期" notice.
Each person hears about each item at most once a day: a rerun on the same day adds nothing.
"""

from collections import defaultdict
from dataclasses import asdict, dataclass
from datetime import date, timedelta

from django.urls import reverse
from django.utils import timezone

from orgs.models import Notification, User
from orgs.notifications import notify

from .models import LedgerItem

REMIND_DAYS_BEFORE = 3
KIND_DUE_SOON = Notification.Kind.DUE_SOON
KIND_OVERDUE = Notification.Kind.OVERDUE


@dataclass
class ReminderRun:
    due_soon: int = 0
    overdue: int = 0
    notifications: int = 0

    def as_dict(self) -> dict:
        return asdict(self)


def items_to_remind(today: date):
    """Open items overdue, or due between today and 3 days from today (both inclusive)."""
    return (
        LedgerItem.objects.open()
        .filter(deadline__isnull=False, deadline__lte=today + timedelta(days=REMIND_DAYS_BEFORE))
        .select_related("project")
        .order_by("deadline", "id")
    )


class _Recipients:
    """Active users by company, department and township, read once per run (three queries)."""

    def __init__(self):
        users = User.objects.filter(is_active=True)
        self.company = self._index(users.filter(role=User.Role.COMPANY), "company_id")
        self.department = self._index(users.filter(role=User.Role.DEPARTMENT), "department_id")
        self.township = self._index(users.filter(role=User.Role.TOWNSHIP), "region_id")

    @staticmethod
    def _index(users, key: str) -> dict[int, set[int]]:
        index: dict[int, set[int]] = defaultdict(set)
        for pk, owner in users.values_list("pk", key):
            if owner is not None:
                index[owner].add(pk)
        return index

    def for_item(self, item: LedgerItem, overdue: bool) -> set[int]:
        people = set(self.company.get(item.company_id, ())) | set(
            self.department.get(item.responsible_unit_id, ())
        )
        if overdue or not people:
            people |= self.township.get(item.township_id, set())
        return people


def _already_told() -> set[tuple[str, int]]:
    """(item link, user) pairs already notified today: the day the notices are written, not the
    `today` the deadlines are measured from, so a rerun on the same day finds them."""
    rows = Notification.objects.filter(
        kind__in=(KIND_DUE_SOON, KIND_OVERDUE), created_at__date=timezone.localdate()
    ).values_list("url", "user_id")
    return set(rows)


def send_reminders(today: date) -> ReminderRun:
    run = ReminderRun()
    recipients = _Recipients()
    told = _already_told()
    for item in items_to_remind(today).iterator(chunk_size=1000):
        overdue = item.deadline < today
        url = reverse("ledgers:item_detail", args=[item.pk])
        users = {pk for pk in recipients.for_item(item, overdue) if (url, pk) not in told}
        if overdue:
            run.overdue += 1
            days = (today - item.deadline).days
            title = f"已逾期 {days} 天：{item.reference} {item.project.name}"
        else:
            run.due_soon += 1
            days = (item.deadline - today).days
            title = f"{'今天' if days == 0 else f'{days} 天后'}到期：{item.reference} {item.project.name}"
        if users:
            kind = KIND_OVERDUE if overdue else KIND_DUE_SOON
            deadline = f"{item.deadline.year}年{item.deadline.month}月{item.deadline.day}日"
            body = f"{item.problem[:200]}（完成时限：{deadline}）"
            run.notifications += len(notify(users, kind, title, url=url, body=body))
    return run
