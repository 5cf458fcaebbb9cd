"""Password guessing spread over many addresses, slowed per account without locking its owner out (issue 18, item 2).

django-axes locks a username at one address after AXES_FAILURE_LIMIT wrong passwords. An attacker
with ten addresses gets ten times the guesses, and a lock on the username alone would let anyone
lock any officer out for half an hour. So, on top of axes:

- per account: once wrong passwords for one username from all addresses together reach
  LOGIN_ACCOUNT_FREE_FAILURES, the account cools down after each further failure — 1 minute,
  doubling every 5 failures, at most LOGIN_ACCOUNT_MAX_COOLDOWN. Addresses the account has signed
  in from before (axes' access log) are exempt: the real user at their own desk is never kept out,
  and a stranger waits the cool-down out like the attacker.
- per address: LOGIN_ADDRESS_FAILURE_LIMIT wrong passwords from one address for any usernames
  together (spraying one password over many accounts) refuse that address until axes forgets them.
Both read axes' own records (AccessAttempt, kept for AXES_COOLOFF_TIME after the last failure), so
every worker process sees the same figures. A refused attempt is not checked and not counted.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from axes.models import AccessAttempt, AccessLog
from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.db.models import Max, Sum
from django.utils import timezone

from .client_address import client_address
from .security import security_log

FIRST_COOLDOWN = timedelta(minutes=1)
DOUBLING_EVERY = 5


def account_cooldown(failures: int, free: int, longest: timedelta) -> timedelta:
    """How long an account waits after its latest wrong password, given all its recent failures.

    >>> account_cooldown(9, 10, timedelta(minutes=15)), account_cooldown(10, 10, timedelta(minutes=15))
    (datetime.timedelta(0), datetime.timedelta(seconds=60))
    """
    if failures < free:
        return timedelta(0)
    doublings = min((failures - free) // DOUBLING_EVERY, 30)  # 2**30 minutes is past any cap already
    return min(FIRST_COOLDOWN * 2**doublings, longest)


@dataclass(frozen=True)
class Verdict:
    refused: bool
    reason: str = ""
    wait: timedelta = timedelta(0)


def _failures(**lookup) -> tuple[int, datetime | None]:
    totals = AccessAttempt.objects.filter(**lookup).aggregate(
        n=Sum("failures_since_start"), last=Max("attempt_time")
    )
    return totals["n"] or 0, totals["last"]


def judge(username: str, address: str, now: datetime | None = None) -> Verdict:
    """May a password for `username` be checked from `address` now?"""
    now = now or timezone.now()
    from_address, _ = _failures(ip_address=address)
    if from_address >= settings.LOGIN_ADDRESS_FAILURE_LIMIT:
        return Verdict(True, "address")
    failures, last = _failures(username=username)
    wait = account_cooldown(
        failures, settings.LOGIN_ACCOUNT_FREE_FAILURES, settings.LOGIN_ACCOUNT_MAX_COOLDOWN
    )
    if last is None or now >= last + wait:
        return Verdict(False)
    if AccessLog.objects.filter(username=username, ip_address=address).exists():
        return Verdict(False)  # the owner's own address: never kept out by someone else's guesses
    return Verdict(True, "account", last + wait - now)


class ThrottledAuthenticationForm(AuthenticationForm):
    """The login form, asking `judge` before the password is checked (and before axes counts it)."""

    def clean(self) -> dict:
        username = self.cleaned_data.get("username")
        if username:
            verdict = judge(username, client_address(self.request))
            if verdict.refused:
                security_log("login_throttled", self.request, username=username, reason=verdict.reason)
                raise forms.ValidationError(self._message(verdict), code="login_throttled")
        return super().clean()

    @staticmethod
    def _message(verdict: Verdict) -> str:
        if verdict.reason == "address":
            return "您所在的网络近期密码错误次数过多，请稍后再试；如需立即登录，请联系管理员。"
        minutes = max(1, round(verdict.wait.total_seconds() / 60))
        return (
            f"该账号近期在多处输错密码，为防止猜测密码，请 {minutes} 分钟后再试；在常用电脑上登录不受影响。"
        )
