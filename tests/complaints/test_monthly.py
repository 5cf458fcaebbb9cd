"""The monthly computation against the database: rankings, streak actions, township rules, reruns."""

from datetime import date, datetime

import pytest
from django.core.management import call_command

from campaigns import actions
from campaigns.models import Action
from complaints import monthly
from complaints.models import Complaint, MonthlyRanking, MonthlyRun, TownshipMonth
from complaints.monthly import compute_month
from complaints.rules import SHANGHAI
from orgs.models import Manager, ProjectAssignment
from tests.conftest import make_project

_seq = iter(range(1, 10**9))


def add_complaints(project, month: str, n: int, township=None, matched: bool = True):
    year, mon = (int(p) for p in month.split("-"))
    township = township or project.township
    Complaint.objects.bulk_create(
        Complaint(
            ticket=f"C{next(_seq)}",
            received_at=datetime(year, mon, 1 + i % 28, 10, tzinfo=SHANGHAI),
            township=township,
            region_path=project.region_path if matched else township.path,
            project=project if matched else None,
            match_state="matched" if matched else "unmatched",
        )
        for i in range(n)
    )


@pytest.fixture
def small_campaign(campaign):
    """Top 1 so that one project with the most complaints is 'in the top N'."""
    campaign.ranking_size = 1
    campaign.save()
    return campaign


def kinds(campaign, period, project_only=False):
    found = Action.objects.filter(campaign=campaign, period=period)
    if project_only:
        found = found.filter(kind__in=["replace_manager", "replace_company"])
    return sorted(found.values_list("kind", "target_name"))


def test_the_month_ranks_projects_with_ties_and_leaves_out_projects_without_complaints(campaign, projects):
    add_complaints(projects["a"], "2024-07", 5)
    add_complaints(projects["b"], "2024-07", 5)
    run = compute_month(campaign, "2024-07")
    rows = {r.project_id: r for r in MonthlyRanking.objects.filter(run=run)}
    assert {(rows[p.pk].rank, rows[p.pk].count) for p in (projects["a"], projects["b"])} == {(1, 5)}
    assert projects["y"].pk not in rows
    assert rows[projects["a"].pk].company == projects["a"].company


@pytest.mark.parametrize(
    ("counts", "size", "expected"),
    [
        # ties share a rank, the next rank skips (1, 2, 2, 4)
        ({1: 9, 2: 5, 3: 5, 4: 1}, 50, [(1, 1, True), (2, 2, True), (3, 2, True), (4, 4, True)]),
        # a tie straddling the edge: all tied at rank 2 are in the top 2, the next is out
        (
            {1: 9, 2: 5, 3: 5, 4: 5, 5: 1},
            2,
            [(1, 1, True), (2, 2, True), (3, 2, True), (4, 2, True), (5, 5, False)],
        ),
        # rank exactly N is in ("前50名" includes the 50th)
        ({1: 3, 2: 2, 3: 1}, 2, [(1, 1, True), (2, 2, True), (3, 3, False)]),
        # a project with no complaint in the month is never ranked, though it had some the month before
        ({1: 0, 2: 4}, 50, [(2, 1, True)]),
        # an empty month ranks nobody
        ({1: 0}, 50, []),
    ],
)
def test_the_ranking_shares_ranks_on_ties_and_keeps_the_edge_inclusive(
    campaign, township_a_region, company_x_org, counts, size, expected
):
    campaign.ranking_size = size
    campaign.save()
    numbered = {i: make_project(f"小区{i}", township_a_region, company_x_org) for i in counts}
    for i, n in counts.items():
        add_complaints(numbered[i], "2024-06", 1)  # June is computed too: its counts sit beside July's
        add_complaints(numbered[i], "2024-07", n)
    compute_month(campaign, "2024-07")
    number = {p.pk: i for i, p in numbered.items()}
    rows = MonthlyRanking.objects.filter(month="2024-07").order_by("rank", "project_id")
    assert [(number[r.project_id], r.rank, r.in_top) for r in rows] == expected


