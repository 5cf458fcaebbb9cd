"""Security tests log in through the real login form many times: hash passwords cheaply here."""

import pytest


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def pytest_terminal_summary(terminalreporter):
    """The access matrix's figures (requests tried, foreign reads and writes that succeeded) and the fuzzer's."""
    import sys

    from .matrix import FIGURES

    fuzz = sys.modules.get("tests.security.test_api_fuzz")
    if fuzz is not None and fuzz.FIGURES["requests"]:
        terminalreporter.section("API fuzzing (schemathesis)")
        for name, value in fuzz.FIGURES.items():
            terminalreporter.write_line(f"{name}: {value}")
    if FIGURES.get("requests"):
        terminalreporter.section("access-control matrix")
        for name, value in sorted(FIGURES.items()):
            terminalreporter.write_line(f"{name}: {value}")
        total = FIGURES["urls"] + FIGURES["admin urls"]
        if total:
            covered = FIGURES["urls checked"] + FIGURES["admin urls"]
            terminalreporter.write_line(f"URLs covered: {covered} of {total} ({100 * covered / total:.0f}%)")


@pytest.fixture
def action(campaign, project_a):
    """A proposed 工作提醒 on project A: what the audit and ETag tests change behind the app's back."""
    from campaigns.models import Action

    return Action.objects.create(
        campaign=campaign,
        kind=Action.Kind.WORK_REMINDER,
        period="2026-11",
        target_type=Action.TargetType.PROJECT,
        target_id=project_a.pk,
        target_name=project_a.name,
        project=project_a,
        region_path=project_a.region_path,
        rule="测试规则",
    )
