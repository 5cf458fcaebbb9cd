"""Complaint pages and API: each role sees its own scope, and moves go through workflow."""

from datetime import datetime
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from complaints.models import Complaint, ImportBatch, MatchCandidate, MonthlyRanking
from complaints.monthly import compute_month
from complaints.rules import SHANGHAI
from orgs.models import ProjectAlias

from .conftest import do_import, row, write_csv


def make(project, ticket, township=None, state="matched", name=""):
    township = township or project.township
    return Complaint.objects.create(
        ticket=ticket, received_at=datetime(2024, 7, 3, 9, tzinfo=SHANGHAI), township=township,
        region_path=project.region_path if state == "matched" else township.path,
        project=project if state == "matched" else None, match_state=state, raw_project_name=name or project.name,
        content="楼道灯坏了",
    )  # fmt: skip


@pytest.fixture
def complaints(projects):
    return {key: make(p, f"T-{key}") for key, p in projects.items()}


def tickets(response) -> set[str]:
    return {c.ticket for c in response.context["page"]}


@pytest.mark.parametrize(
    ("user_fixture", "expected"),
    [
        ("task_force", {"T-a", "T-b", "T-y"}),
        ("department", {"T-a", "T-b", "T-y"}),
        ("township_a", {"T-a"}),
        ("township_b", {"T-b", "T-y"}),
        ("company_x", {"T-a", "T-b"}),
        ("company_y", {"T-y"}),
    ],
)
def test_the_complaint_list_shows_only_the_viewers_scope(
    request, client_for, complaints, user_fixture, expected
):
    user = request.getfixturevalue(user_fixture)
    response = client_for(user).get(reverse("complaints:list"))
    assert response.status_code == 200 and tickets(response) == expected


def test_the_complaint_list_runs_a_fixed_number_of_queries(
    client_for, task_force, projects, django_assert_max_num_queries
):
    client = client_for(task_force)
    make(projects["a"], "Q-first")
    with django_assert_max_num_queries(12) as few:
        assert client.get(reverse("complaints:list"), {"project": projects["a"].pk}).status_code == 200
    for i in range(30):
        make(projects["a"], f"Q{i}")
    with django_assert_max_num_queries(12) as many:
        assert client.get(reverse("complaints:list"), {"project": projects["a"].pk}).status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)


def test_the_complaint_list_counts_no_further_than_its_cap(
    client_for, task_force, projects, django_assert_max_num_queries, monkeypatch
):
    """A province has 5 million complaints: the page counts up to the cap and says "more than"."""
    monkeypatch.setattr("complaints.views.COUNT_CAP", 5)
    for i in range(8):
        make(projects["a"], f"C{i}")
    client = client_for(task_force)
    with django_assert_max_num_queries(12) as captured:
        response = client.get(reverse("complaints:list"))
    counts = [q["sql"] for q in captured.captured_queries if "COUNT(" in q["sql"] and "complaint" in q["sql"]]
    assert counts and all("LIMIT 6" in sql for sql in counts)
    assert response.context["page"].paginator.capped
    assert "超过 5 件诉求" in response.text
    narrowed = client.get(reverse("complaints:list"), {"q": "C1"})
    assert not narrowed.context["page"].paginator.capped and "共 1 件诉求" in narrowed.text


def test_filters_and_search_narrow_the_list(client_for, task_force, complaints, projects):
    client = client_for(task_force)
    by_township = client.get(reverse("complaints:list"), {"township": projects["b"].township_id})
    assert tickets(by_township) == {"T-b", "T-y"}
    assert tickets(client.get(reverse("complaints:list"), {"q": "T-y"})) == {"T-y"}
    assert tickets(client.get(reverse("complaints:list"), {"month": "2024-08"})) == set()
    assert len(tickets(client.get(reverse("complaints:list"), {"month": "2024-07"}))) == 3


def test_a_township_officer_gets_404_for_another_townships_complaint(client_for, township_a, complaints):
    client = client_for(township_a)
    assert client.get(reverse("complaints:detail", args=[complaints["a"].pk])).status_code == 200
    assert client.get(reverse("complaints:detail", args=[complaints["b"].pk])).status_code == 404


