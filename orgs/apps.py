from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgsConfig(AppConfig):
    name = "orgs"
    verbose_name = "组织与项目"

    def ready(self) -> None:
        from .context_processors import register_nav

        # The admin's day (issue 14): people, the imports and Django's own admin site, one menu away.
        officials = {"task_force", "admin"}
        register_nav(_("用户管理"), "orgs:user_list", {"admin"}, menu=_("系统"))
        register_nav(_("导入项目台账"), "orgs:import_projects", officials, menu=_("系统"))
        register_nav(_("导入12345诉求"), "complaints:import", officials, menu=_("系统"))
        register_nav(_("管理后台"), "admin:index", {"admin"}, menu=_("系统"))
        from . import api_tokens  # noqa: F401  (connects: a new password revokes the API tokens)