def test_a_three_way_tie_straddling_rank_50_puts_all_three_in_the_top_50(
    campaign, township_a_region, company_x_org
):
    counts = {i: 60 - i for i in range(1, 49)}  # 48 projects with distinct counts
    counts.update({49: 10, 50: 10, 51: 10, 52: 9})  # three tied at 49, then rank 52
    for i, n in counts.items():
        add_complaints(make_project(f"小区{i}", township_a_region, company_x_org), "2024-07", n)
    compute_month(campaign, "2024-07")
    rows = {
        r.count: (r.rank, r.in_top) for r in MonthlyRanking.objects.filter(month="2024-07", count__lte=10)
    }
    assert rows == {10: (49, True), 9: (52, False)}
    assert MonthlyRanking.objects.filter(month="2024-07", in_top=True).count() == 51


@pytest.mark.parametrize(
    ("months_in_top", "expected_streaks"),
    [
        ([True, True, True, True], [1, 2, 3, 4]),
        ([True, True, False, True, True], [1, 2, 0, 1, 2]),
        ([False, True], [0, 1]),
    ],
)
def test_the_streak_counts_the_months_in_the_top_in_a_row_up_to_this_one(
    small_campaign, projects, months_in_top, expected_streaks
):
    months = [f"2024-{m:02d}" for m in range(7, 7 + len(months_in_top))]
    for month, in_top in zip(months, months_in_top, strict=True):
        add_complaints(projects["a"], month, 4 if in_top else 1)
        add_complaints(projects["b"], month, 1 if in_top else 4)
    compute_month(small_campaign, months[-1])
    ranking = MonthlyRanking.objects.filter(project=projects["a"]).order_by("month")
    assert list(ranking.values_list("streak", flat=True)) == expected_streaks


def test_a_campaign_without_any_complaint_computes_an_empty_month(campaign, projects):
    run = compute_month(campaign, "2024-07")
    assert (run.total_complaints, run.matched_complaints, run.ranked_projects, run.ytd_count) == (0, 0, 0, 0)
    assert not MonthlyRanking.objects.exists()
    assert set(TownshipMonth.objects.values_list("count", "is_up")) == {(0, False)}


def test_a_month_without_complaints_breaks_the_streak(small_campaign, projects):
    add_complaints(projects["a"], "2024-07", 4)
    add_complaints(projects["b"], "2024-08", 4)  # A has no complaint, hence no row, in August
    add_complaints(projects["a"], "2024-09", 4)
    compute_month(small_campaign, "2024-09")
    assert MonthlyRanking.objects.get(month="2024-09", project=projects["a"]).streak == 1
    assert not Action.objects.filter(kind="replace_manager").exists()


def test_the_ranking_names_who_served_the_project_on_the_months_last_day(campaign, projects, company_y_org):
    a, b, y = projects["a"], projects["b"], projects["y"]
    newcomer = Manager.objects.create(name="周新", company=company_y_org)
    # Two spells cover 31 July: the one that started later is the one serving.
    ProjectAssignment.objects.create(
        project=a, company=company_y_org, manager=newcomer, start=date(2024, 7, 15)
    )
    # B's only spell ended the day before: B is judged against its own company and manager.
    ProjectAssignment.objects.filter(project=b).update(manager=newcomer, end=date(2024, 7, 30))
    # Y's spell names no manager: the pair is the spell's, not Y's own manager filling the gap.
    ProjectAssignment.objects.filter(project=y).update(manager=None)
    for project in (a, b, y):
        add_complaints(project, "2024-07", 1)
    compute_month(campaign, "2024-07")
    rows = MonthlyRanking.objects.values_list("project_id", "company_id", "manager_id")
    served = {project_id: (company_id, manager_id) for project_id, company_id, manager_id in rows}
    assert served == {
        a.pk: (company_y_org.pk, newcomer.pk),
        b.pk: (b.company_id, b.manager_id),
        y.pk: (y.company_id, None),
    }


