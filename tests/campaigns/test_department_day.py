"""The department's day (issue 14): its home lists the open items it answers for — as 责任单位, or as
牵头/配合 unit of the item's category — overdue first and paged, and what was assigned to it this week."""

from datetime import timedelta

import pytest
from django.utils import timezone

from campaigns.models import Category
from ledgers import workflow
from orgs.models import Department
from tests.ledgers.conftest import make_item


@pytest.fixture
def units(county, housing_bureau, campaign):
    fire = Department.objects.create(name="消防大队", region=county)
    elevators = Category.objects.create(campaign=campaign, code="1", name="电梯安全")
    elevators.lead_units.add(housing_bureau)
    exits = Category.objects.create(campaign=campaign, code="2", name="消防通道")
    exits.lead_units.add(fire)
    exits.supporting_units.add(housing_bureau)
    other = Category.objects.create(campaign=campaign, code="3", name="违法建设")
    other.lead_units.add(fire)
    return {"fire": fire, "lead": elevators, "support": exits, "other": other}


@pytest.fixture
def day(units, project_a, project_b, campaign, housing_bureau):
    today = timezone.localdate()
    return {
        "late": make_item(
            project_a, campaign, units["lead"], problem="电梯困人", deadline=today - timedelta(days=1)
        ),
        "support": make_item(
            project_b, campaign, units["support"], problem="通道堆物", deadline=today + timedelta(days=30)
        ),
        "responsible": make_item(
            project_a,
            campaign,
            units["other"],
            problem="楼顶违建",
            deadline=today + timedelta(days=3),
            responsible_unit=housing_bureau,
        ),  # fmt: skip
        "foreign": make_item(
            project_a, campaign, units["other"], problem="他人之事", deadline=today - timedelta(days=9)
        ),
        "closed": make_item(
            project_a, campaign, units["lead"], problem="已修好", status="closed", closed_at=timezone.now()
        ),
    }


def panel_of(client):
    return dict(client.get("/").context["panels"])["campaigns/panels/department.html"]


def test_the_department_sees_its_open_items_overdue_first_with_how_it_is_named(client_for, department, day):
    """Fails on the old code: a department's home had no list of its items at all."""
    client = client_for(department)
    panel = panel_of(client)
    assert [i.problem for i in panel["page"]] == ["电梯困人", "楼顶违建", "通道堆物"]
    assert panel["overdue_count"] == 1
    page = client.get("/").content.decode()
    assert "本单位负责的问题（逾期在前）" in page and "牵头" in page and "配合" in page and "责任单位" in page
    assert "他人之事" not in page


def test_this_weeks_assignments_include_an_old_item_given_to_it_now(
    client_for, department, task_force, day, housing_bureau
):
    old = day["foreign"]
    type(old).objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=21))
    client = client_for(department)
    assert "他人之事" not in [i.problem for i in panel_of(client)["this_week"]]
    old.refresh_from_db()
    workflow.edit(old, task_force, {"responsible_unit": housing_bureau}, note="交办住建局")
    panel = panel_of(client)
    assert "他人之事" in [i.problem for i in panel["this_week"]]
    assert panel["this_week_count"] == 5  # four logged this week (one already closed) and the one given


def test_the_list_is_paged(client_for, department, units, project_a, campaign):
    for n in range(12):
        make_item(project_a, campaign, units["lead"], problem=f"问题{n:02d}")
    client = client_for(department)
    first = panel_of(client)["page"]
    assert (len(first.object_list), first.paginator.num_pages) == (10, 2)
    second = dict(client.get("/", {"dept_page": 2}).context["panels"])["campaigns/panels/department.html"][
        "page"
    ]
    assert len(second.object_list) == 2
    assert "dept_page=2" in client.get("/").content.decode()


@pytest.mark.parametrize("user_fixture", ["task_force", "township_a", "company_x", "admin_user"])
def test_other_roles_have_no_department_panel(request, client_for, day, user_fixture):
    panels = dict(client_for(request.getfixturevalue(user_fixture)).get("/").context["panels"])
    assert "campaigns/panels/department.html" not in panels


def test_the_home_page_of_a_department_runs_a_fixed_number_of_queries(
    client_for, department, units, project_a, campaign, django_assert_max_num_queries
):
    client = client_for(department)
    make_item(project_a, campaign, units["lead"], problem="一")
    with django_assert_max_num_queries(40) as few:
        client.get("/")
    for n in range(9):
        make_item(project_a, campaign, units["support"], problem=f"多{n}")
    with django_assert_max_num_queries(40) as many:
        client.get("/")
    assert len(many.captured_queries) == len(few.captured_queries)
