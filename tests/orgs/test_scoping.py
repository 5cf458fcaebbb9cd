import pytest

from orgs.models import Company, Project

pytestmark = pytest.mark.django_db


def test_township_officer_sees_only_own_township_projects(projects, township_a):
    assert set(Project.objects.visible_to(township_a)) == {projects["a"]}


def test_task_force_sees_whole_jurisdiction(projects, task_force):
    assert set(Project.objects.visible_to(task_force)) == set(projects.values())


def test_company_sees_only_projects_it_serves(projects, company_y, company_x):
    assert set(Project.objects.visible_to(company_y)) == {projects["y"]}
    assert set(Project.objects.visible_to(company_x)) == {projects["a"], projects["b"]}


def test_township_sees_companies_serving_it_only(projects, township_a, company_x_org):
    assert set(Company.objects.visible_to(township_a)) == {company_x_org}


def test_inactive_user_sees_nothing(projects, task_force):
    task_force.is_active = False
    task_force.save()
    assert not Project.objects.visible_to(task_force).exists()


def test_township_officer_cannot_open_other_townships_project(projects, township_a, client_for):
    client = client_for(township_a)
    assert client.get(f"/orgs/projects/{projects['a'].pk}/").status_code == 200
    assert client.get(f"/orgs/projects/{projects['b'].pk}/").status_code == 404