def test_a_company_gets_404_for_another_companys_complaint(client_for, company_y, complaints):
    assert (
        client_for(company_y).get(reverse("complaints:detail", args=[complaints["a"].pk])).status_code == 404
    )


def test_the_api_lists_only_the_viewers_complaints(client_for, township_b, complaints):
    data = client_for(township_b).get("/api/complaints/").json()
    assert {c["ticket"] for c in data["results"]} == {"T-b", "T-y"}
    assert client_for(township_b).get(f"/api/complaints/{complaints['a'].pk}/").status_code == 404


def test_the_import_page_queues_the_file_and_shows_the_batch(client_for, task_force, projects, tmp_path):
    path = write_csv(tmp_path / "july.csv", [row("U1")])
    upload = SimpleUploadedFile("july.csv", path.read_bytes(), content_type="text/csv")
    client = client_for(task_force)
    with mock.patch("complaints.tasks.preview_complaints.delay") as delay:
        with mock.patch("django.db.transaction.on_commit", side_effect=lambda fn: fn()):
            response = client.post(reverse("complaints:import"), {"file": upload, "channel": "12345"})
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and delay.call_args.args == (batch.pk,)
    assert batch.file_name == "july.csv" and batch.job.created_by == task_force
    assert batch.job.kind == "complaint_preview" and not Complaint.objects.exists()


def test_the_import_task_runs_the_file_and_finishes_the_job(client_for, task_force, projects, tmp_path):
    from complaints import tasks
    from complaints.importing import create_batch

    path = write_csv(tmp_path / "july.csv", [row("U1"), row("")])
    upload = SimpleUploadedFile("july.csv", path.read_bytes())
    batch = create_batch(task_force, "12345", "july.csv", upload=upload)
    tasks.import_complaints(batch.pk)
    batch.refresh_from_db()
    assert batch.new_count == 1 and batch.job.status == "done"
    assert batch.job.total >= 2 and batch.job.percent == 100
    assert batch.job.row_errors == ["第 3 行 工单编号：缺少工单编号"]
    report = client_for(task_force).get(reverse("complaints:batch_report", args=[batch.pk]))
    assert report.status_code == 200 and "缺少工单编号" in b"".join(report.streaming_content).decode(
        "utf-8-sig"
    )


def test_township_officers_and_companies_cannot_import(client_for, township_a, company_x):
    assert client_for(township_a).get(reverse("complaints:import")).status_code == 403
    assert client_for(company_x).get(reverse("complaints:import")).status_code == 403


def test_a_batch_report_of_another_township_is_404(client_for, township_a, township_b, projects, tmp_path):
    batch = do_import(write_csv(tmp_path / "a.csv", [row("A1")]), user=township_a)
    assert client_for(township_b).get(reverse("complaints:batch_report", args=[batch.pk])).status_code == 404


def test_resolving_from_the_queue_saves_an_alias_and_settles_the_same_spelling(
    client_for, task_force, projects, tmp_path
):
    path = write_csv(
        tmp_path / "m.csv", [row("R1", name="红星大院"), row("R2", name="红星大院 "), row("R3", name="别处")]
    )
    do_import(path)
    first = Complaint.objects.get(ticket="R1")
    assert first.match_state == "unmatched"
    client = client_for(task_force)
    queue = client.get(reverse("complaints:review"))
    assert sorted((e.sample.raw_project_name.strip(), e.rows) for e in queue.context["entries"]) == [
        ("别处", 1),
        ("红星大院", 2),
    ]
    response = client.post(
        reverse("complaints:resolve", args=[first.pk]),
        {"project": projects["a"].pk, "save_alias": "1"},
        HTTP_HX_REQUEST="true",
    )
    assert (
        response.status_code == 200
        and "「红星大院」共 2 条诉求已匹配到 阳光花园" in response.content.decode()
    )
    assert ProjectAlias.objects.filter(project=projects["a"], name="红星大院").exists()
    assert set(Complaint.objects.filter(project=projects["a"]).values_list("ticket", flat=True)) == {
        "R1",
        "R2",
    }
    assert Complaint.objects.get(ticket="R1").changes.get().after == "阳光花园"
    # next month's export matches by itself
    do_import(write_csv(tmp_path / "n.csv", [row("R9", name="红星大院")]))
    assert Complaint.objects.get(ticket="R9").project == projects["a"]


