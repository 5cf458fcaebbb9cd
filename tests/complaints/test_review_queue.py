"""The review queue by spelling: one decision per township + written name settles all its complaints."""

from datetime import datetime

import pytest
from django.urls import reverse

from complaints.models import Complaint, ComplaintChange, ImportBatch, MatchCandidate
from complaints.rules import SHANGHAI
from orgs.models import ProjectAlias


def waiting(township, ticket, name, month=7, batch=None, state="unmatched", address=""):
    return Complaint.objects.create(
        ticket=ticket, received_at=datetime(2024, month, 3, 9, tzinfo=SHANGHAI), township=township,
        region_path=township.path, raw_project_name=name, match_state=state, batch=batch, address=address,
        content="楼道灯坏了",
    )  # fmt: skip


@pytest.fixture
def queue(projects):
    """阳光花园 and 阳光家园 are two spellings of one township (SPEC: often two projects)."""
    a, b = projects["a"].township, projects["b"].township
    rows = {
        "G1": waiting(a, "G1", "阳光家园"),
        "G2": waiting(a, "G2", "阳光家园 "),
        "G3": waiting(a, "G3", "阳光家园", month=8),
        "H1": waiting(a, "H1", "阳光花园小区"),
        "B1": waiting(b, "B1", "阳光家园"),
        "V1": waiting(a, "V1", "城南村", state="review"),
    }
    MatchCandidate.objects.create(complaint=rows["G1"], project=projects["a"], score=0.8)
    return rows


def entries(response) -> list[tuple[str, str, int]]:
    return [
        (str(e.sample.township), e.sample.raw_project_name.strip(), e.rows)
        for e in response.context["entries"]
    ]


def decide(client, complaint, project="", **extra):
    return client.post(
        reverse("complaints:resolve", args=[complaint.pk]),
        {"project": project, **extra},
        HTTP_HX_REQUEST="true",
    )


def test_the_queue_holds_one_entry_per_spelling_with_its_row_count(client_for, task_force, queue):
    response = client_for(task_force).get(reverse("complaints:review"))
    assert response.status_code == 200
    assert entries(response) == [
        ("城关街道", "阳光家园", 3),
        ("城关街道", "城南村", 1),
        ("城关街道", "阳光花园小区", 1),
        ("东城街道", "阳光家园", 1),
    ]
    assert response.context["total"] == 6 and "待确认 6 条诉求，4 种写法" in response.text
    assert "3 条" in response.text


def test_complaints_without_a_written_name_are_never_grouped(client_for, task_force, projects):
    for ticket in ("E1", "E2"):
        waiting(projects["a"].township, ticket, "")
    response = client_for(task_force).get(reverse("complaints:review"))
    assert [rows for _, _, rows in entries(response)] == [1, 1]


def test_one_decision_settles_every_row_of_the_spelling_and_no_other(client_for, task_force, projects, queue):
    """Fails on the old code: it settled one row, or with the alias every row whose *shortened* name
    matched — 阳光花园小区 too, which is another project's name."""
    response = decide(client_for(task_force), queue["G2"], projects["a"].pk)
    assert response.status_code == 200
    assert "城关街道「阳光家园」共 3 条诉求已匹配到 阳光花园" in response.text
    matched = Complaint.objects.filter(project=projects["a"]).values_list("ticket", flat=True)
    assert sorted(matched) == ["G1", "G2", "G3"]
    for ticket in ("H1", "B1", "V1"):
        assert Complaint.objects.get(ticket=ticket).match_state != "matched"
    assert ComplaintChange.objects.filter(field="project", after="阳光花园", by=task_force).count() == 3
    assert not MatchCandidate.objects.filter(complaint=queue["G1"]).exists()


def test_the_choice_teaches_the_matcher_an_alias_only_when_asked(client_for, task_force, projects, queue):
    client = client_for(task_force)
    decide(client, queue["G1"], projects["a"].pk)
    assert not ProjectAlias.objects.filter(name="阳光家园").exists()
    decide(client, queue["V1"], projects["a"].pk, save_alias="1")
    assert ProjectAlias.objects.filter(project=projects["a"], name="城南村").exists()


def test_not_a_property_project_takes_the_spelling_out_of_the_queue(client_for, task_force, projects, queue):
    client = client_for(task_force)
    response = decide(client, queue["V1"], "none", save_alias="1")
    assert response.status_code == 200 and "「城南村」共 1 条诉求已标记为不属于物业项目" in response.text
    village = Complaint.objects.get(ticket="V1")
    assert (village.match_state, village.project, village.match_method) == ("outside", None, "manual")
    change = village.changes.get()
    assert (change.field, change.before, change.after, change.by) == (
        "match_state",
        "待确认",
        "不属于物业项目",
        task_force,
    )
    assert not ProjectAlias.objects.exists()
    assert "城南村" not in [name for _, name, _ in entries(client.get(reverse("complaints:review")))]
    # and it is counted nowhere: its project stays empty, its state says why
    assert Complaint.objects.visible_to(task_force).pending().count() == 5


