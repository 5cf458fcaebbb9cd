"""Select boxes drawn in Python instead of through Django's widget templates.

Django renders a <select> as one template plus one template include per <option>, each with an
include of the attributes template: on the ledger list (11 selects, ~100 options) that was a
quarter of the page's CPU time. The context is Django's own (get_context: choices, the selected
option, `required`, ids), only the drawing of it is done here, with the same escaping.
"""

from functools import cache

from django import forms
from django.forms.utils import flatatt
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe


def _option(option: dict) -> str:
    attrs = option["attrs"]
    # Nearly every option has no attribute or only `selected`: flatatt would make two joins for each.
    extra = "" if not attrs else " selected" if attrs == {"selected": True} else flatatt(attrs)
    return f'<option value="{escape(option["value"])}"{extra}>{escape(option["label"])}</option>'


class QuickSelectMixin:
    def _render(self, template_name, context, renderer=None):
        widget = context["widget"]
        # Django's optgroups puts each option outside a group in a "group" of its own.
        parts = []
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                inner = mark_safe("\n  ".join(_option(o) for o in options))  # nosec B308 B703  # escaped by _option
                parts.append(format_html('<optgroup label="{}">\n  {}\n  </optgroup>', group_name, inner))
            else:
                parts.extend(_option(o) for o in options)
        body = mark_safe("".join(f"\n  {part}" for part in parts))  # nosec B308 B703  # each part escaped
        return format_html(
            '<select name="{}"{}>{}\n</select>', widget["name"], flatatt(widget["attrs"]), body
        )


@cache
def _quick_class(widget_class: type) -> type:
    return type(f"Quick{widget_class.__name__}", (QuickSelectMixin, widget_class), {})


def draw_quickly(widget: forms.Widget) -> None:
    """Give a Select (or a subclass: NullBooleanSelect, SelectMultiple) the Python drawing above."""
    if isinstance(widget, forms.Select) and not isinstance(widget, QuickSelectMixin):
        widget.__class__ = _quick_class(type(widget))
