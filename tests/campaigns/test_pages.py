"""Campaign pages: timeline, categories with their units, progress per category and township."""

from datetime import date

import pytest
from django.urls import reverse

from campaigns import progress, timeline
from campaigns.models import Campaign
from orgs.models import Region


def by_label(tallies):
    return {t.label: (t.found, t.closed, t.overdue) for t in tallies}


def test_progress_per_category_matches_the_hand_count(yishui, counted, task_force, frozen_today):
    areas = by_label(progress.by_category(yishui, task_force, frozen_today))

    assert areas["3 物业服务方面存在的问题"] == (4, 1, 2)
    assert areas["2 物业监管机制落实不到位问题"] == (1, 1, 0)
    assert areas["1 基层党组织作用发挥不到位问题"] == (0, 0, 0)
    service = next(
        t
        for t in progress.by_category(yishui, task_force, frozen_today)
        if t.key and t.label.startswith("3 ")
    )
    assert by_label(service.children)["3.1 物业服务质量方面"] == (2, 1, 1)
    assert service.closure_rate == 25


def test_progress_per_township_matches_the_hand_count(yishui, counted, task_force, frozen_today):
    assert by_label(progress.by_township(yishui, task_force, frozen_today)) == {
        "城关街道": (3, 1, 1),
        "东城街道": (2, 1, 1),
    }


def test_a_township_officer_sees_only_their_own_figures(yishui, counted, township_a, frozen_today):
    assert by_label(progress.by_township(yishui, township_a, frozen_today)) == {"城关街道": (3, 1, 1)}
    total = progress.totals(progress.by_category(yishui, township_a, frozen_today))
    assert (total.found, total.closed, total.overdue) == (3, 1, 1)


def test_campaign_page_shows_timeline_units_progress_and_task_force(
    yishui, counted, task_force, client_for, frozen_today, django_assert_max_num_queries
):
    client = client_for(task_force)
    with django_assert_max_num_queries(25):
        response = client.get(reverse("campaigns:campaign_detail", args=[yishui.slug]))

    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="today-marker"' in page
    assert "县公安局、县住建局、县消防大队" in page or "县住建局、县公安局、县消防大队" in page
    assert "电梯管理保障组" in page and "王海滨" in page
    assert 'id="campaign-chart-townships"' in page
    assert "<script>" not in page, "no inline scripts under the CSP"
    township_row = (
        '<tr data-township="城关街道"><td>城关街道</td><td class="text-end">3</td><td class="text-end">1</td>'
    )
    assert township_row in page


def test_the_page_costs_the_same_number_of_queries_with_more_items(
    yishui, counted, projects, task_force, client_for, django_assert_max_num_queries
):
    from tests.campaigns.conftest import log

    client = client_for(task_force)
    url = reverse("campaigns:campaign_detail", args=[yishui.slug])
    client.get(url)
    for n in range(20):
        log(yishui, projects["a" if n % 2 else "y"], "4.1", f"问题{n}")
    with django_assert_max_num_queries(25):
        assert client.get(url).status_code == 200


def test_timeline_marks_today_inside_the_current_phase(yishui):
    line = timeline.build(list(yishui.phases.all()), date(2024, 9, 1))

    current = [bar.phase.name for bar in line.bars if bar.is_current]
    assert current == ["集中整治阶段"]
    assert 0 < line.today_at < 100
    assert [bar.is_past for bar in line.bars] == [True, False, False, False]


def test_a_campaign_of_another_county_is_not_found(client_for, township_a):
    elsewhere = Region.objects.create(name="别县", level=Region.Level.DISTRICT)
    other = Campaign.objects.create(slug="other", title="别县整治", jurisdiction=elsewhere)

    client = client_for(township_a)
    assert client.get(reverse("campaigns:campaign_detail", args=[other.slug])).status_code == 404
    assert "别县整治" not in client.get(reverse("campaigns:campaign_list")).content.decode()


def test_task_force_edits_parameters_and_a_township_may_not(yishui, task_force, township_a, client_for):
    url = reverse("campaigns:campaign_settings", args=[yishui.slug])
    assert client_for(township_a).get(url).status_code == 403

    client = client_for(task_force)
    form = client.get(url).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(ranking_size=30, report_due_day=3, list_mode="size", list_red=5, list_black=5)
    data["is_active"] = "on"
    response = client.post(url, data)

    assert response.status_code == 302
    yishui.refresh_from_db()
    assert (yishui.ranking_size, yishui.report_due_day, yishui.list_rule["red"]) == (30, 3, 5)
    data["report_due_day"] = 31
    assert "report_due_day" in client.post(url, data).context["form"].errors


def test_task_force_loads_a_preset_from_the_page_and_a_township_may_not(
    county, task_force, township_a, client_for
):
    url = reverse("campaigns:preset_list")
    assert client_for(township_a).get(url).status_code == 403

    response = client_for(task_force).post(
        url, {"preset": "changshu-2025", "jurisdiction": county.pk, "slug": "cs", "start": "2026-03-02"}
    )

    assert response.status_code == 302
    campaign = Campaign.objects.get(slug="cs")
    assert campaign.jurisdiction == county and campaign.categories.count() == 29
    assert campaign.phases.order_by("order").first().start == date(2026, 3, 2)


def test_loading_a_preset_from_the_page_asks_for_the_start_date(county, task_force, client_for):
    response = client_for(task_force).post(
        reverse("campaigns:preset_list"), {"preset": "changshu-2025", "jurisdiction": county.pk, "slug": "cs"}
    )

    assert response.status_code == 200
    assert "开始日期" in response.content.decode()
    assert not Campaign.objects.filter(slug="cs").exists()


def test_a_task_force_cannot_load_a_preset_into_a_region_outside_its_own(task_force, client_for):
    elsewhere = Region.objects.create(name="别县", level=Region.Level.DISTRICT)

    response = client_for(task_force).post(
        reverse("campaigns:preset_list"), {"preset": "yishui-2024", "jurisdiction": elsewhere.pk}
    )

    assert response.status_code == 200
    assert not Campaign.objects.filter(jurisdiction=elsewhere).exists()


@pytest.mark.parametrize("role", ["task_force", "township_a", "company_x"])
def test_api_lists_campaigns_and_categories_within_scope(role, request, yishui, client_for):
    elsewhere = Region.objects.create(name="别县", level=Region.Level.DISTRICT)
    Campaign.objects.create(slug="other", title="别县整治", jurisdiction=elsewhere)
    request.getfixturevalue("projects")
    client = client_for(request.getfixturevalue(role))

    campaigns = client.get("/api/campaigns/").json()["results"]
    categories = client.get("/api/campaign-categories/", {"campaign": "ys", "top_level": "true"}).json()

    assert [c["slug"] for c in campaigns] == ["ys"]
    assert categories["count"] == 5
    assert client.get("/api/campaigns/other/").status_code == 404


def test_the_admin_site_shows_rule_parameters_but_does_not_edit_them(client_for, admin_user, yishui):
    """Only the settings page changes them, stating from which period (campaigns.parameters)."""
    response = client_for(admin_user).get(reverse("admin:campaigns_campaign_change", args=[yishui.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert (
        "月度排名通报数" in page and 'name="ranking_size"' not in page and 'name="score_weights"' not in page
    )
    assert 'name="title"' in page