def test_complaints_count_by_shanghai_time_at_the_month_edge(campaign, projects):
    # 2024-07-31 23:30 in Shanghai is 15:30 UTC: July, not August
    Complaint.objects.create(
        ticket="EDGE", received_at=datetime(2024, 7, 31, 23, 30, tzinfo=SHANGHAI), township=projects["a"].township,
        region_path=projects["a"].region_path, project=projects["a"], match_state="matched",
    )  # fmt: skip
    assert MonthlyRanking.objects.filter(run=compute_month(campaign, "2024-07")).count() == 1
    assert MonthlyRanking.objects.filter(run=compute_month(campaign, "2024-08")).count() == 0


def test_two_months_in_the_top_proposes_replacing_the_manager_serving_that_month(small_campaign, projects):
    project = projects["a"]
    new_manager = Manager.objects.create(name="周新", company=project.company)
    ProjectAssignment.objects.filter(project=project).update(end=date(2024, 7, 31))
    ProjectAssignment.objects.create(
        project=project, company=project.company, manager=new_manager, start=date(2024, 8, 1)
    )
    add_complaints(project, "2024-07", 4)
    add_complaints(project, "2024-08", 3)
    compute_month(small_campaign, "2024-08")  # computes July first: the streak needs it
    assert kinds(small_campaign, "2024-07", project_only=True) == []
    action = Action.objects.get(campaign=small_campaign, period="2024-08", kind="replace_manager")
    assert (action.kind, action.target_type, action.manager) == ("replace_manager", "manager", new_manager)
    assert action.evidence["months"] == ["2024-07", "2024-08"]
    assert action.evidence["counts"] == [4, 3] and action.evidence["ranks"] == [1, 1]


def test_a_month_and_the_history_it_needed_are_stored_together_or_not_at_all(
    small_campaign, projects, monkeypatch
):
    add_complaints(projects["a"], "2024-07", 4)
    add_complaints(projects["a"], "2024-08", 3)
    propose = monthly._propose_all

    def fail_in_august(campaign, month, found):
        if month == "2024-08":
            raise RuntimeError("数据库连接中断")
        return propose(campaign, month, found)

    monkeypatch.setattr(monthly, "_propose_all", fail_in_august)
    with pytest.raises(RuntimeError):
        compute_month(small_campaign, "2024-08")  # July is computed first, then August fails
    assert not MonthlyRun.objects.exists() and not MonthlyRanking.objects.exists()
    monkeypatch.setattr(monthly, "_propose_all", propose)
    compute_month(small_campaign, "2024-08")
    assert list(MonthlyRun.objects.order_by("month").values_list("month", flat=True)) == [
        "2024-07",
        "2024-08",
    ]


def test_three_months_propose_replacing_the_company_and_a_fourth_proposes_nothing_new(
    small_campaign, projects
):
    for month in ("2024-07", "2024-08", "2024-09", "2024-10"):
        add_complaints(projects["a"], month, 4)
    compute_month(small_campaign, "2024-10")
    assert kinds(small_campaign, "2024-09", project_only=True) == [("replace_company", "阳光花园")]
    assert kinds(small_campaign, "2024-10", project_only=True) == []
    assert MonthlyRanking.objects.get(month="2024-10", project=projects["a"]).streak == 4


def test_a_broken_streak_that_starts_again_proposes_again(small_campaign, projects):
    for month, n_a, n_b in (
        ("2024-07", 4, 1),
        ("2024-08", 4, 1),
        ("2024-09", 1, 4),
        ("2024-10", 4, 1),
        ("2024-11", 4, 1),
    ):
        add_complaints(projects["a"], month, n_a)
        add_complaints(projects["b"], month, n_b)
    compute_month(small_campaign, "2024-11")
    manager_actions = Action.objects.filter(kind="replace_manager", project=projects["a"])
    assert sorted(manager_actions.values_list("period", flat=True)) == ["2024-08", "2024-11"]


