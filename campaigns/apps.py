from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    name = "campaigns"
    verbose_name = "整治行动"

    def ready(self) -> None:
        from orgs.context_processors import register_nav
        from orgs.demo import DEMO_STEPS

        from . import panels

        register_nav(_("行动与进度"), "campaigns:campaign_list", menu=_("整治行动"))
        register_nav(
            _("双随机抽查"), "campaigns:inspection_list", {"task_force", "department"}, menu=_("整治行动")
        )
        if "campaigns.demo.populate" not in DEMO_STEPS:
            DEMO_STEPS.append("campaigns.demo.populate")
        panels.register()