def test_two_candidates_wait_in_the_queue_with_both(client_for, task_force, projects, tmp_path):
    from tests.conftest import make_project

    make_project("翠湖一期", projects["a"].township, projects["a"].company)
    make_project("翠湖二期", projects["a"].township, projects["a"].company)
    do_import(write_csv(tmp_path / "two.csv", [row("W1", name="翠湖小区")]))
    complaint = Complaint.objects.get(ticket="W1")
    assert complaint.match_state == "review"
    assert MatchCandidate.objects.filter(complaint=complaint).count() == 2


def test_a_township_officer_cannot_resolve_to_another_townships_project(client_for, township_a, projects):
    complaint = make(projects["a"], "X1", state="unmatched", name="某小区")
    response = client_for(township_a).post(
        reverse("complaints:resolve", args=[complaint.pk]), {"project": projects["b"].pk}
    )
    assert response.status_code == 404
    complaint.refresh_from_db()
    assert complaint.project is None


def test_a_company_cannot_open_the_review_queue(client_for, company_x):
    assert client_for(company_x).get(reverse("complaints:review")).status_code == 403


@pytest.fixture
def computed(campaign, projects):
    for key, n in (("a", 3), ("b", 2), ("y", 1)):
        for i in range(n):
            make(projects[key], f"K-{key}{i}")
    compute_month(campaign, "2024-07")
    return campaign


@pytest.mark.parametrize(
    ("user_fixture", "expected"),
    [
        ("task_force", ["阳光花园", "东湖家园", "锦绣苑"]),
        ("township_a", ["阳光花园"]),
        ("township_b", ["东湖家园", "锦绣苑"]),
        ("company_x", ["阳光花园", "东湖家园"]),
        ("company_y", ["锦绣苑"]),
    ],
)
def test_the_rankings_api_is_scoped_by_role(request, client_for, computed, user_fixture, expected):
    user = request.getfixturevalue(user_fixture)
    data = client_for(user).get("/api/rankings/", {"month": "2024-07", "campaign": computed.slug}).json()
    assert [r["project"]["name"] for r in data["results"]] == expected
    first = data["results"][0]
    assert set(first) >= {"rank", "project", "township", "company", "complaints", "streak"}


def test_the_rankings_api_answers_the_documented_shape(client_for, task_force, computed, projects):
    data = client_for(task_force).get("/api/rankings/?month=2024-07").json()
    assert data["results"][0] == {
        "campaign": computed.slug, "month": "2024-07", "rank": 1, "in_top": True,
        "project": {"id": projects["a"].pk, "name": "阳光花园"}, "township": "城关街道",
        "company": "示范物业服务有限公司", "manager": "赵一", "complaints": 3, "previous_month": 0, "streak": 1,
    }  # fmt: skip


def test_the_ranking_page_shows_the_table_and_a_township_only_its_rows(
    client_for, task_force, township_a, computed
):
    page = client_for(task_force).get(reverse("complaints:ranking"), {"month": "2024-07"})
    assert page.status_code == 200 and [r.project.name for r in page.context["rows"]] == [
        "阳光花园",
        "东湖家园",
        "锦绣苑",
    ]
    page = client_for(township_a).get(reverse("complaints:ranking"), {"month": "2024-07"})
    assert [r.project.name for r in page.context["rows"]] == ["阳光花园"]


def test_the_ranking_page_lists_the_first_actions_and_says_how_many_there_are(
    client_for, task_force, computed, campaign, projects, monkeypatch, django_assert_max_num_queries
):
    from campaigns.models import Action

    monkeypatch.setattr("complaints.ranking_views.ACTIONS_SHOWN", 2)
    Action.objects.filter(period="2024-07").delete()
    for township in {p.township for p in projects.values()}:
        Action.objects.create(
            campaign=campaign, kind=Action.Kind.WORK_REMINDER, period="2024-07", target_type="township",
            target_id=township.pk, target_name=township.name, township=township, region_path=township.path,
            rule="monthly_township_rise",
        )  # fmt: skip
    client = client_for(task_force)
    page = client.get(reverse("complaints:ranking"), {"month": "2024-07"})
    assert len(page.context["actions"]) == 2 and page.context["actions_total"] == 2
    assert 'data-testid="actions-total"' not in page.text
    monkeypatch.setattr("complaints.ranking_views.ACTIONS_SHOWN", 1)
    with django_assert_max_num_queries(20) as captured:
        page = client.get(reverse("complaints:ranking"), {"month": "2024-07"})
    assert len(page.context["actions"]) == 1 and "共 2 项，此处列出前 1 项" in page.text
    assert sum("campaigns_action" in q["sql"] for q in captured.captured_queries) == 2


