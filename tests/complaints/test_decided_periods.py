"""Decided periods never move (issue 16): a computed month keeps the parameters it was computed with,
a parameter change applies from a stated period on, and a recomputation is previewed before it applies.

SPEC.md: "Each computed month or quarter keeps the parameters it was computed with; a changed parameter
applies from a stated period on and never rewrites a decided one."
"""

from unittest import mock

import pytest
from django.urls import reverse

from campaigns import actions
from campaigns.models import Action, ParameterVersion
from complaints.models import MonthlyRanking, MonthlyRun
from complaints.monthly import compute_month
from complaints.recompute import preview

from .test_monthly import add_complaints


def settings_data(client, campaign, **changes) -> dict:
    form = client.get(reverse("campaigns:campaign_settings", args=[campaign.slug])).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None and k != "complaint_data_since"}
    data["is_active"] = "on"
    data.update(changes)
    return data


def top(month: str) -> set[str]:
    return set(
        MonthlyRanking.objects.filter(month=month, in_top=True).values_list("project__name", flat=True)
    )


def ranking_page(client, campaign, month: str) -> str:
    response = client.get(reverse("complaints:ranking"), {"campaign": campaign.slug, "month": month})
    assert response.status_code == 200
    return response.content.decode()


def test_a_parameter_change_between_two_computed_months_applies_only_from_the_next(
    client_for, task_force, campaign, projects
):
    campaign.ranking_size = 2
    campaign.save()
    for month in ("2024-07", "2024-08"):
        for key, n in (("a", 5), ("b", 4), ("y", 3)):
            add_complaints(projects[key], month, n)
    compute_month(campaign, "2024-07")
    client = client_for(task_force)
    url = reverse("campaigns:campaign_settings", args=[campaign.slug])
    data = settings_data(client, campaign, ranking_size=1)
    assert data["monthly_from"] == "2024-08"  # the default: the next month not yet computed

    assert client.post(url, data).status_code == 302
    versions = ParameterVersion.objects.filter(campaign=campaign, scope="monthly")
    assert {(v.applies_from, v.values["ranking_size"]) for v in versions} == {("", 2), ("2024-08", 1)}
    compute_month(campaign, "2024-07")  # a late recomputation of the decided month
    compute_month(campaign, "2024-08")
    assert top("2024-07") == {"阳光花园", "东湖家园"} and top("2024-08") == {"阳光花园"}
    assert MonthlyRun.objects.get(month="2024-07").params["ranking_size"] == 2
    assert "月度投诉量前 2 名" in ranking_page(client, campaign, "2024-07")
    assert "月度投诉量前 1 名" in ranking_page(client, campaign, "2024-08")


def test_a_change_may_not_start_at_a_computed_month(client_for, task_force, campaign, projects):
    add_complaints(projects["a"], "2024-07", 2)
    compute_month(campaign, "2024-07")
    client = client_for(task_force)
    url = reverse("campaigns:campaign_settings", args=[campaign.slug])
    response = client.post(url, settings_data(client, campaign, ranking_size=40, monthly_from="2024-07"))
    assert response.status_code == 200
    assert "2024-07 已计算" in str(response.context["form"].errors["monthly_from"])
    campaign.refresh_from_db()
    assert campaign.ranking_size == 50 and not ParameterVersion.objects.exists()


def test_a_month_left_uncomputed_before_a_later_start_keeps_the_old_parameters(
    client_for, task_force, campaign, projects
):
    campaign.ranking_size = 2
    campaign.save()
    for month in ("2024-07", "2024-08", "2024-09"):
        for key, n in (("a", 5), ("b", 4)):
            add_complaints(projects[key], month, n)
    compute_month(campaign, "2024-07")
    client = client_for(task_force)
    url = reverse("campaigns:campaign_settings", args=[campaign.slug])
    assert (
        client.post(url, settings_data(client, campaign, ranking_size=1, monthly_from="2024-09")).status_code
        == 302
    )
    compute_month(campaign, "2024-09")  # computes August first, under the parameters in force then
    assert MonthlyRun.objects.get(month="2024-08").params["ranking_size"] == 2
    assert MonthlyRun.objects.get(month="2024-09").params["ranking_size"] == 1
    assert top("2024-08") == {"阳光花园", "东湖家园"} and top("2024-09") == {"阳光花园"}


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"weight_satisfaction": 60}, "weight_satisfaction", "之和须为 100"),
        ({"credit_AA": 95}, "credit_AAA", "依次降低"),
        ({"list_mode": "share", "list_red": 60, "list_black": 50}, "list_red", "不超过 100%"),
        ({"list_mode": "threshold", "list_red_min": 60, "list_black_max": 70}, "list_red_min", "高于黑榜"),
        ({"excellent_share_percent": 150}, "excellent_share_percent", "100"),
        ({"ranking_size": 0}, "ranking_size", "1"),
        ({"monthly_from": "2024-13"}, "monthly_from", "YYYY-MM"),
        ({"quarterly_from": "2024Q3"}, "quarterly_from", "YYYY-Qn"),
    ],
)
def test_parameters_are_typed_and_bad_values_are_refused_with_a_reason(
    client_for, task_force, campaign, changes, field, message
):
    client = client_for(task_force)
    url = reverse("campaigns:campaign_settings", args=[campaign.slug])
    response = client.post(url, settings_data(client, campaign, **changes))
    assert response.status_code == 200
    assert message in str(response.context["form"].errors[field])
    campaign.refresh_from_db()
    assert campaign.score_weights["satisfaction"] == 50 and campaign.list_rule["mode"] == "size"


