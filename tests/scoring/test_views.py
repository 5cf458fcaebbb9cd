"""Quarter pages, the action register and the forms: who may see and do what, with query counts pinned."""

import pytest
from django.urls import reverse

from campaigns.models import Action
from scoring.models import InspectionScore, QualityEvaluation
from scoring.quarterly import compute_quarter
from scoring.services import publish_quarter

from .conftest import QUARTER


@pytest.fixture
def run(campaign, surveyed):
    return compute_quarter(campaign, QUARTER)


def quarter_url(campaign, name="scoring:quarter_detail"):
    return reverse(name, args=[campaign.slug, QUARTER])


def test_task_force_sees_the_whole_quarter(client_for, task_force, campaign, run, surveyed):
    response = client_for(task_force).get(quarter_url(campaign))
    assert response.status_code == 200
    scores = {s.project_id for s in response.context["page"]}
    assert scores == {p.pk for p in surveyed.values()}
    assert [e.project for e in response.context["black"]] == [surveyed["b"]]
    assert b'id="scoring-chart"' in response.content and b"<script>" not in response.content


def test_township_officer_sees_only_own_projects_scores(client_for, township_a, campaign, run, surveyed):
    response = client_for(township_a).get(quarter_url(campaign))
    assert response.status_code == 200
    assert {s.project_id for s in response.context["page"]} == {surveyed["a"].pk}
    assert list(response.context["black"]) == []  # B's black-listing is another township's
    assert {u.name for u in response.context["units"]} == {"城关街道"}


def test_company_sees_only_its_own_rating_and_projects(client_for, company_y, campaign, run, surveyed):
    response = client_for(company_y).get(quarter_url(campaign))
    assert {s.project_id for s in response.context["page"]} == {surveyed["y"].pk}
    assert {r.company_id for r in response.context["ratings"]} == {surveyed["y"].company_id}
    assert list(response.context["units"]) == []


def test_quarter_export_holds_only_the_viewers_rows(client_for, township_a, campaign, run):
    import io

    from openpyxl import load_workbook

    response = client_for(township_a).get(quarter_url(campaign, "scoring:quarter_export"))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content))["项目得分"]
    names = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert names == ["阳光花园"]


def test_quarter_page_query_count_does_not_grow_with_projects(
    client_for, task_force, campaign, run, django_assert_max_num_queries
):
    client = client_for(task_force)
    with django_assert_max_num_queries(30):
        assert client.get(quarter_url(campaign)).status_code == 200


def test_only_task_force_computes_and_publishes(client_for, township_a, campaign, run):
    client = client_for(township_a)
    assert (
        client.post(reverse("scoring:compute"), {"campaign": campaign.pk, "quarter": QUARTER}).status_code
        == 404
    )
    assert client.post(quarter_url(campaign, "scoring:publish")).status_code == 404
    assert client.get(reverse("scoring:import")).status_code == 404
    assert client.get(reverse("scoring:inspection_new")).status_code == 404
    assert client.get(reverse("scoring:evaluation_new")).status_code == 404
    assert (
        client.post(
            reverse("scoring:publish_month"), {"campaign": campaign.pk, "month": "2024-03"}
        ).status_code
        == 404
    )


def test_task_force_computes_and_publishes_from_the_pages(client_for, task_force, campaign, surveyed):
    client = client_for(task_force)
    response = client.post(reverse("scoring:compute"), {"campaign": campaign.pk, "quarter": "2024-q1"})
    assert response.status_code == 302 and response.url == quarter_url(campaign)
    assert client.post(quarter_url(campaign, "scoring:publish")).status_code == 302
    response = client.post(
        reverse("scoring:compute"), {"campaign": campaign.pk, "quarter": QUARTER}, follow=True
    )
    assert "已公示，不能重新计算" in response.content.decode()


def test_action_list_is_scoped_and_filtered(client_for, township_b, township_a, campaign, run, surveyed):
    response = client_for(township_b).get(reverse("actions:list"), {"kind": "replace_manager"})
    assert [a.project for a in response.context["page"]] == [surveyed["b"]]
    response = client_for(township_a).get(reverse("actions:list"), {"kind": "replace_manager"})
    assert list(response.context["page"]) == []


def test_action_list_query_count_is_pinned(client_for, task_force, run, django_assert_max_num_queries):
    client = client_for(task_force)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("actions:list"))
    assert response.status_code == 200 and len(response.context["page"]) >= 5


def test_foreign_township_cannot_open_an_action(client_for, township_a, run, surveyed):
    action = Action.objects.get(kind="replace_manager", project=surveyed["b"])
    assert client_for(township_a).get(reverse("actions:detail", args=[action.pk])).status_code == 404


def test_task_force_confirms_waives_with_reason_and_completes(client_for, task_force, run, surveyed):
    client = client_for(task_force)
    replace = Action.objects.get(kind="replace_manager")
    exposure = Action.objects.get(kind="media_exposure")
    client.post(reverse("actions:confirm", args=[replace.pk]))
    response = client.post(reverse("actions:waive", args=[exposure.pk]), {"reason": ""}, follow=True)
    assert "必须填写书面理由" in response.content.decode()
    client.post(reverse("actions:waive", args=[exposure.pk]), {"reason": "已整改到位"})
    client.post(reverse("actions:complete", args=[replace.pk]), {"note": "已更换为周五"})
    replace.refresh_from_db()
    exposure.refresh_from_db()
    assert (replace.status, replace.done_note) == ("done", "已更换为周五")
    assert (exposure.status, exposure.reason) == ("waived", "已整改到位")
    page = client.get(reverse("actions:detail", args=[replace.pk]))
    assert page.status_code == 200 and "已办结" in page.content.decode()


