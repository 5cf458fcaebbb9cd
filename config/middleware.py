"""Cross-cutting request hardening: session timeouts, no caching of private responses, refusal logging.

OWASP ASVS 7.3: a session ends after a period of inactivity and after an absolute
lifetime, whatever the user does. ASVS 8.3 / 14.3: pages of a logged-in user and
every download must not be kept by a browser or proxy cache. ASVS 16 (logging):
every refused access is written to the `security` logger.
"""

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import FileResponse, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import resolve_url
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

from .security import LAST_SEEN_KEY, LOGIN_AT_KEY, log_refusal, security_log

# Seconds between two writes of the activity stamp: the idle timeout is exact to this
# resolution, and a page with many htmx requests does not write the session each time.
ACTIVITY_RESOLUTION = 60


def session_expiry_reason(session, now: float) -> str | None:
    """'idle' or 'absolute' when an authenticated session has outlived its limits, else None."""
    login_at = session.get(LOGIN_AT_KEY)
    last_seen = session.get(LAST_SEEN_KEY)
    if login_at is not None and now - login_at > settings.SESSION_ABSOLUTE_TIMEOUT:
        return "absolute"
    if last_seen is not None and now - last_seen > settings.SESSION_IDLE_TIMEOUT:
        return "idle"
    return None


EXPIRY_MESSAGES = {
    "idle": "您已超过 {minutes} 分钟未操作，为保护数据安全已自动退出，请重新登录。",
    "absolute": "本次登录已超过 {hours} 小时，为保护数据安全已自动退出，请重新登录。",
}


class SessionTimeoutMiddleware:
    """Log out a session idle for SESSION_IDLE_TIMEOUT or older than SESSION_ABSOLUTE_TIMEOUT.

    After logging out, the request goes on as anonymous: the view's own login check
    sends the browser to the login page, where the message says why. htmx requests
    get a full-page redirect instead of a login form swapped into a table.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = time.time()
            reason = session_expiry_reason(request.session, now)
            if reason:
                return self._expire(request, reason)
            self._touch(request.session, now)
        return self.get_response(request)

    def _touch(self, session, now: float) -> None:
        session.setdefault(LOGIN_AT_KEY, int(now))
        if now - session.get(LAST_SEEN_KEY, 0) >= ACTIVITY_RESOLUTION:
            session[LAST_SEEN_KEY] = int(now)

    def _expire(self, request: HttpRequest, reason: str) -> HttpResponse:
        security_log("session_expired", request, reason=reason)
        logout(request)
        text = _(EXPIRY_MESSAGES[reason]).format(
            minutes=settings.SESSION_IDLE_TIMEOUT // 60, hours=settings.SESSION_ABSOLUTE_TIMEOUT // 3600
        )
        messages.warning(request, text)
        # HtmxMiddleware runs later in the chain, so read the header itself.
        if request.headers.get("HX-Request") == "true":
            return HttpResponseClientRedirect(resolve_url(settings.LOGIN_URL))
        return self.get_response(request)


def is_download(response: HttpResponse) -> bool:
    """A file handed to the browser: an attachment, a FileResponse or a streamed export."""
    return (
        isinstance(response, FileResponse | StreamingHttpResponse)
        or "Content-Disposition" in response.headers
    )


class PrivateNoStoreMiddleware:
    """`Cache-Control: private, no-store` on every response to a signed-in user and on every download.

    A shared computer's back button or a proxy must not reveal one township's ledger to
    the next person. request.user is read after the view, so a DRF token user counts too.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        if signed_in or "HTTP_AUTHORIZATION" in request.META or is_download(response):
            patch_cache_control(response, private=True, no_store=True, max_age=0)
        return response


class RefusalLogMiddleware:
    """Write every 403 and every 404 to the security log with who, where and from which address.

    A 404 on a matched URL is a scoped lookup that found nothing visible (a guessed or
    foreign id): that is what an attacker probing ids produces, so it is a warning.
    A 404 on an unknown path is only noise from scanners and is logged at info level.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code in (403, 404):
            log_refusal(request, response.status_code)
        return response


class AuditUserMiddleware:
    """Every AuditRecord a request's writes leave names the signed-in person, not only the database role."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from ledgers.audit import acting_user

        with acting_user(request):
            return self.get_response(request)
