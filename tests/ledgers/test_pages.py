from datetime import date, timedelta

from django.urls import reverse

from ledgers import workflow
from ledgers.models import LedgerItem

from .conftest import make_item


def test_the_ledger_list_counts_items_per_status_and_shows_only_own_township(
    client_for, township_a, item_a, item_b, item_y
):
    response = client_for(township_a).get(reverse("ledgers:item_list"))
    assert response.status_code == 200
    assert item_a.reference in response.text
    assert item_b.reference not in response.text
    assert item_y.reference not in response.text
    assert response.context["total"] == 1


def test_the_ledger_list_filters_by_overdue_and_keeps_filters_in_the_url(
    client_for, task_force, project_a, campaign
):
    late = make_item(project_a, campaign, deadline=date.today() - timedelta(days=3), problem="逾期问题")
    on_time = make_item(project_a, campaign, deadline=date.today() + timedelta(days=3), problem="未到期")
    response = client_for(task_force).get(reverse("ledgers:item_list"), {"overdue": "true"})
    assert late.reference in response.text
    assert on_time.reference not in response.text
    assert response.context["overdue_count"] == 1


def test_the_ledger_list_query_count_does_not_grow_with_rows(
    client_for, task_force, project_a, project_b, campaign, category, django_assert_max_num_queries
):
    for n in range(30):
        make_item(project_a if n % 2 else project_b, campaign, category, problem=f"问题{n}")
    client = client_for(task_force)
    with django_assert_max_num_queries(16):
        response = client.get(reverse("ledgers:item_list"), {"campaign": campaign.pk})
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 30


def test_the_item_page_shows_moves_allowed_to_the_viewer_and_the_timeline(
    client_for, township_a, company_x, item_a
):
    workflow.submit(item_a, company_x, note="已清理")
    page = client_for(township_a).get(reverse("ledgers:item_detail", args=[item_a.pk]))
    moves = [move for move, _ in page.context["moves"]]
    assert "accept" in moves and "return" in moves
    assert "已清理" in page.text
    company_page = client_for(company_x).get(reverse("ledgers:item_detail", args=[item_a.pk]))
    assert "accept" not in [move for move, _ in company_page.context["moves"]]


def test_quick_entry_logs_an_item_in_the_viewers_township(
    client_for, township_a, project_a, campaign, category
):
    response = client_for(township_a).post(
        reverse("ledgers:item_create"),
        {
            "campaign": campaign.pk,
            "project": project_a.pk,
            "category": category.pk,
            "problem": "电梯停运",
            "deadline": "2030-01-01",
            "source": "inspection",
        },
    )
    item = LedgerItem.objects.get(problem="电梯停运")
    assert response.status_code == 302
    assert item.created_by == township_a and item.company == project_a.company
    assert item.events.get().move == "create"


def test_quick_entry_refuses_a_project_of_another_township(client_for, township_a, project_b, campaign):
    response = client_for(township_a).post(
        reverse("ledgers:item_create"),
        {"campaign": campaign.pk, "project": project_b.pk, "problem": "x", "source": "inspection"},
    )
    assert response.status_code == 200
    assert not LedgerItem.objects.exists()


def test_project_search_offers_only_projects_in_scope(client_for, township_a, projects):
    response = client_for(township_a).get(reverse("ledgers:project_search"), {"q": "园"})
    assert "阳光花园" in response.text
    assert "东湖家园" not in response.text


def test_a_foreign_township_gets_404_on_an_item(client_for, township_b, item_a):
    assert client_for(township_b).get(reverse("ledgers:item_detail", args=[item_a.pk])).status_code == 404


def test_the_cached_status_counts_follow_every_change(client_for, township_a, company_x, item_a):
    client = client_for(township_a)
    before = client.get(reverse("ledgers:item_list")).context["statuses"]
    assert dict((value, n) for value, _, n in before)["submitted"] == 0
    workflow.submit(item_a, company_x)
    after = client.get(reverse("ledgers:item_list"), {"page": "1"}).context["statuses"]
    assert dict((value, n) for value, _, n in after)["submitted"] == 1


def test_the_admin_can_read_the_ledger_but_not_edit_or_delete_it(client_for, admin_user, item_a):
    client = client_for(admin_user)
    assert client.get(reverse("admin:ledgers_ledgeritem_changelist")).status_code == 200
    assert client.get(reverse("admin:ledgers_ledgeritem_change", args=[item_a.pk])).status_code == 200
    assert (
        client.post(reverse("admin:ledgers_ledgeritem_delete", args=[item_a.pk]), {"post": "yes"}).status_code
        == 403
    )
    assert LedgerItem.objects.filter(pk=item_a.pk).exists()


def test_an_item_born_of_a_complaint_links_to_it(client_for, township_a, item_a):
    LedgerItem.objects.filter(pk=item_a.pk).update(source="hotline", source_ref="complaint:42")
    page = client_for(township_a).get(reverse("ledgers:item_detail", args=[item_a.pk]))
    assert reverse("complaints:detail", args=[42]) in page.text


def test_a_refused_move_from_the_page_says_why_and_changes_nothing(client_for, company_x, item_a):
    client = client_for(company_x)
    workflow.submit(item_a, company_x)
    response = client.post(
        reverse("ledgers:item_move", args=[item_a.pk, "accept"]), {"version": 2}, follow=True
    )
    assert "不能对该问题验收销号" in response.text
    item_a.refresh_from_db()
    assert item_a.status == "submitted"


def test_a_stale_page_is_refused_with_a_clear_message(client_for, township_a, company_x, item_a):
    workflow.edit(item_a, company_x, {"progress_note": "公司已更新"})
    response = client_for(township_a).post(
        reverse("ledgers:item_move", args=[item_a.pk, "withdraw"]),
        {"version": 1, "reason": "重复"},
        follow=True,
    )
    assert "已被他人修改" in response.text
    item_a.refresh_from_db()
    assert item_a.status == "registered"


def test_bulk_escalation_runs_through_workflow_for_the_task_force_only(
    client_for, task_force, township_a, item_a, project_a, campaign
):
    second = make_item(project_a, campaign, problem="外墙脱落")
    data = {
        "action": "escalate",
        "items": [item_a.pk, second.pk],
        "level": "county",
        "deadline": "2030-01-01",
    }
    client_for(township_a).post(reverse("ledgers:item_bulk"), data)
    assert not LedgerItem.objects.escalated().exists()
    client_for(task_force).post(reverse("ledgers:item_bulk"), data)
    assert LedgerItem.objects.escalated().count() == 2
    assert second.events.filter(move="escalate", actor=task_force).exists()


def test_bulk_assignment_sets_unit_and_person_with_history(client_for, township_a, item_a, housing_bureau):
    client_for(township_a).post(
        reverse("ledgers:item_bulk"),
        {
            "action": "assign",
            "items": [item_a.pk],
            "responsible_unit": housing_bureau.pk,
            "responsible_person": "张三",
        },
    )
    item_a.refresh_from_db()
    assert (item_a.responsible_unit, item_a.responsible_person) == (housing_bureau, "张三")
    assert item_a.events.get(move="edit").changes["responsible_person"] == ["", "张三"]


def test_an_escalated_item_past_its_own_deadline_is_marked(client_for, task_force, item_a):
    from datetime import date, timedelta

    workflow.escalate(item_a, task_force, level="county", deadline=date.today())
    LedgerItem.objects.filter(pk=item_a.pk).update(escalation_deadline=date.today() - timedelta(days=1))
    page = client_for(task_force).get(reverse("ledgers:item_detail", args=[item_a.pk]))
    assert "督办逾期" in page.text
