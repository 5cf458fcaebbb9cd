from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

EVERY_ROLE = {"task_force", "township", "department", "company", "admin"}


class ScoringConfig(AppConfig):
    name = "scoring"
    verbose_name = "考核评价"

    def ready(self) -> None:
        from campaigns import action_rules
        from campaigns import action_sources as sources
        from orgs.context_processors import register_nav
        from orgs.demo import DEMO_STEPS
        from orgs.home import register_panel

        from . import panels, signals  # noqa: F401 - signals connects the manager-change hook
        from .action_sources import evaluation_sources, quarterly_sources

        sources.register(action_rules.QUARTERLY, quarterly_sources)
        sources.register(action_rules.EVALUATION, evaluation_sources)

        register_nav(_("季度考核"), "scoring:quarter_list", EVERY_ROLE, menu=_("考核"))
        register_nav(_("整改措施"), "actions:list", EVERY_ROLE, menu=_("考核"))
        register_panel("scoring/panel.html", panels.actions_panel, order=30)
        # After campaigns, ledgers and complaints (INSTALLED_APPS order), so their demo data is scored.
        if "scoring.demo.populate" not in DEMO_STEPS:
            DEMO_STEPS.append("scoring.demo.populate")
