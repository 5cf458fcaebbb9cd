"""The in-app inbox (收件箱): how every app tells a person that something needs them.

`notify` is the one entry point. It takes users (a queryset, a list, or ids), writes
one row each in a single bulk insert, and skips inactive accounts. The daily digest
e-mails what is still unread, once per notification.
"""

from collections import defaultdict
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import timezone

from .models import Notification, User


def notify(
    users: Iterable[User] | Iterable[int] | QuerySet, kind: str, title: str, url: str = "", body: str = ""
) -> list[Notification]:
    """Put one notification in each user's inbox; returns the rows created."""
    ids = {u if isinstance(u, int) else u.pk for u in users}
    active = User.objects.filter(pk__in=ids, is_active=True).values_list("pk", flat=True)
    rows = [
        Notification(user_id=pk, kind=kind, title=title[:200], url=url[:500], body=body)
        for pk in sorted(active)
    ]
    return Notification.objects.bulk_create(rows)


def mark_read(user: User, pks: Iterable[int] | None = None) -> int:
    """Mark the user's own notifications read (all unread ones when `pks` is None)."""
    qs = Notification.objects.visible_to(user).unread()
    if pks is not None:
        qs = qs.filter(pk__in=list(pks))
    return qs.update(read_at=timezone.now())


def unread_count(user: User) -> int:
    return Notification.objects.visible_to(user).unread().count()


def send_daily_digest() -> int:
    """E-mail each user with an e-mail address the unread notifications not yet e-mailed, by kind.

    Returns the number of e-mails sent. Runs daily from Celery beat. At most one e-mail per
    user per (local) day: each notification is stamped `emailed_at`, and a user already
    e-mailed today waits until tomorrow's digest for anything newer, so a rerun sends nothing.
    """
    today = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    emailed_today = Notification.objects.filter(emailed_at__gte=today).values("user_id")
    pending = (
        Notification.objects.filter(read_at__isnull=True, emailed_at__isnull=True, user__is_active=True)
        .exclude(user__email="")
        .exclude(user_id__in=emailed_today)
        .select_related("user")
        .order_by("user_id", "-created_at")
    )
    by_user: dict[User, list[Notification]] = defaultdict(list)
    for note in pending:
        by_user[note.user].append(note)
    sent = 0
    for user, notes in by_user.items():
        with transaction.atomic():
            _send_digest(user, notes)
            Notification.objects.filter(pk__in=[n.pk for n in notes]).update(emailed_at=timezone.now())
        sent += 1
    return sent


def _send_digest(user: User, notes: list[Notification]) -> None:
    by_kind: dict[str, list[Notification]] = defaultdict(list)
    for note in notes:
        by_kind[note.kind].append(note)
    order = {kind: i for i, kind in enumerate(Notification.Kind.values)}
    groups = [
        (group[0].kind_label, group)
        for _kind, group in sorted(by_kind.items(), key=lambda g: order.get(g[0], 99))
    ]
    context = {"user": user, "notes": notes, "groups": groups, "site_url": settings.SITE_URL.rstrip("/")}
    send_mail(
        subject=f"整治通：您有 {len(notes)} 条未读通知",
        message=render_to_string("orgs/email/digest.txt", context),
        from_email=None,
        recipient_list=[user.email],
    )
