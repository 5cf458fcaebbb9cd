"""Categories are listed in the plan's order everywhere: 1, 1.1, 1.2, 2 … 10, not 1, 1.1, 2.1 or 1, 10, 2."""

import re

from django.urls import reverse

from campaigns.models import Category
from campaigns.preset_loader import load_preset


def natural(code: str) -> tuple[int, ...]:
    return tuple(int(part) for part in code.split("."))


def test_a_plans_categories_come_area_by_area(county):
    campaign = load_preset("yishui-2024", jurisdiction=county.pk, new_slug="ys").campaign

    codes = list(Category.objects.filter(campaign=campaign).values_list("code", flat=True))

    assert codes[:8] == ["1", "1.1", "1.2", "1.3", "1.4", "1.5", "2", "2.1"]
    assert codes == sorted(codes, key=natural)


def test_areas_numbered_past_nine_follow_nine(county):
    campaign = load_preset("rongcheng-2021", jurisdiction=county.pk, new_slug="rc").campaign

    codes = list(Category.objects.filter(campaign=campaign).values_list("code", flat=True))

    assert codes == ["一", "1", "2", "3", "4", "二", *map(str, range(5, 12)), "三", *map(str, range(12, 17))]


def test_the_ledger_filter_lists_categories_in_the_plans_order(client, task_force, county):
    campaign = load_preset("wuchuan-2023", jurisdiction=county.pk, new_slug="wc").campaign
    client.force_login(task_force)

    body = client.get(reverse("ledgers:item_list")).content.decode()

    select = body[body.index('name="category"') :]
    select = select[: select.index("</select>")]
    shown = re.findall(r">(\d+(?:\.\d+)?) ", select)
    assert shown == list(Category.objects.filter(campaign=campaign).values_list("code", flat=True))
    assert shown.index("1.2") < shown.index("2") < shown.index("2.1")