def test_township_officer_cannot_decide_an_action_in_own_township(client_for, township_b, run):
    action = Action.objects.get(kind="replace_manager")
    response = client_for(township_b).post(reverse("actions:confirm", args=[action.pk]), follow=True)
    assert "只有专班" in response.content.decode()
    action.refresh_from_db()
    assert action.status == "proposed"


def test_action_export_is_scoped(client_for, township_a, run):
    import io

    from openpyxl import load_workbook

    response = client_for(township_a).get(reverse("actions:export"))
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(min_row=2, values_only=True))
    assert {r[4] for r in rows} <= {"阳光花园", "示范物业服务有限公司"}


def test_confirmed_manager_replacement_completes_when_the_manager_changes(run, task_force, surveyed):
    from campaigns import actions as register
    from orgs.models import Manager

    b = surveyed["b"]
    action = register.confirm(Action.objects.get(kind="replace_manager", project=b), task_force)
    b.manager = Manager.objects.create(name="吴六", company=b.company)
    b.save()
    action.refresh_from_db()
    assert action.status == "done" and "吴六" in action.done_note


def test_unconfirmed_manager_replacement_is_not_completed_by_a_change(run, surveyed):
    from orgs.models import Manager

    b = surveyed["b"]
    b.manager = Manager.objects.create(name="吴六", company=b.company)
    b.save()
    assert Action.objects.get(kind="replace_manager", project=b).status == "proposed"


def test_failed_quality_evaluation_proposes_replacing_the_company(client_for, task_force, campaign, surveyed):
    response = client_for(task_force).post(
        reverse("scoring:evaluation_new"),
        {
            "campaign": campaign.pk,
            "project": surveyed["y"].pk,
            "evaluated_on": "2024-05-10",
            "evaluator": "县住建局",
            "passed": "0",
            "note": "保洁不到位",
        },
    )
    assert response.status_code == 302
    assert QualityEvaluation.objects.get().passed is False
    action = Action.objects.get(kind="replace_company")
    assert action.project == surveyed["y"] and action.period == "2024-Q2"


def test_inspection_score_entered_in_the_app(client_for, task_force, campaign, surveyed):
    client_for(task_force).post(
        reverse("scoring:inspection_new"),
        {"campaign": campaign.pk, "project": surveyed["a"].pk, "quarter": QUARTER, "score": "77.5"},
    )
    assert str(InspectionScore.objects.get(project=surveyed["a"]).score) == "77.50"


def test_project_and_company_pages_show_scoring_history(client_for, task_force, run, surveyed):
    client = client_for(task_force)
    project_page = client.get(reverse("orgs:project_detail", args=[surveyed["b"].pk])).content.decode()
    assert 'data-testid="project-scoring"' in project_page and "黑榜" in project_page
    company_page = client.get(
        reverse("orgs:company_detail", args=[surveyed["b"].company_id])
    ).content.decode()
    assert 'data-testid="company-scoring"' in company_page and "黑名单" in company_page


def test_publishing_twice_is_refused(run, task_force):
    publish_quarter(run, task_force)
    from scoring.quarterly import ScoringError

    with pytest.raises(ScoringError):
        publish_quarter(run, task_force)


def test_home_panel_counts_actions_in_scope(client_for, task_force, township_a, company_y, run):
    page = client_for(task_force).get("/").content.decode()
    assert 'data-testid="panel-actions"' in page and "待确认的整改措施" in page
    # Township A's only action is the quality evaluation of 阳光花园 (its company is blacklisted).
    page = client_for(township_a).get("/").content.decode()
    assert "已确认、待落实的整改措施" in page and "待确认 1" in page
    # Company Y has no action at all: no panel.
    assert 'data-testid="panel-actions"' not in client_for(company_y).get("/").content.decode()


def test_action_api_and_quarter_list_query_counts_are_pinned(
    client_for, task_force, run, django_assert_max_num_queries
):
    client = client_for(task_force)
    with django_assert_max_num_queries(8):
        assert len(client.get("/api/actions/").json()["results"]) >= 5
    with django_assert_max_num_queries(12):
        assert client.get(reverse("scoring:quarter_list")).status_code == 200


def test_score_table_shows_change_from_last_quarter(client_for, task_force, campaign, run, surveyed):
    from .conftest import survey

    for key, value in (("a", 80), ("y", 80), ("b", 40)):
        survey(campaign, surveyed[key], value, quarter="2024-Q2")
    compute_quarter(campaign, "2024-Q2")
    response = client_for(task_force).get(reverse("scoring:quarter_detail", args=[campaign.slug, "2024-Q2"]))
    change = {s.project_id: s.change for s in response.context["page"]}
    assert str(change[surveyed["a"].pk]) == "-7.69"  # 92.31 → 84.62
    assert str(change[surveyed["b"].pk]) == "0.00"


def test_confirmed_quality_evaluation_links_to_the_evaluation_form(client_for, task_force, run, surveyed):
    from campaigns import actions as register

    action = register.confirm(
        Action.objects.get(kind="quality_evaluation", project=surveyed["a"]), task_force
    )
    page = client_for(task_force).get(reverse("actions:detail", args=[action.pk])).content.decode()
    assert f"/scoring/evaluations/new/?project={surveyed['a'].pk}" in page
    form = client_for(task_force).get(reverse("scoring:evaluation_new"), {"project": surveyed["a"].pk})
    assert form.context["form"].initial["project"] == str(surveyed["a"].pk)