def test_a_spelling_decided_already_is_refused_with_a_message(client_for, task_force, projects, queue):
    client = client_for(task_force)
    decide(client, queue["G1"], projects["a"].pk)
    response = decide(client, queue["G3"], "none")
    assert response.status_code == 409 and "该诉求已处理" in response.text
    assert Complaint.objects.get(ticket="G3").project == projects["a"]


def test_no_choice_is_refused_in_chinese(client_for, task_force, queue):
    response = decide(client_for(task_force), queue["G1"], "")
    assert response.status_code == 400 and "请选择项目" in response.text
    assert Complaint.objects.get(ticket="G1").match_state == "unmatched"


def test_a_project_from_the_townships_list_can_be_chosen(client_for, task_force, projects, queue):
    response = decide(client_for(task_force), queue["H1"], "other", other=projects["a"].pk)
    assert response.status_code == 200
    assert Complaint.objects.get(ticket="H1").project == projects["a"]


def test_without_htmx_the_queue_comes_back_with_its_filters(client_for, task_force, projects, queue):
    url = reverse("complaints:resolve", args=[queue["G1"].pk]) + "?month=2024-07"
    response = client_for(task_force).post(url, {"project": projects["a"].pk})
    assert response.status_code == 302 and response.url == reverse("complaints:review") + "?month=2024-07"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"month": "2024-08"}, [("城关街道", "阳光家园", 1)]),
        ({"name": "花园"}, [("城关街道", "阳光花园小区", 1)]),
        ({"batch": "@batch"}, [("城关街道", "阳光家园", 1)]),
        ({"month": "2024-13"}, []),
    ],
)
def test_the_queue_filters_by_batch_month_township_and_name(client_for, task_force, queue, query, expected):
    batch = ImportBatch.objects.create(file_name="7月.xlsx", region_path=queue["G2"].township.path)
    Complaint.objects.filter(ticket="G2").update(batch=batch)
    query = {k: batch.pk if v == "@batch" else v for k, v in query.items()}
    assert entries(client_for(task_force).get(reverse("complaints:review"), query)) == expected


def test_the_queue_filters_by_township(client_for, task_force, projects, queue):
    response = client_for(task_force).get(
        reverse("complaints:review"), {"township": projects["b"].township.pk}
    )
    assert entries(response) == [("东城街道", "阳光家园", 1)]


def test_go_confirm_on_a_complaint_opens_its_spelling(client_for, task_force, queue):
    """Fails on the old code: 去确认 opened page 1 of the whole queue."""
    client = client_for(task_force)
    detail = client.get(reverse("complaints:detail", args=[queue["G3"].pk]))
    link = f"{reverse('complaints:review')}?complaint={queue['G3'].pk}"
    assert link in detail.text
    assert entries(client.get(link)) == [("城关街道", "阳光家园", 3)]


def test_a_township_officer_sees_and_settles_only_its_own_township(client_for, township_b, projects, queue):
    client = client_for(township_b)
    assert entries(client.get(reverse("complaints:review"))) == [("东城街道", "阳光家园", 1)]
    assert entries(client.get(reverse("complaints:review"), {"complaint": queue["G1"].pk})) == []
    assert decide(client, queue["G1"], projects["b"].pk).status_code == 404
    assert decide(client, queue["B1"], projects["b"].pk).status_code == 200
    assert Complaint.objects.filter(project=projects["b"]).get().ticket == "B1"


@pytest.mark.parametrize("user_fixture", ["company_x", "department"])
def test_companies_and_departments_neither_see_nor_decide_the_queue(
    request, client_for, projects, queue, user_fixture
):
    client = client_for(request.getfixturevalue(user_fixture))
    assert client.get(reverse("complaints:review")).status_code == 403
    assert decide(client, queue["G1"], projects["a"].pk).status_code in (403, 404, 409)
    assert Complaint.objects.get(ticket="G1").project is None


def test_the_queue_runs_a_fixed_number_of_queries(
    client_for, task_force, projects, django_assert_max_num_queries
):
    client = client_for(task_force)
    township = projects["a"].township
    MatchCandidate.objects.create(
        complaint=waiting(township, "N0", "名称0"), project=projects["a"], score=0.7
    )
    with django_assert_max_num_queries(14) as few:
        assert client.get(reverse("complaints:review")).status_code == 200
    for i in range(1, 15):
        for j in range(3):
            row = waiting(township if i % 2 else projects["b"].township, f"N{i}-{j}", f"名称{i}")
            MatchCandidate.objects.create(complaint=row, project=projects["a"], score=0.7)
    with django_assert_max_num_queries(14) as many:
        response = client.get(reverse("complaints:review"))
    assert len(response.context["entries"]) == 15
    assert len(many.captured_queries) == len(few.captured_queries)
