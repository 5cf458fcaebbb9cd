"""The `config` package as a small Django app, so cross-cutting security code has a `ready()`.

Signal receivers (security log of logins and login failures, the login time the
absolute session timeout counts from) and the start-up system checks must be
connected once, before the first request, whatever entry point starts Django
(web, worker, management command, tests). An AppConfig's `ready()` is the one
place Django guarantees that; `config` has no models, so it costs nothing else.
"""

from django.apps import AppConfig
from django.db.models import fields
from django.utils.translation import gettext_lazy as _


class SecurityConfig(AppConfig):
    name = "config"
    label = "security"
    verbose_name = "安全"

    def ready(self) -> None:
        from . import security  # noqa: F401  (connects receivers, registers checks)

        # Django 6.1's blank choice reads "- Select an option -" and has no Chinese translation; it
        # invites this override "in your app's ready() method". Filter lists say 全部 (FILTERS_EMPTY_CHOICE_LABEL).
        fields.BLANK_CHOICE_LABEL = _("请选择")
