"""Small per-row pieces of the ledger list, as filters: an {% include %} per row costs more than the row."""

from django import template
from django.utils.html import format_html

from orgs.templatetags.choices import label

register = template.Library()

BADGE_COLOURS = {"closed": "success", "submitted": "info", "withdrawn": "secondary"}


@register.filter
def status_badge(item) -> str:
    """The item's status as a coloured badge (open statuses other than 已提交 in warning yellow)."""
    return format_html(
        '<span class="badge text-bg-{}">{}</span>',
        BADGE_COLOURS.get(item.status, "warning"),
        label(item, "status"),
    )
