"""Role-aware navigation for the base layout."""

from collections.abc import Callable
from functools import cache

from django.conf import settings
from django.http import HttpRequest
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import gettext_lazy as _

# (label, url name, roles that see it or None for every signed-in role, menu it folds into or None)
NAV_ITEMS: list[tuple[str, str, frozenset[str] | None, str | None]] = [
    (_("首页"), "home", None, None),
    (_("收件箱"), "orgs:inbox", None, None),
    (_("项目"), "orgs:project_list", None, None),
    (_("物业企业"), "orgs:company_list", frozenset({"task_force", "township", "department", "admin"}), None),
]

# url name → function(request) giving the number shown on that item (0 hides the badge).
NAV_BADGES: dict[str, Callable[[HttpRequest], int]] = {}


def register_nav(label, url_name: str, roles: set[str] | None = None, menu=None) -> None:
    """Apps add their own entries from AppConfig.ready(), so this file never lists every app.

    Entries sharing a `menu` fold into one drop-down, so fifteen pages still fit one line.
    """
    entry = (label, url_name, frozenset(roles) if roles else None, menu)
    if entry not in NAV_ITEMS:
        NAV_ITEMS.append(entry)


def register_badge(url_name: str, count: Callable[[HttpRequest], int]) -> None:
    """Show a count on a navigation item; keep `count` to one query, it runs on every page."""
    NAV_BADGES[url_name] = count


def _unread_notifications(request: HttpRequest) -> int:
    from .notifications import unread_count

    return unread_count(request.user)


register_badge("orgs:inbox", _unread_notifications)


@cache
def _nav_url(url_name: str, script_prefix: str, urlconf: str) -> str:
    """A menu URL stays the same for a given script prefix and URLconf: ~20 reverses a page less."""
    return reverse(url_name, urlconf=urlconf)


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    role = "admin" if user.is_admin else user.role
    items: list[dict] = []
    menus: dict[str, dict] = {}
    for label, url_name, roles, menu in NAV_ITEMS:
        if roles is not None and role not in roles:
            continue
        url = _nav_url(url_name, get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)
        active = request.path == url if url == "/" else request.path.startswith(url)
        badge = NAV_BADGES[url_name](request) if url_name in NAV_BADGES else 0
        link = {"label": label, "url": url, "active": active, "badge": badge}
        if menu is None:
            items.append(link)
            continue
        if str(menu) not in menus:
            menus[str(menu)] = {"label": menu, "children": [], "active": False, "badge": 0}
            items.append(menus[str(menu)])
        group = menus[str(menu)]
        group["children"].append(link)
        group["active"] = group["active"] or active
        group["badge"] += badge
    # A menu this role sees only one page of is just that page.
    return {"nav_items": [i["children"][0] if len(i.get("children", ())) == 1 else i for i in items]}
