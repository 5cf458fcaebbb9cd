"""Security log (ASVS 16): login failures, lock-outs, 403s and scope 404s are written; secrets never are."""

import logging

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

SECRET_PASSWORD = "Hunter-Secret-Pw-9931"


@pytest.fixture
def security_records(caplog):
    caplog.set_level(logging.INFO)

    def records(event: str) -> list[str]:
        return [
            r.getMessage()
            for r in caplog.records
            if r.name == "security" and f"event={event} " in r.getMessage()
        ]

    return records


def test_a_failed_login_is_logged_with_username_and_address_but_never_the_password(
    client, township_a, security_records, caplog
):
    client.post(reverse("login"), {"username": "bob", "password": SECRET_PASSWORD})

    [line] = security_records("login_failed")
    assert "username=bob" in line and "ip=127.0.0.1" in line and "path=/login/" in line
    assert SECRET_PASSWORD not in caplog.text, "no logger at all may write the posted password"


def test_a_lockout_is_logged(client, township_a, settings, security_records):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "bob", "password": SECRET_PASSWORD})

    assert security_records("locked_out")


def test_a_foreign_object_lookup_is_logged_as_a_scope_404(client_for, township_a, projects, security_records):
    url = reverse("orgs:project_detail", args=[projects["b"].pk])

    response = client_for(township_a).get(url)

    assert response.status_code == 404
    [line] = security_records("scope_404")
    assert (
        f"user={township_a.pk}" in line and f"path={url}" in line and "url_name=orgs:project_detail" in line
    )


def test_a_refused_request_is_logged_as_forbidden(security_records):
    response = Client(enforce_csrf_checks=True).post(reverse("login"), {"username": "bob", "password": "x"})

    assert response.status_code == 403
    assert "path=/login/" in security_records("forbidden")[0]


def test_session_keys_and_tokens_never_reach_the_log(client, township_a, caplog):
    caplog.set_level(logging.DEBUG)
    client.post(reverse("login"), {"username": "bob", "password": PASSWORD})
    session_key = client.cookies["sessionid"].value
    client.get(reverse("home"))
    client.post(reverse("logout"))

    assert session_key not in caplog.text
    assert PASSWORD not in caplog.text


def test_a_forged_newline_in_a_username_cannot_fake_a_log_line(client, security_records):
    client.post(reverse("login"), {"username": "eve\nevent=login user=1", "password": "x"})

    [line] = security_records("login_failed")
    assert "\n" not in line and "eve\\x0aevent=login" in line


def test_secret_url_arguments_are_masked(rf):
    from django.urls import ResolverMatch

    from config.security import safe_path

    request = rf.get("/q/abcDEF123token/?next=/secret")
    request.resolver_match = ResolverMatch(lambda r: None, (), {"token": "abcDEF123token"}, url_name="public")

    assert safe_path(request) == "/q/***/"