def test_the_bulletin_workbook_holds_only_visible_rows(client_for, township_b, computed):
    from io import BytesIO

    from openpyxl import load_workbook

    response = client_for(township_b).get(reverse("complaints:ranking_export"), {"month": "2024-07"})
    sheet = load_workbook(BytesIO(response.content)).active
    values = [r for r in sheet.iter_rows(values_only=True)]
    assert values[0][0] == "2024年7月物业项目投诉量前50名通报"
    assert [r[1] for r in values[3:]] == ["东湖家园", "锦绣苑"]


def test_the_print_page_and_the_township_page_render(client_for, task_force, computed, projects):
    client = client_for(task_force)
    assert client.get(reverse("complaints:ranking_print"), {"month": "2024-07"}).status_code == 200
    page = client.get(
        reverse("complaints:township"), {"month": "2024-07", "township": projects["a"].township_id}
    )
    assert page.status_code == 200 and page.context["chart"]["this_year"][6] == 3


def test_a_township_officer_cannot_open_another_townships_page(client_for, township_a, computed, projects):
    url = reverse("complaints:township")
    assert client_for(township_a).get(url, {"township": projects["b"].township_id}).status_code == 404


def test_only_the_task_force_can_run_the_month(client_for, task_force, township_a, computed):
    url = reverse("complaints:compute")
    assert (
        client_for(township_a).post(url, {"campaign": computed.slug, "month": "2024-07"}).status_code == 403
    )
    MonthlyRanking.objects.all().delete()
    # July is computed: applying a recomputation takes the confirmation given on its preview page
    data = {"campaign": computed.slug, "month": "2024-07", "confirmed": "1"}
    response = client_for(task_force).post(url, data)
    assert response.status_code == 302 and MonthlyRanking.objects.filter(month="2024-07").count() == 3


def test_one_click_turns_a_complaint_into_a_ledger_item_once(client_for, task_force, campaign, complaints):
    from ledgers.models import LedgerItem

    client = client_for(task_force)
    url = reverse("complaints:to_ledger", args=[complaints["a"].pk])
    first = client.post(url)
    item = LedgerItem.objects.get()
    assert first.status_code == 302 and first.url == reverse("ledgers:item_detail", args=[item.pk])
    assert (item.source, item.source_ref, item.project) == (
        "hotline",
        f"complaint:{complaints['a'].pk}",
        complaints["a"].project,
    )
    assert item.problem == "楼道灯坏了"
    client.post(url)
    assert LedgerItem.objects.count() == 1
    detail = client.get(reverse("complaints:detail", args=[complaints["a"].pk]))
    assert detail.context["ledger_item"] == item


def test_an_unmatched_complaint_cannot_become_a_ledger_item(client_for, task_force, campaign, projects):
    from ledgers.models import LedgerItem

    complaint = make(projects["a"], "N1", state="unmatched", name="某处")
    client_for(task_force).post(reverse("complaints:to_ledger", args=[complaint.pk]))
    assert not LedgerItem.objects.exists()


def test_the_home_panel_shows_the_queue_and_only_the_viewers_ranking_rows(
    client_for, township_a, computed, projects
):
    make(projects["a"], "P1", state="unmatched", name="某处")
    make(projects["b"], "P2", state="unmatched", name="别处")
    panel = dict(client_for(township_a).get("/").context["panels"])["complaints/panel.html"]
    assert panel["pending"] == 1
    assert [r.project.name for r in panel["rows"]] == ["阳光花园"]


