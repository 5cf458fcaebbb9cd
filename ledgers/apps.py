from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LedgersConfig(AppConfig):
    name = "ledgers"
    verbose_name = "整治台账"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created
        from django.db.models.signals import post_migrate

        from orgs.context_processors import register_nav

        from . import audit

        connection_created.connect(audit.register_sqlite_function, dispatch_uid="audit_sqlite_function")
        post_migrate.connect(audit.reinstall_after_migrate, sender=self, dispatch_uid="audit_triggers")
        from orgs.home import register_panel

        from .report_panels import reporting_panel

        register_nav(_("整治台账"), "ledgers:item_list", menu=_("台账"))
        register_nav(_("整改通知书"), "ledgers:order_list", menu=_("台账"))
        register_nav(
            _("通报"),
            "ledgers:bulletin_list",
            {"task_force", "township", "department", "admin"},
            menu=_("台账"),
        )
        register_nav(_("月报"), "ledgers:report_list", {"task_force", "township", "admin"}, menu=_("台账"))
        register_panel("ledgers/reports/panel.html", reporting_panel, order=50)
