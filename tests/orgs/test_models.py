from datetime import date

import pytest
from django.urls import reverse

from orgs.models import Manager, ProjectAssignment

pytestmark = pytest.mark.django_db


def test_served_by_answers_for_the_month_not_for_today(project_a, company_x_org, company_y_org):
    """Rankings judge the company that served the project in that month (SPEC.md)."""
    ProjectAssignment.objects.filter(project=project_a).update(end=date(2024, 3, 31))
    new_manager = Manager.objects.create(name="周新", company=company_y_org)
    ProjectAssignment.objects.create(
        project=project_a, company=company_y_org, manager=new_manager, start=date(2024, 4, 1)
    )
    assert project_a.served_by(date(2022, 12, 31)) is None
    assert project_a.served_by(date(2024, 3, 31)).company == company_x_org
    assert project_a.served_by(date(2024, 4, 1)).company == company_y_org
    assert project_a.served_by(date(2024, 4, 1)).manager == new_manager


def test_a_project_copies_its_regions_path_for_scoping(project_a, community_a):
    assert project_a.region_path == community_a.path
    assert community_a.path.startswith(community_a.parent.path)


@pytest.mark.parametrize(
    ("role", "organisation"),
    [("task_force", "示范县"), ("township_a", "城关街道"), ("department", "县住建局"),
     ("company_x", "示范物业服务有限公司"), ("admin_user", None)],
)  # fmt: skip
def test_users_me_tells_each_role_who_it_is(role, organisation, request, client_for):
    user = request.getfixturevalue(role)
    me = client_for(user).get(reverse("users-me")).json()
    assert me["username"] == user.username and me["role"] == user.role
    assert me["organisation"] == organisation
