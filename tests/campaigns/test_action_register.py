"""The action register at scale (issue 14): bulk decisions, the heavy kinds' confirmation step,
scoping per role, evidence in words and a fixed number of queries per page."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from campaigns import actions as register
from campaigns.models import Action
from orgs.models import Department
from tests.conftest import make_project, make_user

pytestmark = pytest.mark.django_db
Kind, Status = Action.Kind, Action.Status


def streak(n=2, ranks=(3, 7)) -> dict:
    months = ["2026-10", "2026-11"][-n:]
    return {
        "rule": "规则",
        "months": months,
        "counts": [12, 9][-n:],
        "ranks": list(ranks)[-n:],
        "ranking_size": 50,
        "streak": n,
    }


def proposal(
    campaign, project, kind=Kind.REPLACE_MANAGER, period="2026-11", evidence=None, **extra
) -> Action:
    return Action.objects.create(
        campaign=campaign,
        kind=kind,
        period=period,
        target_type=Action.TargetType.PROJECT,
        target_id=project.pk,
        target_name=project.name,
        project=project,
        company=project.company,
        township=project.township,
        region_path=project.region_path,
        rule="本行动方案：连续 2 个月投诉量前 50 名的更换项目经理",
        evidence=streak() if evidence is None else evidence,
        **extra,
    )


def many(campaign, township, company, n: int, prefix="小区") -> list[Action]:
    projects = [make_project(f"{prefix}{i:03d}", township, company) for i in range(n)]
    return [proposal(campaign, p) for p in projects]


def bulk(client, actions, decision="confirm", reason="", token="", next_=""):
    data = {"ids": [a.pk for a in actions], "decision": decision, "reason": reason, "next": next_}
    if token:
        data["token"] = token
    return client.post(reverse("actions:bulk"), data)


def statuses(actions) -> set[str]:
    return set(Action.objects.filter(pk__in=[a.pk for a in actions]).values_list("status", flat=True))


# --- bulk decisions ----------------------------------------------------------------------------


def test_task_force_confirms_sixty_proposals_with_one_post(
    client_for, task_force, campaign, township_a_region, company_x_org
):
    actions = many(campaign, township_a_region, company_x_org, 60)

    response = bulk(client_for(task_force), actions, next_="status=proposed")

    assert response.status_code == 302 and response["Location"].endswith("?status=proposed")
    assert statuses(actions) == {Status.CONFIRMED}
    assert Action.objects.get(pk=actions[0].pk).decided_by == task_force
    assert actions[0].history.count() == 2  # proposed, then confirmed: who and when kept per action


def test_waiving_many_needs_one_written_reason_which_each_keeps(
    client_for, task_force, campaign, project_a, project_b
):
    actions = [proposal(campaign, project_a), proposal(campaign, project_b)]
    client = client_for(task_force)

    refused = bulk(client, actions, "waive", reason="   ")
    assert refused.status_code == 302 and statuses(actions) == {Status.PROPOSED}
    messages = [str(m) for m in refused.wsgi_request._messages]
    assert any("免除措施必须填写书面理由" in m for m in messages)

    bulk(client, actions, "waive", reason="已于11月更换项目经理")
    assert statuses(actions) == {Status.WAIVED}
    assert set(Action.objects.values_list("reason", flat=True)) == {"已于11月更换项目经理"}


def test_one_decided_action_among_the_chosen_refuses_the_whole_batch(
    client_for, task_force, campaign, project_a, project_b
):
    fresh = proposal(campaign, project_a)
    decided = proposal(campaign, project_b, status=Status.WAIVED, reason="旧理由")

    response = bulk(client_for(task_force), [fresh, decided])

    assert response.status_code == 302
    assert statuses([fresh]) == {Status.PROPOSED}
    assert Action.objects.get(pk=decided.pk).reason == "旧理由"


@pytest.mark.parametrize("kind", [Kind.REPLACE_COMPANY, Kind.COMPANY_BLACKLIST, Kind.MEDIA_EXPOSURE])
def test_heavy_kinds_ask_for_a_page_that_names_them_before_confirming(
    client_for, task_force, campaign, project_a, project_b, kind
):
    light = proposal(campaign, project_a)
    heavy = proposal(campaign, project_b, kind=kind)
    client = client_for(task_force)

    page = bulk(client, [light, heavy])

    assert page.status_code == 200
    html = page.content.decode()
    assert project_b.name in html and heavy.get_kind_display() in html and project_a.name in html
    assert statuses([light, heavy]) == {Status.PROPOSED}  # nothing confirmed by the first post
    token = page.context["token"]

    done = bulk(client, [light, heavy], token=token)
    assert done.status_code == 302 and statuses([light, heavy]) == {Status.CONFIRMED}


def test_a_confirmation_token_for_other_actions_or_users_or_a_forged_one_is_refused(
    client_for, task_force, campaign, project_a, project_b, county
):
    first = proposal(campaign, project_a, kind=Kind.MEDIA_EXPOSURE)
    second = proposal(campaign, project_b, kind=Kind.MEDIA_EXPOSURE)
    other = make_user("tf2", "task_force", region=county)
    shown_first = register.confirmation_token(task_force, [first])
    shown_to_other = register.confirmation_token(other, [first, second])

    for token in (shown_first, shown_to_other, "forged:token"):
        response = bulk(client_for(task_force), [first, second], token=token)
        assert response.status_code == 200  # the confirmation page again, not a decision
    assert statuses([first, second]) == {Status.PROPOSED}
    with pytest.raises(register.ActionError, match="确认页核对"):
        register.decide_many([first, second], task_force, "confirm", token=shown_first)


def test_the_single_confirm_of_a_heavy_kind_is_refused_without_the_step(
    client_for, task_force, campaign, project_a
):
    heavy = proposal(campaign, project_a, kind=Kind.REPLACE_COMPANY)

    response = client_for(task_force).post(reverse("actions:confirm", args=[heavy.pk]), follow=True)

    assert "确认页核对" in response.content.decode()
    assert statuses([heavy]) == {Status.PROPOSED}
    detail = client_for(task_force).get(reverse("actions:detail", args=[heavy.pk])).content.decode()
    assert reverse("actions:bulk") in detail  # the page's button goes through the confirmation step


def test_the_api_confirms_a_heavy_kind_on_the_second_post_with_the_token_it_returned(
    client_for, task_force, campaign, project_a
):
    heavy = proposal(campaign, project_a, kind=Kind.COMPANY_BLACKLIST)
    client = client_for(task_force)

    first = client.post(f"/api/actions/{heavy.pk}/confirm/")
    assert first.status_code == 400 and statuses([heavy]) == {Status.PROPOSED}
    second = client.post(
        f"/api/actions/{heavy.pk}/confirm/",
        {"confirmation": first.json()["confirmation"]},
        content_type="application/json",
    )
    assert second.status_code == 200 and statuses([heavy]) == {Status.CONFIRMED}


# --- scoping -------------------------------------------------------------------------------------


def test_a_township_cannot_decide_any_proposal_and_not_another_townships_even_by_id(
    client_for, township_a, campaign, project_a, project_b
):
    own, foreign = proposal(campaign, project_a), proposal(campaign, project_b)

    for chosen in ([own], [foreign], [own, foreign]):
        response = bulk(client_for(township_a), chosen, "waive", reason="理由")
        assert response.status_code == 302
    assert statuses([own, foreign]) == {Status.PROPOSED}
    page = client_for(township_a).get(reverse("actions:list")).content.decode()
    assert project_a.name in page and project_b.name not in page
    assert client_for(township_a).get(reverse("actions:detail", args=[foreign.pk])).status_code == 404


def test_a_company_sees_only_the_proposals_about_itself(
    client_for, company_x, campaign, project_a, project_y
):
    own, foreign = proposal(campaign, project_a), proposal(campaign, project_y)

    page = client_for(company_x).get(reverse("actions:list")).content.decode()

    assert project_a.name in page and project_y.name not in page
    assert 'name="ids"' not in page  # nothing to tick: a company does not decide
    assert client_for(company_x).get(reverse("actions:detail", args=[foreign.pk])).status_code == 404
    assert client_for(company_x).get(reverse("actions:detail", args=[own.pk])).status_code == 200


def test_a_department_sees_only_the_actions_aimed_at_it(
    client_for, county, campaign, project_a, housing_bureau, department
):
    on_project = proposal(campaign, project_a)
    other = Department.objects.create(name="县城管局", region=county)
    for unit in (housing_bureau, other):
        Action.objects.create(
            campaign=campaign, kind=Kind.STATEMENT_GOVERNMENT, period="2026-Q3", target_type="department",
            target_id=unit.pk, target_name=unit.name, department=unit, region_path=county.path, rule="规则",
            evidence={"quarter": "2026-Q3", "score": "61.5", "rank": 12, "of": 12, "last_quarters": ["2026-Q3"]},
        )  # fmt: skip

    visible = list(Action.objects.visible_to(department))

    assert [a.target_name for a in visible] == [housing_bureau.name]
    assert client_for(department).get(reverse("actions:detail", args=[on_project.pk])).status_code == 404


# --- evidence in words ---------------------------------------------------------------------------

RAW_KEYS = re.compile(
    r"\b(ranks|ranking_size|black_project_ids|last_year_counts|rises|months|streak|quarter)\b"
)


def test_the_register_and_the_action_show_evidence_in_words(
    client_for, task_force, campaign, project_a, project_b, company_x_org
):
    monthly = proposal(campaign, project_a)
    blacklist = Action.objects.create(
        campaign=campaign, kind=Kind.COMPANY_BLACKLIST, period="2026-Q3", target_type="company",
        target_id=company_x_org.pk, target_name=company_x_org.name, company=company_x_org,
        region_path=campaign.jurisdiction.path, rule="规则",
        evidence={"quarter": "2026-Q3", "black_projects": 2, "served_projects": 2, "share": "1/3",
                  "black_project_ids": [project_a.pk, project_b.pk]},
    )  # fmt: skip
    client = client_for(task_force)

    page = client.get(reverse("actions:list")).content.decode()
    detail = client.get(reverse("actions:detail", args=[monthly.pk])).content.decode()
    black = client.get(reverse("actions:detail", args=[blacklist.pk])).content.decode()

    assert "2026年10月 第3名（12件）、2026年11月 第7名（9件）（前50名）" in page
    assert "2026年10月 第3名" in detail and "连续 2 个月" in detail
    assert f"{project_a.name}、{project_b.name}" in black and "2026年第三季度" in black
    assert "黑榜项目编号" not in black
    for html in (page, detail, black):
        evidence = " ".join(re.findall(r'data-testid="evidence">(.*?)</(?:td|dl)>', html, re.S))
        assert evidence and not RAW_KEYS.search(evidence), evidence


# --- filters, pages and queries ------------------------------------------------------------------


def test_filters_by_kind_status_period_township_and_company(
    client_for, task_force, campaign, project_a, project_b, project_y
):
    a = proposal(campaign, project_a)
    b = proposal(campaign, project_b, kind=Kind.MEDIA_EXPOSURE, period="2026-Q3")
    y = proposal(campaign, project_y, status=Status.CONFIRMED)
    client = client_for(task_force)

    def listed(**query) -> set[int]:
        return {action.pk for action, _evidence in client.get(reverse("actions:list"), query).context["rows"]}

    assert listed(kind=Kind.MEDIA_EXPOSURE) == {b.pk}
    assert listed(status=Status.CONFIRMED) == {y.pk}
    assert listed(period="2026-Q3") == {b.pk}
    assert listed(township=project_a.township_id) == {a.pk}
    assert listed(company=project_y.company_id) == {y.pk}


def test_the_register_pages_to_page_two_with_plain_links(
    client_for, task_force, campaign, township_a_region, company_x_org
):
    many(campaign, township_a_region, company_x_org, 60)
    client = client_for(task_force)

    first = client.get(reverse("actions:list"), {"status": "proposed"}).content.decode()
    assert "??" not in first and 'href="?status=proposed&amp;page=2"' in first
    second = client.get(reverse("actions:list"), {"status": "proposed", "page": 2})
    assert len(second.context["rows"]) == 10


@pytest.mark.parametrize("n", [5, 50])
def test_the_register_page_costs_the_same_queries_for_5_and_50_rows(
    client_for, task_force, campaign, township_a_region, company_x_org, project_b, n
):
    many(campaign, township_a_region, company_x_org, n)
    Action.objects.create(
        campaign=campaign, kind=Kind.COMPANY_BLACKLIST, period="2026-Q3", target_type="company",
        target_id=company_x_org.pk, target_name=company_x_org.name, company=company_x_org,
        region_path=campaign.jurisdiction.path, rule="规则",
        evidence={"quarter": "2026-Q3", "black_projects": 1, "served_projects": 3, "share": "1/3",
                  "black_project_ids": [project_b.pk]},
    )  # fmt: skip
    client = client_for(task_force)
    client.get(reverse("actions:list"))  # warm the session and the content types

    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("actions:list"))

    assert response.status_code == 200
    assert len(queries) == 10, [q["sql"][:90] for q in queries]


def test_a_township_reads_its_projects_evaluation_without_other_townships_project_names(
    client_for, township_a, campaign, project_a, project_b
):
    """Found by the access matrix: naming every black-listed project told township A about B's."""
    evaluation = proposal(
        campaign,
        project_a,
        kind=Kind.QUALITY_EVALUATION,
        period="2026-Q3",
        evidence={"quarter": "2026-Q3", "black_projects": 2, "served_projects": 2, "share": "1/3",
                  "black_project_ids": [project_a.pk, project_b.pk], "company": project_a.company.name},
    )  # fmt: skip

    page = client_for(township_a).get(reverse("actions:detail", args=[evaluation.pk])).content.decode()

    assert f"{project_a.name}、其他 1 个项目" in page and project_b.name not in page