def test_typed_fields_write_the_rules_the_computations_read(client_for, task_force, campaign):
    client = client_for(task_force)
    url = reverse("campaigns:campaign_settings", args=[campaign.slug])
    form = client.get(url).context["form"]
    assert not {"score_weights", "list_rule", "credit_thresholds"} & set(form.fields)  # no raw JSON
    data = settings_data(
        client, campaign, weight_satisfaction=40, weight_inspection=30, list_mode="threshold",
        list_red_min="85.5", list_black_max=60, credit_AAA=95,
    )  # fmt: skip
    assert client.post(url, data).status_code == 302
    campaign.refresh_from_db()
    assert campaign.score_weights == {
        "satisfaction": 40,
        "inspection": 30,
        "complaints": 15,
        "timeliness": 15,
    }
    assert campaign.list_rule == {"mode": "threshold", "red_min": 85.5, "black_max": 60}
    assert campaign.credit_thresholds == {"AAA": 95, "AA": 80, "A": 70, "B": 60}


def test_a_township_officer_cannot_change_parameters(client_for, township_a, campaign):
    response = client_for(township_a).post(reverse("campaigns:campaign_settings", args=[campaign.slug]), {})
    assert response.status_code in (403, 404)
    assert not ParameterVersion.objects.exists()


def test_recomputing_shows_what_would_change_and_applies_only_when_confirmed(
    client_for, task_force, campaign, projects
):
    campaign.ranking_size = 1
    campaign.save()
    for month in ("2024-07", "2024-08"):
        add_complaints(projects["a"], month, 4)
    compute_month(campaign, "2024-08")
    assert top("2024-08") == {"阳光花园"}
    add_complaints(projects["b"], "2024-08", 9)  # a late import pushes A out of August's top 1
    client = client_for(task_force)
    compute_url = reverse("complaints:compute")
    with mock.patch("complaints.ranking_views.enqueue") as enqueue:
        response = client.post(compute_url, {"campaign": campaign.slug, "month": "2024-08"})
        assert response.status_code == 302 and "recompute" in response.url and not enqueue.called
        page = client.get(response.url).content.decode()
        assert "进入名单：东湖家园（东城街道）" in page and "移出名单：阳光花园（城关街道）" in page
        assert "撤回待确认措施：更换项目经理 · 赵一" in page and "重新计算 2024-08：将发生的变化" in page
        # the preview changed nothing
        assert top("2024-08") == {"阳光花园"} and Action.objects.filter(kind="replace_manager").exists()
        client.post(compute_url, {"campaign": campaign.slug, "month": "2024-08", "confirmed": "1"})
        enqueue.assert_called_once()
        assert enqueue.call_args.args[1:] == (campaign.pk, "2024-08")
    compute_month(campaign, "2024-08")  # what the queued task runs
    assert top("2024-08") == {"东湖家园"} and not Action.objects.filter(kind="replace_manager").exists()


def test_a_decided_action_is_neither_previewed_as_withdrawn_nor_touched(campaign, projects, task_force):
    campaign.ranking_size = 1
    campaign.save()
    for month in ("2024-07", "2024-08"):
        add_complaints(projects["a"], month, 4)
    compute_month(campaign, "2024-08")
    decided = Action.objects.get(kind="replace_manager")
    actions.confirm(decided, task_force)
    add_complaints(projects["b"], "2024-08", 9)
    [change] = preview(campaign, "2024-08")
    assert change.leaving == ["阳光花园（城关街道）"] and change.withdrawn == []
    compute_month(campaign, "2024-08")
    decided.refresh_from_db()
    assert decided.status == "confirmed"


def test_a_recomputation_with_unchanged_data_previews_no_change(campaign, projects):
    add_complaints(projects["a"], "2024-07", 3)
    compute_month(campaign, "2024-07")
    assert preview(campaign, "2024-07") == []
