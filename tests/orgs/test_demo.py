import random
from io import StringIO

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.management import call_command
from django.utils import timezone

from orgs import demo
from orgs.models import Company, Project, ProjectAssignment, Region, User
from orgs.validators import is_valid_uscc

pytestmark = pytest.mark.django_db


def load(*args: str) -> str:
    out = StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


def orgs_only(monkeypatch):
    """Other apps append their steps; these tests are about the organisation step."""
    monkeypatch.setattr(demo, "DEMO_STEPS", ["orgs.demo.populate"])


def project_names() -> list[tuple[str, str]]:
    return list(Project.objects.order_by("township__name", "name").values_list("township__name", "name"))


def test_county_demo_has_the_shape_of_a_county(monkeypatch):
    orgs_only(monkeypatch)
    output = load("--size", "county", "--seed", "7")
    county = Region.objects.get(name="临河县")
    townships = Region.objects.townships().filter(parent=county)
    assert townships.count() == 20
    assert {t.name[-2:] for t in townships} >= {"街道"} and any(t.name.endswith("镇") for t in townships)
    assert 380 <= Project.objects.count() <= 440
    assert Company.objects.count() == 50
    assert all(is_valid_uscc(code) for code in Company.objects.values_list("credit_code", flat=True))
    assert Project.objects.filter(households__lt=80).count() == 0
    assert "Linhe-Demo-2024" in output and "taskforce" in output and "城关街道" in output


def test_some_projects_changed_company_so_served_by_differs_from_today(monkeypatch):
    orgs_only(monkeypatch)
    load("--size", "county")
    ended = ProjectAssignment.objects.filter(end__isnull=False).select_related("project")
    changed = [a for a in ended if a.company_id != a.project.company_id]
    assert len(changed) >= 20
    spell = changed[0]
    assert spell.project.served_by(spell.end).company_id == spell.company_id
    assert spell.project.served_by(timezone.localdate()).company_id == spell.project.company_id


# --reset flushes the database, which PostgreSQL refuses inside the test's own transaction.
@pytest.mark.django_db(transaction=True)
def test_same_seed_gives_same_names_and_another_seed_other_names(monkeypatch):
    orgs_only(monkeypatch)
    load("--size", "small", "--seed", "3")
    first = project_names()
    load("--size", "small", "--seed", "3", "--reset")
    assert project_names() == first
    load("--size", "small", "--seed", "4", "--reset")
    assert project_names() != first


def test_running_again_keeps_the_data(monkeypatch):
    orgs_only(monkeypatch)
    load("--size", "small")
    ids = set(Project.objects.values_list("pk", flat=True))
    output = load("--size", "small")
    assert "演示数据已存在" in output
    assert set(Project.objects.values_list("pk", flat=True)) == ids


def test_every_role_has_a_demo_account_that_can_log_in(monkeypatch, client):
    orgs_only(monkeypatch)
    load("--size", "small")
    roles = set(User.objects.values_list("role", flat=True))
    assert roles == set(User.Role.values)
    for username in demo.DEMO_USERNAMES:
        response = client.post("/login/", {"username": username, "password": demo.DEMO_PASSWORD})
        assert response.status_code == 302 and response.url == "/", username
        assert client.get("/").status_code == 200
        client.post("/logout/")
    township = User.objects.get(username="township")
    company = User.objects.get(username="company")
    served = set(Project.objects.filter(company=company.company).values_list("township_id", flat=True))
    assert township.region_id in served and len(served) > 1


def test_demo_password_passes_the_password_validators():
    validate_password(demo.DEMO_PASSWORD, User(username="taskforce"))


def test_extension_steps_run_after_the_organisations_with_the_context(monkeypatch):
    seen = {}

    def step(ctx):
        seen.update(county=ctx.county.name, users=sorted(ctx.users), projects=len(ctx.projects))

    monkeypatch.setattr(demo, "DEMO_STEPS", ["orgs.demo.populate", "tests.orgs.test_demo.recording_step"])
    monkeypatch.setattr("tests.orgs.test_demo.recording_step", step, raising=False)
    load("--size", "small")
    assert seen["county"] == "临河县"
    assert seen["users"] == sorted(demo.DEMO_USERNAMES)
    assert seen["projects"] == Project.objects.count()


def test_project_names_are_unique_within_each_township():
    ctx = demo.DemoContext(
        rng=random.Random(1), size="small", seed=1, today=timezone.localdate(), log=lambda m: None
    )
    demo.populate(ctx)
    names = project_names()
    assert len(names) == len(set(names))
