"""Shared fixtures: one user per role, each with data they should see and data they must not.

The county 示范县 has two townships, A (城关街道) and B (东城街道); company X serves
projects in both, company Y only in B. Every scoping test asks the same question:
can this person reach something outside their own scope?
"""

from datetime import date

import pytest

from campaigns.models import Campaign
from orgs.models import Company, Department, Manager, Project, ProjectAssignment, Region, User

PASSWORD = "Zz-test-pass-2024!"


@pytest.fixture
def county(db) -> Region:
    city = Region.objects.create(name="示范市", level=Region.Level.CITY)
    return Region.objects.create(name="示范县", level=Region.Level.DISTRICT, parent=city)


@pytest.fixture
def township_a_region(county) -> Region:
    return Region.objects.create(name="城关街道", level=Region.Level.TOWNSHIP, parent=county)


@pytest.fixture
def township_b_region(county) -> Region:
    return Region.objects.create(name="东城街道", level=Region.Level.TOWNSHIP, parent=county)


@pytest.fixture
def community_a(township_a_region) -> Region:
    return Region.objects.create(name="北关社区", level=Region.Level.COMMUNITY, parent=township_a_region)


@pytest.fixture
def housing_bureau(county) -> Department:
    return Department.objects.create(name="县住建局", region=county)


@pytest.fixture
def company_x_org(db) -> Company:
    return Company.objects.create(
        name="示范物业服务有限公司", credit_code="91371323MA3C4XQ61H", contact="王经理"
    )


@pytest.fixture
def company_y_org(db) -> Company:
    return Company.objects.create(name="东城物业管理有限公司", contact="李经理")


def make_project(
    name, township, company, manager=None, community=None, households=300, start=date(2023, 1, 1)
):
    project = Project.objects.create(
        name=name,
        township=township,
        community=community,
        company=company,
        manager=manager,
        households=households,
    )
    ProjectAssignment.objects.create(project=project, company=company, manager=manager, start=start)
    return project


@pytest.fixture
def project_a(township_a_region, community_a, company_x_org) -> Project:
    manager = Manager.objects.create(name="赵一", phone="13800000001", company=company_x_org)
    return make_project("阳光花园", township_a_region, company_x_org, manager, community_a)


@pytest.fixture
def project_b(township_b_region, company_x_org) -> Project:
    manager = Manager.objects.create(name="钱二", phone="13800000002", company=company_x_org)
    return make_project("东湖家园", township_b_region, company_x_org, manager)


@pytest.fixture
def project_y(township_b_region, company_y_org) -> Project:
    manager = Manager.objects.create(name="孙三", phone="13800000003", company=company_y_org)
    return make_project("锦绣苑", township_b_region, company_y_org, manager)


@pytest.fixture
def projects(project_a, project_b, project_y) -> dict[str, Project]:
    return {"a": project_a, "b": project_b, "y": project_y}


@pytest.fixture
def campaign(county) -> Campaign:
    return Campaign.objects.create(slug="demo-2024", title="物业领域突出问题专项整治", jurisdiction=county)


def make_user(username: str, role: str, **org) -> User:
    return User.objects.create_user(
        username=username, password=PASSWORD, role=role, full_name=username, **org
    )


@pytest.fixture
def task_force(county) -> User:
    return make_user("alice", User.Role.TASK_FORCE, region=county)


@pytest.fixture
def township_a(township_a_region) -> User:
    return make_user("bob", User.Role.TOWNSHIP, region=township_a_region)


@pytest.fixture
def township_b(township_b_region) -> User:
    return make_user("charlie", User.Role.TOWNSHIP, region=township_b_region)


@pytest.fixture
def department(county, housing_bureau) -> User:
    return make_user("dora", User.Role.DEPARTMENT, region=county, department=housing_bureau)


@pytest.fixture
def company_x(company_x_org) -> User:
    return make_user("xavier", User.Role.COMPANY, company=company_x_org)


@pytest.fixture
def company_y(company_y_org) -> User:
    return make_user("yvonne", User.Role.COMPANY, company=company_y_org)


@pytest.fixture
def admin_user(db) -> User:
    return User.objects.create_superuser(username="root", password=PASSWORD, role=User.Role.ADMIN)


@pytest.fixture
def client_for(client):
    """Log a test client in as a user: `client_for(township_a).get(url)`."""

    def login(user):
        client.force_login(user)
        return client

    return login