def test_a_rerun_gives_the_same_ranking_and_no_duplicate_actions_and_keeps_decisions(
    small_campaign, projects, task_force
):
    for month in ("2024-07", "2024-08"):
        add_complaints(projects["a"], month, 4)
    for month in ("2023-07", "2023-08"):
        add_complaints(projects["b"], month, 1)
    compute_month(small_campaign, "2024-08")
    before = list(
        MonthlyRanking.objects.filter(month="2024-08").values_list("project_id", "rank", "count", "streak")
    )
    confirmed = Action.objects.get(period="2024-08", kind="replace_manager")
    actions.confirm(confirmed, task_force)
    waived = Action.objects.get(period="2024-08", kind="work_reminder")
    actions.waive(waived, task_force, "已约谈，情况属实")
    count = Action.objects.count()

    compute_month(small_campaign, "2024-08")
    after = list(
        MonthlyRanking.objects.filter(month="2024-08").values_list("project_id", "rank", "count", "streak")
    )
    assert before == after and Action.objects.count() == count
    confirmed.refresh_from_db()
    waived.refresh_from_db()
    assert (
        confirmed.status == "confirmed" and waived.status == "waived" and waived.reason == "已约谈，情况属实"
    )
    assert MonthlyRun.objects.filter(month="2024-08").count() == 1


def test_a_rerun_withdraws_a_proposal_the_corrected_data_no_longer_supports(small_campaign, projects):
    add_complaints(projects["a"], "2024-07", 4)
    add_complaints(projects["a"], "2024-08", 4)
    compute_month(small_campaign, "2024-08")
    assert kinds(small_campaign, "2024-08")
    add_complaints(projects["b"], "2024-08", 9)  # late complaints push A out of the top 1
    compute_month(small_campaign, "2024-08")
    assert ("replace_manager", "赵一") not in kinds(small_campaign, "2024-08")


def test_township_year_on_year_rules_and_a_township_without_complaints_last_year(campaign, projects):
    a, b = projects["a"], projects["b"]
    for month, now_a, last_a, now_b in (("07", 5, 2, 1), ("08", 6, 2, 2)):
        add_complaints(a, f"2024-{month}", now_a)
        add_complaints(a, f"2023-{month}", last_a)
        add_complaints(b, f"2024-{month}", now_b)  # B had nothing in 2023
    add_complaints(a, "2024-08", 1, matched=False)  # unmatched complaints still count for the township
    compute_month(campaign, "2024-08")
    rows = {t.township_id: t for t in TownshipMonth.objects.filter(month="2024-08")}
    assert (rows[a.township_id].count, rows[a.township_id].last_year_count, rows[a.township_id].rise) == (
        7,
        2,
        5,
    )
    assert rows[b.township_id].is_up and rows[b.township_id].rise_percent is None
    assert rows[a.township_id].is_highest and rows[a.township_id].highest_streak == 2
    found = kinds(campaign, "2024-08")
    assert ("public_commitment", "城关街道") in found
    assert {("work_reminder", "城关街道"), ("work_reminder", "东城街道")} <= set(found)
    commitment = Action.objects.get(kind="public_commitment", period="2024-08")
    assert commitment.evidence["months"] == ["2024-07", "2024-08"] and commitment.evidence["rises"] == [3, 5]


def test_the_campaign_target_compares_the_year_so_far_with_last_year(campaign, projects):
    add_complaints(projects["a"], "2023-01", 10)
    add_complaints(projects["a"], "2024-01", 7)
    run = compute_month(campaign, "2024-01")
    assert (run.ytd_count, run.ytd_last_year, run.ytd_change_percent, run.on_track) == (7, 10, -30.0, True)


def test_no_actions_are_proposed_for_months_before_the_campaign(small_campaign, projects):
    small_campaign.issued_on = date(2024, 9, 1)
    small_campaign.save()
    for month in ("2024-07", "2024-08", "2024-09"):
        add_complaints(projects["a"], month, 3)
    compute_month(small_campaign, "2024-09")
    project_actions = Action.objects.filter(kind__in=["replace_manager", "replace_company"])
    assert list(project_actions.values_list("period", "kind")) == [("2024-09", "replace_company")]
    assert not Action.objects.filter(period__lt="2024-09").exists()


