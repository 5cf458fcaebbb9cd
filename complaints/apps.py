from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "complaints"
    verbose_name = "12345诉求"

    def ready(self) -> None:
        from orgs.context_processors import register_nav
        from orgs.demo import DEMO_STEPS

        register_nav(_("诉求"), "complaints:list")
        register_nav(_("月度排名"), "complaints:ranking")
        # After the campaign's step (INSTALLED_APPS order), so the demo month can be computed.
        if "complaints.demo.populate" not in DEMO_STEPS:
            DEMO_STEPS.append("complaints.demo.populate")
