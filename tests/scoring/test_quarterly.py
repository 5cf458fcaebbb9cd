"""The quarterly computation against the database: results, actions, reruns and frozen quarters."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from campaigns import actions as register
from campaigns.models import Action
from ledgers.models import LedgerItem
from orgs.models import Manager, ProjectAssignment
from scoring.models import CompanyBlacklist, CreditRating, ListEntry, ProjectScore, ScoreRun, UnitScore
from scoring.quarterly import ScoringError, compute_quarter
from scoring.services import publish_quarter

from .conftest import QUARTER, survey

SH = ZoneInfo("Asia/Shanghai")


def kinds_for(campaign, **filters):
    return sorted(Action.objects.filter(campaign=campaign, **filters).values_list("kind", flat=True))


def test_quarter_scores_every_project_and_lists_the_worst_as_black(campaign, surveyed):
    run = compute_quarter(campaign, QUARTER)
    assert ProjectScore.objects.filter(run=run).count() == 3
    black = ListEntry.objects.get(run=run, list="black")
    red = ListEntry.objects.get(run=run, list="red")
    assert black.project == surveyed["b"] and black.times == 1
    assert red.project == surveyed["a"]
    b_score = ProjectScore.objects.get(run=run, project=surveyed["b"])
    assert b_score.score == Decimal("53.85")  # (40×50 + 100×15) / 65: weights renormalised
    assert "inspection" in b_score.missing and "timeliness" in b_score.missing


def test_black_listed_project_gets_manager_replacement_and_media_exposure(campaign, surveyed):
    compute_quarter(campaign, QUARTER)
    b = surveyed["b"]
    assert kinds_for(campaign, project=b, period=QUARTER) == [
        "fee_reduction",
        "media_exposure",
        "quality_evaluation",
        "replace_manager",
    ]
    replace = Action.objects.get(kind="replace_manager", project=b)
    assert replace.target_type == "manager" and replace.manager == b.manager
    assert replace.evidence["rank"] == 3 and replace.evidence["black_quarters"] == [QUARTER]


def test_company_with_half_its_projects_black_listed_goes_on_the_blacklist(campaign, surveyed):
    run = compute_quarter(campaign, QUARTER)
    entry = CompanyBlacklist.objects.get(run=run)
    assert entry.company == surveyed["b"].company and (entry.black_projects, entry.served_projects) == (1, 2)
    assert CreditRating.objects.get(run=run, company=entry.company).level == "C"
    evaluated = set(Action.objects.filter(kind="quality_evaluation").values_list("project_id", flat=True))
    assert evaluated == {surveyed["a"].pk, surveyed["b"].pk}
    assert Action.objects.get(kind="company_blacklist").target_id == entry.company_id


def test_second_black_listing_proposes_replacing_the_company(campaign, surveyed):
    compute_quarter(campaign, QUARTER)
    for project, value in (("a", 90), ("y", 80), ("b", 30)):
        survey(campaign, surveyed[project], value, quarter="2024-Q2")
    run = compute_quarter(campaign, "2024-Q2")
    assert ListEntry.objects.get(run=run, list="black").times == 2
    replace = Action.objects.get(kind="replace_company", period="2024-Q2")
    assert replace.project == surveyed["b"] and replace.evidence["black_quarters"] == [QUARTER, "2024-Q2"]
    assert not Action.objects.filter(kind="replace_company", period=QUARTER).exists()


def test_rerun_creates_no_duplicates_and_leaves_decided_actions_alone(campaign, surveyed, task_force):
    run = compute_quarter(campaign, QUARTER)
    before = Action.objects.count()
    confirmed = register.confirm(Action.objects.get(kind="replace_manager"), task_force)
    waived = register.waive(Action.objects.get(kind="media_exposure"), task_force, "已约谈，暂缓曝光")
    survey(campaign, surveyed["a"], 20)  # the data change: now A is worst
    rerun = compute_quarter(campaign, QUARTER)
    assert rerun.pk == run.pk and ScoreRun.objects.count() == 1
    assert ProjectScore.objects.filter(run=run).count() == 3
    confirmed.refresh_from_db()
    waived.refresh_from_db()
    assert (
        confirmed.status == "confirmed" and waived.status == "waived" and waived.reason == "已约谈，暂缓曝光"
    )
    assert ListEntry.objects.get(run=run, list="black").project == surveyed["a"]
    # B's undecided proposals were withdrawn, the decided ones kept; A got its own.
    assert kinds_for(campaign, project=surveyed["b"], kind__in=["replace_manager", "media_exposure"]) == [
        "media_exposure",
        "replace_manager",
    ]
    assert Action.objects.filter(project=surveyed["a"], kind="replace_manager").exists()
    compute_quarter(campaign, QUARTER)
    assert (
        Action.objects.count()
        == Action.objects.values("kind", "target_type", "target_id", "period").distinct().count()
    )
    assert before > 0


def test_parameter_change_after_publication_does_not_alter_the_published_quarter(
    campaign, surveyed, task_force
):
    run = compute_quarter(campaign, QUARTER)
    publish_quarter(run, task_force)
    campaign.list_rule = {"mode": "size", "red": 2, "black": 2}
    campaign.credit_thresholds = {"AAA": 10, "AA": 5, "A": 3, "B": 1}
    campaign.save()
    with pytest.raises(ScoringError, match="已公示"):
        compute_quarter(campaign, QUARTER)
    run.refresh_from_db()
    assert run.params["list_rule"] == {"mode": "size", "red": 1, "black": 1}
    assert ListEntry.objects.filter(run=run, list="black").count() == 1
    y_rating = CreditRating.objects.get(run=run, company=surveyed["y"].company)
    assert y_rating.level == "AA"  # 80 (+ no complaints) under the thresholds in force then


def test_project_counts_for_the_company_that_served_it_most_of_the_quarter(campaign, surveyed, company_y_org):
    b = surveyed["b"]
    ProjectAssignment.objects.filter(project=b).update(end=date(2024, 1, 10))
    newcomer = Manager.objects.create(name="周五", company=company_y_org)
    ProjectAssignment.objects.create(
        project=b, company=company_y_org, manager=newcomer, start=date(2024, 1, 11)
    )
    run = compute_quarter(campaign, QUARTER)
    score = ProjectScore.objects.get(run=run, project=b)
    assert score.company == company_y_org and score.manager == newcomer
    # Y now served 2 projects with 1 black-listed: 1/2 ≥ 1/3
    assert CompanyBlacklist.objects.get(run=run).company == company_y_org


def test_complaints_and_ledger_items_feed_the_score(campaign, surveyed, township_b_region):
    from complaints.models import Complaint

    b = surveyed["b"]
    for i in range(3):
        Complaint.objects.create(
            ticket=f"T{i}",
            received_at=datetime(2024, 2, 1, 9, tzinfo=SH),
            township=township_b_region,
            region_path=b.region_path,
            project=b,
            category="物业收费-质价不符",
        )
    Complaint.objects.create(  # last day of the previous quarter in Shanghai time: not counted
        ticket="T9",
        received_at=datetime(2023, 12, 31, 23, 30, tzinfo=SH),
        township=township_b_region,
        region_path=b.region_path,
        project=b,
    )
    on_time = LedgerItem.objects.create(
        campaign=campaign,
        project=b,
        problem="路灯损坏",
        deadline=date(2024, 3, 1),
        status="closed",
        closed_at=datetime(2024, 3, 1, 18, tzinfo=SH),
    )
    LedgerItem.objects.create(
        campaign=campaign,
        project=b,
        problem="垃圾清运",
        deadline=date(2024, 3, 1),
        status="closed",
        closed_at=datetime(2024, 3, 2, 8, tzinfo=SH),
    )
    LedgerItem.objects.create(campaign=campaign, project=b, problem="消防通道", deadline=date(2024, 4, 2))
    run = compute_quarter(campaign, QUARTER)
    score = ProjectScore.objects.get(run=run, project=b)
    assert score.complaints == 3 and score.price_quality_complaints == 3
    assert score.complaints_per_100 == Decimal("1.00")  # 3 complaints, 300 households
    assert score.timeliness == Decimal("50.00") and on_time.pk
    assert score.missing == ["inspection"]
    town = UnitScore.objects.get(run=run, township=township_b_region)
    assert town.timeliness == Decimal("50.00")


def test_many_price_quality_complaints_propose_fee_reduction(campaign, surveyed, township_a_region):
    from complaints.models import Complaint

    a = surveyed["a"]
    for i in range(3):
        Complaint.objects.create(
            ticket=f"P{i}",
            received_at=datetime(2024, 3, 5, tzinfo=SH),
            township=township_a_region,
            region_path=a.region_path,
            project=a,
            category="质价不符",
        )
    compute_quarter(campaign, QUARTER)
    fee = Action.objects.get(kind="fee_reduction", project=a)
    assert fee.evidence["price_quality_complaints"] == 3 and fee.evidence["on_black_list"] is False


def test_last_township_speaks_at_the_government_then_the_party_committee(
    campaign, surveyed, township_b_region
):
    compute_quarter(campaign, QUARTER)
    last = UnitScore.objects.get(run__quarter=QUARTER, is_last=True)
    assert last.township == township_b_region  # B: (53.85 + 84.62) / 2 below A: 92.31
    assert kinds_for(campaign, township=township_b_region, target_type="township") == ["statement_government"]
    for project, value in (("a", 90), ("y", 80), ("b", 40)):
        survey(campaign, surveyed[project], value, quarter="2024-Q2")
    compute_quarter(campaign, "2024-Q2")
    assert Action.objects.get(period="2024-Q2", target_type="township").kind == "statement_party_committee"


def test_half_year_assessment_feeds_the_next_credit_rating(campaign, surveyed):
    campaign.excellent_share_percent = 50  # 2 companies → 1 may be excellent
    campaign.list_rule = {"mode": "size", "red": 0, "black": 0}
    campaign.save()
    for quarter in ("2024-Q1", "2024-Q2", "2024-Q3"):
        for project, value in (("a", 80), ("y", 70), ("b", 80)):
            survey(campaign, surveyed[project], value, quarter=quarter)
    compute_quarter(campaign, "2024-Q1")
    q2 = compute_quarter(campaign, "2024-Q2")
    x = surveyed["a"].company
    assert q2.company_assessments.get(company=x).excellent
    assert not q2.company_assessments.get(company=surveyed["y"].company).excellent
    q3 = compute_quarter(campaign, "2024-Q3")
    assert CreditRating.objects.get(run=q2, company=x).level == "AA"
    lifted = CreditRating.objects.get(run=q3, company=x)
    assert lifted.level == "AAA" and "优秀" in lifted.reason


def test_rerun_keeps_a_proposal_from_a_failed_quality_evaluation(campaign, surveyed, task_force):
    from scoring.services import record_evaluation

    compute_quarter(campaign, QUARTER)
    record_evaluation(
        campaign,
        surveyed["y"],
        task_force,
        evaluated_on=date(2024, 3, 20),
        evaluator="第三方",
        passed=False,
        note="",
    )
    compute_quarter(campaign, QUARTER)
    assert Action.objects.filter(kind="replace_company", project=surveyed["y"], period=QUARTER).exists()


def test_department_last_on_closing_its_items_on_time_speaks_at_the_government(
    campaign, surveyed, housing_bureau, county
):
    from orgs.models import Department

    market = Department.objects.create(name="县市场监管局", region=county)
    b = surveyed["b"]
    for unit, closed_on in (
        (housing_bureau, datetime(2024, 2, 1, tzinfo=SH)),
        (market, datetime(2024, 3, 9, tzinfo=SH)),
    ):
        LedgerItem.objects.create(
            campaign=campaign,
            project=b,
            problem="电梯故障",
            deadline=date(2024, 3, 1),
            responsible_unit=unit,
            status="closed",
            closed_at=closed_on,
        )
    run = compute_quarter(campaign, QUARTER)
    units = {u.name: u for u in UnitScore.objects.filter(run=run, kind="department")}
    assert units["县住建局"].timeliness == Decimal("100.00") and not units["县住建局"].is_last
    assert units["县市场监管局"].score == Decimal("0.00") and units["县市场监管局"].is_last
    statement = Action.objects.get(target_type="department")
    assert statement.department == market and statement.kind == "statement_government"


def test_a_run_that_fails_halfway_leaves_the_quarter_as_it_was_and_a_rerun_succeeds(
    campaign, surveyed, task_force, client_for, monkeypatch
):
    """Issue 8: the quarter's rows and proposals are switched in one transaction; a worker that
    dies after the new scores are written leaves the previous scores and lists on the page."""
    from django.urls import reverse

    from scoring import quarterly

    compute_quarter(campaign, QUARTER)
    scores = dict(ProjectScore.objects.values_list("project_id", "score"))
    actions_before = kinds_for(campaign, period=QUARTER)
    survey(campaign, surveyed["b"], 100)  # b climbs from the black list to the top
    survey(campaign, surveyed["a"], 10)

    def dies(*args, **kwargs):
        raise RuntimeError("worker killed")

    monkeypatch.setattr(quarterly.Proposer, "propose_all", dies)  # after the scores are written
    with pytest.raises(RuntimeError):
        compute_quarter(campaign, QUARTER)

    assert dict(ProjectScore.objects.values_list("project_id", "score")) == scores
    assert kinds_for(campaign, period=QUARTER) == actions_before
    page = client_for(task_force).get(reverse("scoring:quarter_detail", args=[campaign.slug, QUARTER]))
    assert [e.project for e in page.context["black"]] == [surveyed["b"]]

    monkeypatch.undo()
    run = compute_quarter(campaign, QUARTER)
    assert ListEntry.objects.get(run=run, list="black").project == surveyed["a"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the audit trigger on scores is PostgreSQL's")
def test_a_rerun_rewrites_only_the_scores_that_changed(campaign, surveyed):
    """The audit trigger records every deleted score: a rerun must not delete unchanged ones."""
    run = compute_quarter(campaign, QUARTER)
    ids = dict(ProjectScore.objects.values_list("project_id", "pk"))
    survey(campaign, surveyed["y"], 70)

    compute_quarter(campaign, QUARTER)

    after = dict(ProjectScore.objects.filter(run=run).values_list("project_id", "pk"))
    assert (
        after[surveyed["a"].pk] == ids[surveyed["a"].pk] and after[surveyed["b"].pk] == ids[surveyed["b"].pk]
    )
    assert after[surveyed["y"].pk] != ids[surveyed["y"].pk]
    assert ProjectScore.objects.get(project=surveyed["y"]).satisfaction == Decimal("70.00")
    compute_quarter(campaign, QUARTER)
    assert dict(ProjectScore.objects.filter(run=run).values_list("project_id", "pk")) == after