def test_compute_month_command_prints_the_figures(campaign, projects, capsys):
    add_complaints(projects["a"], "2024-07", 2)
    call_command("compute_month", "2024-07", "--campaign", campaign.slug)
    assert "complaints=2 matched=2 ranked=1 in_top=1" in capsys.readouterr().out


def test_rerunning_an_earlier_month_carries_its_streaks_into_the_later_months(small_campaign, projects):
    add_complaints(projects["a"], "2024-07", 4)
    add_complaints(projects["a"], "2024-08", 4)
    add_complaints(projects["b"], "2024-07", 1)
    compute_month(small_campaign, "2024-08")
    assert MonthlyRanking.objects.get(month="2024-08", project=projects["a"]).streak == 2
    add_complaints(projects["b"], "2024-07", 9)  # late July complaints: B, not A, led July
    compute_month(small_campaign, "2024-07")
    assert MonthlyRanking.objects.get(month="2024-08", project=projects["a"]).streak == 1
    assert not Action.objects.filter(kind="replace_manager", period="2024-08").exists()


def test_the_task_force_is_told_once_of_a_months_new_proposals(
    small_campaign, projects, task_force, township_a
):
    from orgs.models import Notification

    add_complaints(projects["a"], "2024-07", 4)
    add_complaints(projects["a"], "2024-08", 3)
    compute_month(small_campaign, "2024-08")
    told = Notification.objects.filter(kind=Notification.Kind.ACTION_PROPOSED)
    august = told.filter(title__contains="2024-08投诉量排名")
    assert [n.user for n in august] == [task_force]
    assert "更换项目经理 1 项" in august.get().body
    before = told.count()
    compute_month(small_campaign, "2024-08")
    assert told.count() == before


def test_a_run_that_fails_halfway_leaves_the_month_as_it_was_and_a_rerun_succeeds(
    small_campaign, projects, task_force, client, client_for, monkeypatch
):
    """Issue 8: the month's rows are switched in one transaction; a worker that dies mid-run
    (here: a step raises after the new rankings were written) leaves the previous result on the
    ranking page and the public 通报, and computing again afterwards works."""
    from django.urls import reverse

    from complaints import monthly
    from scoring.services import publish_month

    add_complaints(projects["a"], "2024-07", 4)
    add_complaints(projects["b"], "2024-07", 1)
    compute_month(small_campaign, "2024-07")
    publish_month(small_campaign, "2024-07", task_force)
    add_complaints(projects["b"], "2024-07", 9)  # late import: b now leads
    before = list(MonthlyRanking.objects.order_by("rank").values_list("project_id", "count"))

    def dies(*args, **kwargs):
        raise RuntimeError("worker killed")

    monkeypatch.setattr(monthly, "_townships", dies)  # runs after the new rankings are written
    with pytest.raises(RuntimeError):
        compute_month(small_campaign, "2024-07")

    assert list(MonthlyRanking.objects.order_by("rank").values_list("project_id", "count")) == before
    assert MonthlyRun.objects.get(month="2024-07").total_complaints == 5
    page = client_for(task_force).get(reverse("complaints:ranking"), {"month": "2024-07"})
    public = client.get(reverse("public:month", args=[small_campaign.slug, "2024-07"]))
    assert [r.project.name for r in page.context["rows"]] == ["阳光花园"]
    assert [r.project.name for r in public.context["rankings"]] == ["阳光花园"]

    monkeypatch.undo()
    compute_month(small_campaign, "2024-07")
    top = MonthlyRanking.objects.get(month="2024-07", in_top=True)
    assert (top.project, top.count, MonthlyRun.objects.get(month="2024-07").total_complaints) == (
        projects["b"],
        10,
        14,
    )
