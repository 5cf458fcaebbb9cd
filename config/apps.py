"""The `config` package as a small Django app, so cross-cutting security code has a `ready()`.

Signal receivers (security log of logins and login failures, the login time the
absolute session timeout counts from) and the start-up system checks must be
connected once, before the first request, whatever entry point starts Django
(web, worker, management command, tests). An AppConfig's `ready()` is the one
place Django guarantees that; `config` has no models, so it costs nothing else.
"""

from django.apps import AppConfig


class SecurityConfig(AppConfig):
    name = "config"
    label = "security"
    verbose_name = "安全"

    def ready(self) -> None:
        from . import security  # noqa: F401  (connects receivers, registers checks)
