"""Rows of the monthly ranking page, drawn in Python.

The page shows 50 ranked projects and 30 actions; in the template language each row cost ~0.1–0.2 ms
(a lookup, an escape and a localisation per value, a tag per condition), a third of the page's CPU
time. These draw the same cells with one format_html per row.
"""

from django import template
from django.urls import reverse
from django.utils.html import format_html

from orgs.templatetags.choices import label

register = template.Library()

NONE = "—"
ACTION_BADGES = {"proposed": "warning", "waived": "secondary"}


def _signed(change: int) -> str:
    if change > 0:
        return format_html('<span class="text-danger">+{}</span>', change)
    if change < 0:
        return format_html('<span class="text-success">{}</span>', change)
    return "0"


@register.simple_tag
def ranking_row(row, list_url: str, month: str) -> str:
    """名次, project (linked to its complaints of the month), 镇街, company, manager, count, change, streak."""
    streak = (
        format_html('<span class="badge text-bg-danger">{}</span>', row.streak)
        if row.streak >= 2
        else row.streak
    )
    return format_html(
        '<tr><td class="text-end">{}</td><td><a href="{}?project={}&month={}">{}</a></td><td>{}</td>'
        '<td class="d-none d-md-table-cell">{}</td><td class="d-none d-md-table-cell">{}</td>'
        '<td class="text-end">{}</td><td class="text-end">{}</td><td class="text-end">{}</td></tr>',
        row.rank,
        list_url,
        row.project_id,
        month,
        row.project.name,
        row.township.name,
        (row.company.name if row.company else "") or NONE,
        (row.manager.name if row.manager else "") or NONE,
        row.count,
        _signed(row.change),
        streak,
    )


@register.simple_tag
def action_row(action) -> str:
    """措施 (linked), 对象, 依据 with the months and counts behind it, 状态."""
    evidence = action.evidence or {}
    # Joined before escaping: "、" is no markup, so escaping the whole equals joining the escaped parts.
    basis = (
        format_html(
            '<br><span class="text-muted">{}：{} 件</span>',
            "、".join(map(str, evidence["months"])),
            "、".join(map(str, evidence.get("counts", []))),
        )
        if evidence.get("months")
        else ""
    )
    return format_html(
        '<tr><td><a href="{}">{}</a></td><td>{}</td><td>{}{}</td>'
        '<td><span class="badge text-bg-{}">{}</span></td></tr>',
        reverse("actions:detail", args=[action.pk]),
        label(action, "kind"),
        action.target_name,
        action.rule,
        basis,
        ACTION_BADGES.get(action.status, "success"),
        label(action, "status"),
    )