def test_the_home_panel_stops_counting_the_queue_at_the_cap(
    client_for, task_force, computed, projects, monkeypatch
):
    monkeypatch.setattr("complaints.panels.COUNT_CAP", 2)
    for n, project in enumerate([projects["a"], projects["b"]]):
        make(project, f"Q{n}", state="unmatched", name="某处")
    response = client_for(task_force).get("/")
    panel = dict(response.context["panels"])["complaints/panel.html"]
    assert (panel["pending"], panel["pending_capped"]) == (2, False)
    make(projects["a"], "Q9", state="review", name="别处")
    response = client_for(task_force).get("/")
    panel = dict(response.context["panels"])["complaints/panel.html"]
    assert (panel["pending"], panel["pending_capped"]) == (2, True)
    assert "待确认匹配 2+" in response.text


def test_a_company_sees_its_ranking_rows_but_no_queue(client_for, company_y, computed):
    panel = dict(client_for(company_y).get("/").context["panels"])["complaints/panel.html"]
    assert panel["pending"] is None and [r.project.name for r in panel["rows"]] == ["锦绣苑"]


def test_a_company_sees_only_its_own_share_of_a_townships_chart(client_for, company_y, computed, projects):
    page = client_for(company_y).get(reverse("complaints:township"), {"month": "2024-07"})
    assert page.context["township"] == projects["y"].township
    assert page.context["chart"]["this_year"][6] == 1  # 锦绣苑 only, not 东湖家园's two
    assert list(page.context["months"]) == []


def test_uploading_the_same_file_again_says_when_it_was_imported(client_for, task_force, projects, tmp_path):
    path = write_csv(tmp_path / "same.csv", [row("S1")])
    client = client_for(task_force)
    with mock.patch("django.db.transaction.on_commit", side_effect=lambda fn: fn()):
        for _ in range(2):
            upload = SimpleUploadedFile("same.csv", path.read_bytes())
            response = client.post(
                reverse("complaints:import"), {"file": upload, "channel": "12345"}, follow=True
            )
            batch = ImportBatch.objects.order_by("-pk").first()
            client.post(reverse("complaints:import_confirm", args=[batch.pk]))
    assert "导入过，重复导入不会新增诉求" in response.content.decode()
    assert Complaint.objects.count() == 1 and ImportBatch.objects.count() == 2


def test_suffix_twins_imported_in_one_township_are_each_counted_in_the_ranking(
    client_for, task_force, campaign, projects, tmp_path
):
    """SPEC.md: "The name as written wins over any shortened form" — 阳光花园 (project a) and its twin
    阳光家园 in the same township each keep their own complaints, and both are ranked."""
    from tests.conftest import make_project

    twin = make_project("阳光家园", projects["a"].township, projects["a"].company)
    rows = [row(f"J{i}", name="阳光家园") for i in range(3)] + [
        row(f"H{i}", name="阳光花园 ") for i in range(2)
    ]
    do_import(write_csv(tmp_path / "twins.csv", [*rows, row("U1", name="阳光小区")]))
    assert set(Complaint.objects.filter(project=twin).values_list("ticket", flat=True)) == {"J0", "J1", "J2"}
    assert Complaint.objects.filter(project=projects["a"]).count() == 2
    assert Complaint.objects.get(ticket="U1").match_state == "review"  # 阳光小区: either of them
    compute_month(campaign, "2024-07")
    ranks = dict(MonthlyRanking.objects.filter(run__month="2024-07").values_list("project__name", "rank"))
    assert ranks == {"阳光家园": 1, "阳光花园": 2}


def test_settling_a_shortened_spelling_leaves_the_twins_other_spellings_waiting(
    client_for, task_force, projects, tmp_path
):
    from tests.conftest import make_project

    make_project("阳光家园", projects["a"].township, projects["a"].company)
    do_import(
        write_csv(
            tmp_path / "s.csv",
            [row("S1", name="阳光小区"), row("S2", name="阳光小区"), row("S3", name="阳光")],
        )
    )
    response = client_for(task_force).post(
        reverse("complaints:resolve", args=[Complaint.objects.get(ticket="S1").pk]),
        {"project": projects["a"].pk, "save_alias": "1"},
    )
    assert response.status_code in (200, 302)
    assert set(Complaint.objects.filter(project=projects["a"]).values_list("ticket", flat=True)) == {
        "S1",
        "S2",
    }
    assert Complaint.objects.get(ticket="S3").match_state == "review"
