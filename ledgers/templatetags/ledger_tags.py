"""Per-row pieces of the ledger list, drawn in Python.

The list shows 50 rows of 10 cells; in the template language each row cost ~0.2 ms (a variable
lookup, an escape and a localisation per value, a tag per condition), a third of the page's CPU
time. `item_row` draws the same cells with one format_html per row.
"""

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from orgs.templatetags.choices import label

register = template.Library()

BADGE_COLOURS = {"closed": "success", "submitted": "info", "withdrawn": "secondary"}
NONE = "—"
# On a phone the row is a card (static/css/app.css .ledger-table): the cell-* classes place its cells.
ROW = (
    "<tr>{}"
    '<td class="text-nowrap cell-ref"><a href="{}">{}</a><div class="d-md-none">{}</div></td>'
    '<td class="d-none d-md-table-cell">{}{}</td>'
    '<td class="cell-problem">{}{}<div class="small text-muted d-md-none">{}</div></td>'
    '<td class="d-none d-md-table-cell small">{}</td>'
    '<td class="text-nowrap cell-deadline"><span class="d-md-none small text-muted">期限 </span>{}{}</td>'
    '<td class="d-none d-md-table-cell">{}</td>'
    '<td class="d-none d-lg-table-cell small">{}</td>'
    '<td class="d-none d-lg-table-cell small">{}</td>'
    '<td class="d-none d-lg-table-cell small">{}</td></tr>'
)


@register.filter
def status_badge(item) -> str:
    """The item's status as a coloured badge (open statuses other than 已提交 in warning yellow)."""
    return format_html(
        '<span class="badge text-bg-{}">{}</span>',
        BADGE_COLOURS.get(item.status, "warning"),
        label(item, "status"),
    )


@register.simple_tag
def item_row(item, today, bulk_form) -> str:
    """One row: [bulk checkbox], 编号 (linked, status on phones), 项目, 问题, 类别, 期限 (overdue badge),
    状态, 企业, 镇街, 责任单位 — the cells the template drew before."""
    project, badge = item.project, status_badge(item)
    deadline = item.deadline
    return format_html(
        ROW,
        format_html(
            '<td class="no-print cell-check"><input class="form-check-input" type="checkbox" name="items" value="{}"'
            ' form="bulk" aria-label="{}"></td>',
            item.pk,
            item.reference,
        )
        if bulk_form
        else "",
        reverse("ledgers:item_detail", args=[item.pk]),
        item.reference,
        badge,
        project.name,
        format_html('<div class="small text-muted">{}</div>', project.community) if project.community else "",
        Truncator(item.problem).chars(60),
        format_html(' <span class="badge text-bg-danger">{}</span>', label(item, "escalation_level"))
        if item.escalation_level
        else "",
        project.name,
        item.category.name if item.category else NONE,
        f"{deadline.year}年{deadline.month}月{deadline.day}日" if deadline else NONE,
        format_html(' <span class="badge text-bg-danger">{}</span>', _("逾期"))
        if item.is_overdue_on(today)
        else "",
        badge,
        (item.company.name if item.company else "") or NONE,
        item.township.name,
        item.responsible_unit.name if item.responsible_unit else NONE,
    )
