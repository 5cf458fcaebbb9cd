"""API tokens end with a password change, and each user sees and revokes their own (issue 18, item 7)."""

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token

from tests.conftest import PASSWORD

NEW_PASSWORD = "Qv8-mango-river-71"
# DRF answers a bad token 403 when session authentication comes first (no WWW-Authenticate to send).
REFUSED = (401, 403)


def api_status(key: str, path: str = "/api/users/me/") -> int:
    return Client().get(path, HTTP_AUTHORIZATION=f"Token {key}").status_code


@pytest.fixture
def token(township_a) -> Token:
    return Token.objects.create(user=township_a)


def test_changing_the_password_on_the_page_revokes_the_token(client_for, township_a, token):
    assert api_status(token.key) == 200

    response = client_for(township_a).post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    assert api_status(token.key) in REFUSED, "a copied token stops working with the old password"
    assert not Token.objects.filter(user=township_a).exists()


def test_a_password_set_by_an_administrator_or_the_command_revokes_it_too(township_a, token, monkeypatch):
    township_a.set_password(NEW_PASSWORD)
    township_a.save()
    assert not Token.objects.exists()

    second = Token.objects.create(user=township_a)
    monkeypatch.setattr("getpass.getpass", lambda prompt="": NEW_PASSWORD + "x")
    call_command("changepassword", township_a.username, stdout=None)
    assert not Token.objects.filter(key=second.key).exists()


def test_saving_a_user_without_a_new_password_keeps_the_token(township_a, token):
    township_a.first_name = "博"
    township_a.save()
    assert api_status(token.key) == 200


def test_the_page_shows_only_the_beginning_of_the_key(client_for, township_a, token):
    page = client_for(township_a).get(reverse("orgs:api_tokens")).content.decode()

    assert token.key[:8] in page and token.key not in page


def test_a_new_token_is_shown_once_and_replaces_the_old_one(client_for, township_a, token):
    client = client_for(township_a)
    assert client.post(reverse("orgs:api_token_issue")).status_code == 302

    new = Token.objects.get(user=township_a)
    first_view = client.get(reverse("orgs:api_tokens")).content.decode()
    second_view = client.get(reverse("orgs:api_tokens")).content.decode()

    assert new.key != token.key and api_status(token.key) in REFUSED and api_status(new.key) == 200
    assert new.key in first_view and new.key not in second_view


def test_revoking_on_the_page_removes_only_ones_own_token(client_for, township_a, township_b, token):
    other = Token.objects.create(user=township_b)

    client_for(township_a).post(reverse("orgs:api_token_revoke"))

    assert api_status(token.key) in REFUSED and api_status(other.key) == 200


def test_the_token_pages_need_a_login_and_a_post(client, township_a):
    assert client.get(reverse("orgs:api_tokens")).status_code == 302
    assert client.post(reverse("orgs:api_token_issue")).status_code == 302
    assert not Token.objects.exists()


def test_the_api_shows_and_revokes_the_callers_token(township_a, token):
    client = Client(HTTP_AUTHORIZATION=f"Token {token.key}")

    shown = client.get(reverse("users-me-token")).json()
    assert shown["exists"] and shown["prefix"] == token.key[:8] and token.key not in str(shown)

    assert client.delete(reverse("users-me-token")).status_code == 204
    assert api_status(token.key) in REFUSED


def test_the_account_menu_links_to_the_token_page(client_for, company_x):
    assert reverse("orgs:api_tokens") in client_for(company_x).get(reverse("home")).content.decode()
