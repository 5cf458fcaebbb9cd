"""The security log and the start-up guarantees that every process (web, worker, command) relies on.

ASVS 16.3: authentication events and refused accesses are logged with who, what and
from where — and never with a secret (passwords, session keys, tokens). Everything
goes to the `security` logger as one `key=value` line, so an operator can grep it.
Imported once from SecurityConfig.ready().
"""

import logging
import time

from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.core.exceptions import ImproperlyConfigured
from django.dispatch import receiver
from django.http import HttpRequest

from .client_address import client_address

logger = logging.getLogger("security")

LOGIN_AT_KEY = "_security_login_at"
LAST_SEEN_KEY = "_security_last_seen"

# URL keyword arguments whose values are secrets (a project's public QR token): masked in logged paths.
SECRET_KWARG_WORDS = ("token", "key", "secret", "password")
MAX_FIELD = 80


def clean_field(value) -> str:
    """One log field: control characters escaped (no forged log lines), spaces removed, length capped."""
    text = str(value)
    escaped = "".join(ch if ch.isprintable() and not ch.isspace() else f"\\x{ord(ch):02x}" for ch in text)
    return escaped[:MAX_FIELD] + ("…" if len(escaped) > MAX_FIELD else "")


def safe_path(request: HttpRequest) -> str:
    """The request path without its query string and with secret URL arguments masked."""
    path = request.path
    match = getattr(request, "resolver_match", None)
    if match is not None:
        for name, value in match.kwargs.items():
            if any(word in name.lower() for word in SECRET_KWARG_WORDS) and str(value):
                path = path.replace(str(value), "***")
    return path


def client_ip(request: HttpRequest | None) -> str:
    if request is None:
        return "-"
    return client_address(request) or "-"


def user_id(request: HttpRequest | None) -> str:
    user = getattr(request, "user", None)
    return str(user.pk) if user is not None and user.is_authenticated else "-"


def security_log(event: str, request: HttpRequest | None, level: int = logging.WARNING, **fields) -> None:
    """Write one security event. Callers pass only non-secret fields (ids, usernames, reasons)."""
    parts = {
        "event": event,
        "user": user_id(request),
        "ip": client_ip(request),
        "method": request.method if request is not None else "-",
        "path": safe_path(request) if request is not None else "-",
        **fields,
    }
    logger.log(level, " ".join(f"{key}={clean_field(value)}" for key, value in parts.items()))


def log_refusal(request: HttpRequest, status: int) -> None:
    """A 403, or a 404 — on a matched URL that means a scoped lookup found nothing visible."""
    match = getattr(request, "resolver_match", None)
    if status == 403:
        security_log("forbidden", request, status=403, url_name=match.view_name if match else "-")
    elif match is not None:
        security_log("scope_404", request, status=404, url_name=match.view_name)
    else:
        security_log("not_found", request, level=logging.INFO, status=404)


@receiver(user_logged_in, dispatch_uid="security_login")
def on_login(sender, request, user, **kwargs) -> None:
    """Stamp the login time the absolute session timeout counts from, and log the login."""
    if request is None:
        return
    now = int(time.time())
    if hasattr(request, "session"):
        request.session[LOGIN_AT_KEY] = now
        request.session[LAST_SEEN_KEY] = now
    security_log("login", request, level=logging.INFO, user=user.pk)


@receiver(user_logged_out, dispatch_uid="security_logout")
def on_logout(sender, request, user, **kwargs) -> None:
    if request is not None:
        security_log("logout", request, level=logging.INFO, user_was=user.pk if user else "-")


@receiver(user_login_failed, dispatch_uid="security_login_failed")
def on_login_failed(sender, credentials, request=None, **kwargs) -> None:
    """Django passes credentials already cleansed; only the username is kept, never the password."""
    username = credentials.get("username", "") if isinstance(credentials, dict) else ""
    security_log("login_failed", request, username=username or "-")


@receiver(user_locked_out, dispatch_uid="security_locked_out")
def on_locked_out(sender, request, username=None, ip_address=None, **kwargs) -> None:
    security_log("locked_out", request, username=username or "-")


def require_defused_xml() -> None:
    """Refuse to start unless openpyxl parses workbooks through defusedxml.

    An .xlsx is XML in a zip; without defusedxml an entity bomb ("billion laughs") in an
    uploaded workbook expands in memory until the worker dies. openpyxl switches to
    defusedxml by itself when it is importable, unless OPENPYXL_DEFUSEDXML=False.
    """
    try:
        import defusedxml  # noqa: F401
        import openpyxl.xml
    except ImportError as exc:
        raise ImproperlyConfigured(f"缺少 defusedxml 或 openpyxl，拒绝启动：{exc}") from exc
    if not openpyxl.xml.DEFUSEDXML:
        raise ImproperlyConfigured(
            "openpyxl 未启用 defusedxml（检查 OPENPYXL_DEFUSEDXML 环境变量），拒绝启动"
        )


def require_session_limits() -> None:
    """The timeouts the session middleware enforces must be set and sane."""
    idle, absolute = settings.SESSION_IDLE_TIMEOUT, settings.SESSION_ABSOLUTE_TIMEOUT
    if not (0 < idle <= absolute):
        raise ImproperlyConfigured("SESSION_IDLE_TIMEOUT 必须大于 0 且不超过 SESSION_ABSOLUTE_TIMEOUT")


require_defused_xml()
require_session_limits()
