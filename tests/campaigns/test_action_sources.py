"""Every consequence explains itself (issue 16): one click from an action to the rows it rests on,
and a printable 告知书 that quotes the seed, states the figures and how to object."""

from datetime import datetime

import pytest
from django.urls import reverse

from campaigns.models import Action
from complaints.models import Complaint
from complaints.monthly import compute_month
from complaints.rules import SHANGHAI
from scoring.quarterly import compute_quarter
from tests.scoring.conftest import QUARTER, survey

pytestmark = pytest.mark.django_db


def complaint(project, ticket: str, when: datetime, category: str) -> Complaint:
    return Complaint.objects.create(
        ticket=ticket,
        received_at=when,
        township=project.township,
        region_path=project.region_path,
        project=project,
        match_state="matched",
        category=category,
        content="电梯长期故障无人维修",
    )


@pytest.fixture
def streak_action(campaign, projects):
    campaign.ranking_size = 1
    campaign.save()
    complaint(projects["a"], "SD2024070100012", datetime(2024, 7, 3, 9, 30, tzinfo=SHANGHAI), "电梯维修")
    complaint(projects["a"], "SD2024080100345", datetime(2024, 8, 31, 23, 50, tzinfo=SHANGHAI), "环境卫生")
    compute_month(campaign, "2024-08")
    return Action.objects.get(campaign=campaign, period="2024-08", kind=Action.Kind.REPLACE_MANAGER)


@pytest.fixture
def surveyed(campaign, projects):
    """A: 90, Y: 80, B: 40 — B is the quarter's black list; company X serves A and B (1/2 ≥ 1/3)."""
    campaign.list_rule = {"mode": "size", "red": 1, "black": 1}
    campaign.save()
    for key, value in (("a", 90), ("y", 80), ("b", 40)):
        survey(campaign, projects[key], value)
    return projects


def test_a_monthly_streak_lists_its_rankings_and_every_complaint_that_counted(
    client_for, task_force, streak_action
):
    client = client_for(task_force)
    detail = client.get(reverse("actions:detail", args=[streak_action.pk])).content.decode()
    assert reverse("actions:sources", args=[streak_action.pk]) in detail  # one click away

    page = client.get(reverse("actions:sources", args=[streak_action.pk])).content.decode()

    for words in ("2024年7月", "2024年8月", "第1名", "SD2024070100012", "2024-07-03 09:30", "电梯维修"):
        assert words in page
    assert "SD2024080100345" in page and "2024-08-31 23:50" in page  # Shanghai time, last evening of August


def test_a_company_sees_the_sources_of_its_own_action_but_not_anothers(
    client_for, company_x, company_y, streak_action
):
    assert client_for(company_x).get(reverse("actions:sources", args=[streak_action.pk])).status_code == 200
    assert client_for(company_y).get(reverse("actions:sources", args=[streak_action.pk])).status_code == 404
    assert client_for(company_y).get(reverse("actions:notice", args=[streak_action.pk])).status_code == 404


def test_a_company_blacklisting_lists_the_projects_behind_it_by_name(
    client_for, task_force, campaign, surveyed
):
    compute_quarter(campaign, QUARTER)
    blacklisting = Action.objects.get(kind=Action.Kind.COMPANY_BLACKLIST)

    page = client_for(task_force).get(reverse("actions:sources", args=[blacklisting.pk])).content.decode()

    rows = page.split("企业服务项目", 1)[1]
    assert surveyed["a"].name in rows and surveyed["b"].name in rows
    assert surveyed["y"].name not in rows  # served by another company
    assert "黑榜项目编号" not in page


def test_a_black_listed_projects_media_exposure_lists_its_scores_and_list_positions(
    client_for, task_force, campaign, surveyed
):
    compute_quarter(campaign, QUARTER)
    exposure = Action.objects.get(kind=Action.Kind.MEDIA_EXPOSURE)

    page = client_for(task_force).get(reverse("actions:sources", args=[exposure.pk])).content.decode()

    assert "2024年第一季度" in page and "40.00" in page and "53.85" in page
    assert "黑榜" in page and "第3名" in page  # last of three: on the black list


def test_the_notice_quotes_the_seed_states_the_figures_and_the_campaigns_objection_period(
    client_for, task_force, campaign, streak_action
):
    campaign.objection_working_days = 7
    campaign.preset = "zaozhuang-2020"
    campaign.save()

    page = client_for(task_force).get(reverse("actions:notice", args=[streak_action.pk])).content.decode()

    assert "关于更换项目经理的告知书" in page
    assert "连续 2 个月前 50 名的更换项目经理" in page  # the seed's sentence
    assert "枣庄方案" in page
    assert "2024年7月 第1名（1件）、2024年8月 第1名（1件）（前1名）" in page
    assert "7 个工作日内" in page and "SD2024070100012" in page
    assert "css/ledgers-print.css" in page  # @page A4 portrait
