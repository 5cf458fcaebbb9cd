"""Role-aware navigation for the base layout."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

# (label, url name, roles that see it; None = every signed-in role)
NAV_ITEMS: list[tuple[str, str, frozenset[str] | None]] = [
    (_("首页"), "home", None),
    (_("项目"), "orgs:project_list", None),
    (_("物业企业"), "orgs:company_list", frozenset({"task_force", "township", "department", "admin"})),
]


def register_nav(label, url_name: str, roles: set[str] | None = None) -> None:
    """Apps add their own entries from AppConfig.ready(), so this file never lists every app."""
    entry = (label, url_name, frozenset(roles) if roles else None)
    if entry not in NAV_ITEMS:
        NAV_ITEMS.append(entry)


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
        items.append({"label": label, "url": url, "active": active})
    return {"nav_items": items}
