"""Role-aware navigation for the base layout."""

from collections.abc import Callable

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

# (label, url name, roles that see it; None = every signed-in role)
NAV_ITEMS: list[tuple[str, str, frozenset[str] | None]] = [
    (_("首页"), "home", None),
    (_("收件箱"), "orgs:inbox", None),
    (_("项目"), "orgs:project_list", None),
    (_("物业企业"), "orgs:company_list", frozenset({"task_force", "township", "department", "admin"})),
]

# url name → function(request) giving the number shown on that item (0 hides the badge).
NAV_BADGES: dict[str, Callable[[HttpRequest], int]] = {}


def register_nav(label, url_name: str, roles: set[str] | None = None) -> None:
    """Apps add their own entries from AppConfig.ready(), so this file never lists every app."""
    entry = (label, url_name, frozenset(roles) if roles else None)
    if entry not in NAV_ITEMS:
        NAV_ITEMS.append(entry)


def register_badge(url_name: str, count: Callable[[HttpRequest], int]) -> None:
    """Show a count on a navigation item; keep `count` to one query, it runs on every page."""
    NAV_BADGES[url_name] = count


def _unread_notifications(request: HttpRequest) -> int:
    from .notifications import unread_count

    return unread_count(request.user)


register_badge("orgs:inbox", _unread_notifications)


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    role = "admin" if user.is_admin else user.role
    items = []
    for label, url_name, roles in NAV_ITEMS:
        if roles is not None and role not in roles:
            continue
        url = reverse(url_name)
        active = request.path == url if url == "/" else request.path.startswith(url)
        badge = NAV_BADGES[url_name](request) if url_name in NAV_BADGES else 0
        items.append({"label": label, "url": url, "active": active, "badge": badge})
    return {"nav_items": items}
