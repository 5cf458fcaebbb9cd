from django.apps import AppConfig


class ScoringConfig(AppConfig):
    name = "scoring"
    verbose_name = "考核评价"

    def ready(self) -> None:
        from . import signals  # noqa: F401 - connects the manager-change hook
