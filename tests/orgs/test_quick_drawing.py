"""Selects drawn in Python and choice labels read from a dict: the same output as Django's own."""

import re

import pytest
from django import forms

from ledgers.models import LedgerItem
from orgs.models import User
from orgs.templatetags.choices import label
from orgs.widgets import QuickSelectMixin, draw_quickly


def _tags(html: str) -> list[str]:
    """The elements with their attributes in a fixed order, whitespace between elements ignored."""
    tags = []
    for tag in re.findall(r"<[^>]+>|[^<]+", html):
        text = tag.strip()
        if text.startswith("<") and " " in text:
            name, rest = text[1:-1].split(" ", 1)
            text = f"<{name} {' '.join(sorted(re.findall(r'[\\w-]+(?:=\"[^\"]*\")?', rest)))}>"
        if text:
            tags.append(text)
    return tags


class Choices(forms.Form):
    kind = forms.ChoiceField(choices=[("", "全部"), ("a", "甲 <b>"), ("b", "乙")])
    grouped = forms.ChoiceField(required=False, choices=[("组一", [("1", "一"), ("2", "二")]), ("3", "三")])
    flag = forms.NullBooleanField(required=False)
    many = forms.MultipleChoiceField(required=False, choices=[("x", "X"), ("y", "Y")])


@pytest.mark.parametrize("data", [{}, {"kind": "a", "grouped": "2", "flag": "true", "many": ["x", "y"]}])
def test_a_quickly_drawn_select_has_the_elements_django_draws(data):
    plain, quick = Choices(data or None), Choices(data or None)
    for field in quick.fields.values():
        draw_quickly(field.widget)
    assert isinstance(quick.fields["kind"].widget, QuickSelectMixin)
    for name in plain.fields:
        assert _tags(str(quick[name])) == _tags(str(plain[name])), name


def test_the_label_filter_gives_what_get_display_gives_also_for_an_unknown_value():
    item = LedgerItem(status="in_progress", escalation_level="")
    assert label(item, "status") == item.get_status_display()
    assert label(item, "escalation_level") == item.get_escalation_level_display()
    assert label(User(role="township"), "role") == User(role="township").get_role_display()
    item.status = "not-a-status"
    assert label(item, "status") == "not-a-status"
