from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "complaints"
    verbose_name = "12345诉求"

    def ready(self) -> None:
        from campaigns import action_rules, action_sources
        from orgs.context_processors import register_nav
        from orgs.demo import DEMO_STEPS
        from orgs.home import register_panel

        from .action_sources import monthly_sources
        from .panels import complaints_panel

        action_sources.register(action_rules.MONTHLY, monthly_sources)

        register_nav(_("诉求列表"), "complaints:list", menu=_("诉求"))
        register_nav(_("月度排名"), "complaints:ranking", menu=_("诉求"))
        register_nav(
            _("二维码海报"),
            "residents:posters",
            {"task_force", "township", "company", "admin"},
            menu=_("诉求"),
        )
        register_panel("complaints/panel.html", complaints_panel, order=40)
        # After the campaign's step (INSTALLED_APPS order), so the demo month can be computed.
        if "complaints.demo.populate" not in DEMO_STEPS:
            DEMO_STEPS.append("complaints.demo.populate")
        if "complaints.resident_demo.populate" not in DEMO_STEPS:
            DEMO_STEPS.append("complaints.resident_demo.populate")
