"""Panels on each role's home page ("what that person must do today").

Apps register a panel from their AppConfig.ready(); the home view renders every
panel that applies to the viewer, in order. The panel function gets the request
and returns the template context, or None to stay hidden.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest


@dataclass(frozen=True)
class Panel:
    template: str
    build: Callable[[HttpRequest], dict | None]
    order: int = 100


PANELS: list[Panel] = []


def register_panel(template: str, build: Callable[[HttpRequest], dict | None], order: int = 100) -> None:
    if all(p.template != template for p in PANELS):
        PANELS.append(Panel(template, build, order))
        PANELS.sort(key=lambda p: p.order)


def panels_for(request: HttpRequest) -> list[tuple[str, dict]]:
    rendered = []
    for panel in PANELS:
        context = panel.build(request)
        if context is not None:
            rendered.append((panel.template, context))
    return rendered
