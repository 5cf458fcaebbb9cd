"""双随机一公开 (seed 001): reproducible draws, verification, immutability, pool filters, visits that
feed the ledger and the quarterly 督查得分, scoping, and the public page."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import NoReverseMatch, reverse

from campaigns import inspection_workflow as flow
from campaigns import inspections
from campaigns.inspection_models import InspectionDraw
from ledgers.models import LedgerItem
from orgs.models import User
from scoring.models import CreditRating, InspectionScore, ScoreRun
from scoring.periods import Quarter
from tests.conftest import make_user

POOL = list(range(1, 41))
PEOPLE = list(range(100, 112))


def test_same_seed_and_pool_give_the_same_draw_whatever_the_pool_order():
    first = inspections.draw("2026-11-23|8421|ab12", POOL, PEOPLE, 5, 2)
    again = inspections.draw("2026-11-23|8421|ab12", list(reversed(POOL)), PEOPLE[::-1], 5, 2)
    assert first == again
    assert len(first.project_ids) == 5 and len(first.inspector_ids) == 2


def test_a_different_seed_gives_a_different_draw():
    one = inspections.draw("2026-11-23|8421|ab12", POOL, PEOPLE, 5, 2)
    other = inspections.draw("2026-11-23|8422|ab12", POOL, PEOPLE, 5, 2)
    assert one.project_ids != other.project_ids


def test_the_documented_algorithm_reproduces_the_draw():
    import hashlib
    import random

    seed = inspections.combine_seed(date(2026, 11, 23), " 8421 ", "ab12")
    assert seed == "2026-11-23|8421|ab12"
    rng = random.Random(int(hashlib.sha256(seed.encode("utf-8")).hexdigest(), 16))
    expected = sorted(rng.sample(POOL, 5)), sorted(rng.sample(PEOPLE, 2))
    result = inspections.draw(seed, POOL, PEOPLE, 5, 2)
    assert (result.project_ids, result.inspector_ids) == expected


@pytest.mark.parametrize(
    ("n", "m", "message"),
    [(41, 1, "项目池只有 40 个项目"), (1, 13, "人员池只有 12 人"), (0, 1, "至少为 1")],
)
def test_a_draw_larger_than_its_pool_is_refused(n, m, message):
    with pytest.raises(inspections.DrawError, match=message):
        inspections.draw("s", POOL, PEOPLE, n, m)


@pytest.mark.parametrize(
    ("level", "kept"), [("AAA", False), ("AA", False), ("A", True), ("C", True), (None, True)]
)
def test_green_channel_spares_only_companies_rated_aa_and_above(level, kept):
    ratings = {7: level} if level else {}
    assert (1 in inspections.outside_green_channel({1: 7, 2: None}, ratings)) is kept


@pytest.fixture
def inspector(county, housing_bureau):
    return make_user("ivan", User.Role.DEPARTMENT, region=county, department=housing_bureau)


def _draw(campaign, user, people, pool=None, n=1, m=1, **kwargs):
    return flow.make_draw(
        campaign,
        user,
        title="第一次专项督查",
        pool=pool or flow.PoolFilter(),
        inspector_ids=[p.pk for p in people],
        project_count=n,
        inspector_count=m,
        typed="8421",
        **kwargs,
    )


@pytest.fixture
def full_draw(campaign, projects, task_force, department, inspector):
    return _draw(campaign, task_force, [task_force, department, inspector], n=3, m=2)


def test_a_draw_records_its_pool_snapshot_and_verifies(full_draw, projects):
    assert full_draw.project_pool == sorted(p.pk for p in projects.values())
    assert full_draw.drawn_projects == full_draw.project_pool
    assert flow.verify(full_draw).ok
    assert [p["unit"] for p in full_draw.inspectors_public] != []


def test_verify_draw_command_recomputes_and_reports_a_tampered_row(full_draw, capsys):
    call_command("verify_draw", str(full_draw.pk))
    assert "核对一致" in capsys.readouterr().out
    InspectionDraw.objects.filter(pk=full_draw.pk).update(drawn_inspectors=[0, -1])
    with pytest.raises(CommandError, match="重算的抽中人员与记录不一致"):
        call_command("verify_draw", str(full_draw.pk))


def test_a_saved_draw_cannot_be_changed(full_draw):
    full_draw.seed_typed = "1"
    with pytest.raises(ValidationError):
        full_draw.save()


def test_there_is_no_edit_or_redo_endpoint():
    for name in ("draw_edit", "draw_redo", "draw_delete"):
        with pytest.raises(NoReverseMatch):
            reverse(f"campaigns:{name}", kwargs={"pk": 1})


def test_a_second_draw_is_a_new_record_that_names_the_one_it_replaces(
    full_draw, campaign, task_force, inspector
):
    with pytest.raises(flow.WorkflowError, match="理由"):
        _draw(campaign, task_force, [inspector], supersedes=full_draw)
    second = _draw(campaign, task_force, [inspector], supersedes=full_draw, reason="检查人员回避")
    full_draw.refresh_from_db()
    assert second.pk != full_draw.pk and full_draw.is_superseded
    assert full_draw.superseded_by.supersede_reason == "检查人员回避"
    assert InspectionDraw.objects.count() == 2


def test_pool_filters_spare_aa_companies_and_narrow_by_township(
    campaign, projects, company_x_org, township_b_region, task_force
):
    run = ScoreRun.objects.create(campaign=campaign, quarter="2026-Q3")
    CreditRating.objects.create(run=run, company=company_x_org, level="AA", score=85, projects=2)
    assert flow.project_pool(campaign, flow.PoolFilter(spare_good_credit=True)) == [projects["y"].pk]
    by_township = flow.project_pool(campaign, flow.PoolFilter(township_id=township_b_region.pk))
    assert by_township == sorted([projects["b"].pk, projects["y"].pk])


def test_only_the_task_force_draws(campaign, projects, township_a, inspector):
    with pytest.raises(flow.WorkflowError):
        _draw(campaign, township_a, [inspector])


def _visit(draw, project, user, findings=(), score="80", day=date(2026, 11, 20)):
    return flow.record_visit(
        draw,
        project,
        user,
        visited_on=day,
        inspector_ids=draw.drawn_inspectors,
        checklist=[{"code": "1", "text": "台账", "answer": "不符合"}],
        score=Decimal(score),
        findings=list(findings),
    )


def test_findings_become_supervision_ledger_items_linked_from_the_visit(full_draw, projects, task_force):
    finding = flow.Finding("消防通道堆放杂物", None, date(2026, 12, 20))
    visit = _visit(full_draw, projects["a"], task_force, [finding])
    item = LedgerItem.objects.get(pk=visit.findings[0]["item_id"])
    assert item.source == LedgerItem.Source.SUPERVISION
    assert item.deadline == date(2026, 12, 20)
    assert item.source_ref == f"inspection:{visit.pk}:1"
    assert item.project == projects["a"]


def test_visit_score_feeds_the_quarter_as_the_average_of_its_visits(
    full_draw, campaign, projects, task_force, inspector
):
    _visit(full_draw, projects["a"], task_force, score="70")
    score = InspectionScore.objects.get(campaign=campaign, project=projects["a"])
    assert (score.quarter, score.score) == ("2026-Q4", Decimal("70.00"))
    second = _draw(campaign, task_force, [inspector], flow.PoolFilter(township_id=projects["a"].township_id))
    _visit(second, projects["a"], task_force, score="90", day=date(2026, 12, 1))
    score.refresh_from_db()
    assert score.score == Decimal("80.00")
    assert Quarter.parse(score.quarter) == Quarter.containing(date(2026, 12, 1))


def test_a_project_is_visited_once_per_draw_and_only_if_drawn(
    full_draw, campaign, projects, task_force, inspector
):
    _visit(full_draw, projects["a"], task_force)
    with pytest.raises(flow.WorkflowError, match="已录入"):
        _visit(full_draw, projects["a"], task_force)
    narrow = _draw(campaign, task_force, [inspector], flow.PoolFilter(township_id=projects["a"].township_id))
    with pytest.raises(flow.WorkflowError, match="不在本次抽中名单"):
        _visit(narrow, projects["b"], task_force)


def test_townships_see_visits_in_their_township_and_no_draws(
    full_draw, projects, task_force, township_a, client_for
):
    visit_a = _visit(full_draw, projects["a"], task_force)
    visit_b = _visit(full_draw, projects["b"], task_force)
    client = client_for(township_a)
    assert client.get(reverse("campaigns:visit_detail", args=[visit_a.pk])).status_code == 200
    assert client.get(reverse("campaigns:visit_detail", args=[visit_b.pk])).status_code == 404
    assert client.get(reverse("campaigns:draw_detail", args=[full_draw.pk])).status_code == 404
    page = client.get(reverse("campaigns:inspection_list"))
    assert list(page.context["visits"]) == [visit_a]
    assert list(page.context["draws"]) == []


def test_companies_see_their_visits_only_after_publication(full_draw, projects, task_force, company_y):
    visit_y = _visit(full_draw, projects["y"], task_force)
    _visit(full_draw, projects["a"], task_force)
    assert list(flow.InspectionVisit.objects.visible_to(company_y)) == []
    flow.publish(full_draw, task_force)
    assert list(flow.InspectionVisit.objects.visible_to(company_y)) == [visit_y]


def test_public_page_lists_only_published_draws_without_login(
    full_draw, campaign, projects, task_force, client
):
    _visit(full_draw, projects["a"], task_force, [flow.Finding("绿化缺株", None, date(2026, 12, 1))])
    detail = reverse("campaigns:inspection_public_detail", args=[full_draw.pk])
    assert client.get(detail).status_code == 404
    assert full_draw.seed not in client.get(reverse("campaigns:inspection_public_list")).content.decode()
    flow.publish(full_draw, task_force)
    page = client.get(detail).content.decode()
    assert full_draw.seed in page and "阳光花园" in page and "按种子和抽取池重算，结果一致" in page
    assert all(p["name"] in page and p["unit"] in page for p in full_draw.inspectors_public)
    assert "抽取人" not in page
    assert client.get(reverse("campaigns:inspection_public_list")).status_code == 200


def test_task_force_draws_through_the_page(campaign, projects, task_force, inspector, client_for):
    client = client_for(task_force)
    response = client.post(
        reverse("campaigns:draw_new", args=[campaign.slug]),
        {
            "title": "十月督查",
            "service_standard": "*",
            "inspectors": [inspector.pk],
            "project_count": 2,
            "inspector_count": 1,
            "typed": "307",
        },
    )
    draw = InspectionDraw.objects.get()
    assert response.status_code == 302 and draw.seed_typed == "307" and len(draw.drawn_projects) == 2


def test_draw_list_query_count_is_pinned(
    full_draw, campaign, projects, task_force, inspector, client_for, django_assert_max_num_queries
):
    previous = full_draw
    for _ in range(3):
        previous = _draw(campaign, task_force, [inspector], supersedes=previous, reason="回避")
        other = _draw(campaign, task_force, [inspector])
        _visit(other, flow.Project.objects.get(pk=other.drawn_projects[0]), task_force)
    client = client_for(task_force)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("campaigns:inspection_list")).status_code == 200


def test_a_drawn_inspector_records_a_visit_with_a_finding_through_the_page(
    campaign, projects, task_force, inspector, client_for
):
    full_draw = _draw(campaign, task_force, [inspector], n=3)
    client = client_for(inspector)
    url = reverse("campaigns:visit_new", args=[full_draw.pk, projects["b"].pk])
    assert client.get(url).status_code == 200
    answers = {f"q{q['code']}": "符合" for q in flow.load_checklist()["questions"]}
    form = {
        "visited_on": "2026-11-20",
        "score": "88.5",
        "inspectors": full_draw.drawn_inspectors,
        "form-TOTAL_FORMS": "3",
        "form-INITIAL_FORMS": "0",
        "form-0-problem": "楼道堆物",
        "form-0-deadline": "",
    }
    assert client.post(url, {**form, **answers}).status_code == 200  # a finding needs a deadline
    assert not flow.InspectionVisit.objects.exists()
    response = client.post(url, {**form, **answers, "form-0-deadline": "2026-12-31"})
    assert response.status_code == 302
    visit = flow.InspectionVisit.objects.get()
    assert visit.score == Decimal("88.5") and visit.problem_count == 1
    assert client.get(reverse("campaigns:draw_detail", args=[full_draw.pk])).status_code == 200


def test_admin_reads_draws_but_cannot_change_them(full_draw, admin_user, client_for):
    client = client_for(admin_user)
    assert client.get(reverse("admin:campaigns_inspectiondraw_changelist")).status_code == 200
    change = client.post(reverse("admin:campaigns_inspectiondraw_change", args=[full_draw.pk]), {"seed": "x"})
    assert change.status_code == 403
    full_draw.refresh_from_db()
    assert full_draw.seed.endswith(full_draw.seed_server)


def test_a_draw_already_visited_cannot_be_superseded(full_draw, campaign, projects, task_force, inspector):
    _visit(full_draw, projects["a"], task_force)
    with pytest.raises(flow.WorkflowError, match="已有检查记录"):
        _draw(campaign, task_force, [inspector], supersedes=full_draw, reason="重抽")
    assert InspectionDraw.objects.count() == 1


def test_only_drawn_inspectors_or_the_task_force_record_and_companies_never_open_a_draw(
    campaign, projects, task_force, department, inspector, company_x, client_for
):
    draw = _draw(campaign, task_force, [inspector], n=3)
    url = reverse("campaigns:visit_new", args=[draw.pk, projects["a"].pk])
    assert client_for(department).get(url).status_code == 403
    with pytest.raises(flow.WorkflowError, match="抽中的检查人员"):
        _visit(draw, projects["a"], department)
    assert client_for(company_x).get(reverse("campaigns:draw_detail", args=[draw.pk])).status_code == 404
    assert client_for(company_x).post(reverse("campaigns:draw_publish", args=[draw.pk])).status_code == 404
    draw.refresh_from_db()
    assert draw.published_at is None
