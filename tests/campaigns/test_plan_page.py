"""A preset is a template: after loading, the task force edits title, 属地, phases, categories and units."""

from datetime import date

import pytest
from django.urls import reverse

from campaigns.models import Category
from campaigns.plan_forms import CategoryFormSet, PhaseFormSet, PlanForm, units_for
from campaigns.preset_loader import load_preset
from orgs.models import Department, Region


@pytest.fixture
def zaozhuang(county):
    return load_preset(
        "zaozhuang-2020", jurisdiction=county.pk, new_slug="zz", start=date(2026, 3, 1)
    ).campaign


def form_data(campaign) -> dict:
    """What the page posts when nothing is changed: every form's current values under its prefix."""
    data = {}
    sets = [
        PlanForm(instance=campaign, regions=Region.objects.all(), prefix="plan"),
        PhaseFormSet(queryset=campaign.phases.order_by("order", "start"), prefix="phase"),
        CategoryFormSet(
            queryset=campaign.categories.all(),
            prefix="cat",
            form_kwargs={"units": units_for(campaign), "campaign": campaign},
        ),
    ]
    for item in sets:
        forms = [item] if isinstance(item, PlanForm) else item.forms
        if not isinstance(item, PlanForm):
            data.update({f"{item.prefix}-{k}": v for k, v in item.management_form.initial.items()})
        for form in forms:
            for name, field in form.fields.items():
                value = form.initial.get(name, field.initial)
                if hasattr(value, "pk"):
                    value = value.pk
                if isinstance(value, list) or name.endswith("_units"):
                    value = [getattr(v, "pk", v) for v in value or []]
                data[form.add_prefix(name)] = "" if value is None else value
    return data


def test_the_task_force_renames_moves_and_retunes_a_loaded_preset(
    client, task_force, zaozhuang, township_a_region
):
    unit = Department.objects.create(region=zaozhuang.jurisdiction, name="县城管局")
    data = form_data(zaozhuang)
    data["plan-title"] = "临河县2026年物业管理整治提升行动"
    first = next(k for k in data if k.startswith("cat-0-code"))
    assert data[first] == "1"
    data["cat-1-lead_units"] = [unit.pk]
    data["phase-0-name"] = "动员部署"
    count = zaozhuang.categories.count()
    data[f"cat-{count}-code"], data[f"cat-{count}-name"] = "1.4", "电动车充电设施不足"
    client.force_login(task_force)

    response = client.post(reverse("campaigns:campaign_plan", args=["zz"]), data)

    assert response.status_code == 302, response.context and [
        f.errors for f in response.context["categories"].forms if f.errors
    ]
    zaozhuang.refresh_from_db()
    assert zaozhuang.title == "临河县2026年物业管理整治提升行动"
    assert zaozhuang.phases.order_by("order").first().name == "动员部署"
    second = zaozhuang.categories.order_by("pk")[1]
    assert list(second.lead_units.all()) == [unit]
    added = Category.objects.get(campaign=zaozhuang, code="1.4")
    assert added.parent.code == "1" and added.order == 4
    codes = list(zaozhuang.categories.values_list("code", flat=True))
    assert codes.index("1.4") == codes.index("1.3") + 1


def test_a_code_already_used_is_refused_in_chinese(client, task_force, zaozhuang):
    data = form_data(zaozhuang)
    data["cat-1-code"] = "1"
    client.force_login(task_force)

    response = client.post(reverse("campaigns:campaign_plan", args=["zz"]), data)

    assert response.status_code == 200
    assert "编号 1 已用于" in response.content.decode()
    assert zaozhuang.categories.filter(code="1").count() == 1


def test_a_phase_may_not_end_before_it_starts(client, task_force, zaozhuang):
    data = form_data(zaozhuang)
    data["phase-0-end"] = "2020-01-01"
    client.force_login(task_force)

    response = client.post(reverse("campaigns:campaign_plan", args=["zz"]), data)

    assert "结束日期不能早于开始日期" in response.content.decode()


def test_only_the_task_force_edits_the_plan(client, township_a, zaozhuang):
    client.force_login(township_a)

    assert client.get(reverse("campaigns:campaign_plan", args=["zz"])).status_code in (403, 404)
