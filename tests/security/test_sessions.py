"""Sessions (ASVS 7): rotated at login, dead after logout, password change or deactivation, and timed out."""

import time

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from config.security import LAST_SEEN_KEY, LOGIN_AT_KEY
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def log_in(client: Client, username: str, password: str = PASSWORD):
    return client.post(reverse("login"), {"username": username, "password": password})


def client_with_cookie(session_key: str) -> Client:
    other = Client()
    other.cookies["sessionid"] = session_key
    return other


def age_session(client: Client, **seconds_ago: int) -> None:
    """Move the session's login and activity stamps into the past."""
    session = client.session
    now = int(time.time())
    for key, ago in seconds_ago.items():
        session[{"login_at": LOGIN_AT_KEY, "last_seen": LAST_SEEN_KEY}[key]] = now - ago
    session.save()


def test_login_gives_a_new_session_key_and_drops_the_old_one(client, township_a):
    client.get(reverse("login"))
    session = client.session
    session["before_login"] = "x"
    session.save()
    before = session.session_key

    response = log_in(client, "bob")

    assert response.status_code == 302
    after = client.cookies["sessionid"].value
    assert after != before
    assert not Session.objects.filter(session_key=before).exists()
    assert Session.objects.filter(session_key=after).exists(), "sessions live in the database"


def test_old_cookie_is_refused_after_logout(client, township_a):
    log_in(client, "bob")
    old_key = client.cookies["sessionid"].value
    assert client.get(reverse("home")).status_code == 200

    client.post(reverse("logout"))

    response = client_with_cookie(old_key).get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_other_sessions_die_when_the_password_changes(client, township_a):
    other_device = Client()
    log_in(other_device, "bob")
    log_in(client, "bob")
    new_password = "Qv8-mango-river-71"

    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": new_password, "new_password2": new_password},
    )

    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200, "the device that changed it stays signed in"
    refused = other_device.get(reverse("home"))
    assert refused.status_code == 302 and refused.url.startswith(reverse("login"))


def test_deactivated_user_is_refused_with_an_existing_cookie(client, township_a):
    log_in(client, "bob")
    township_a.is_active = False
    township_a.save()

    response = client.get(reverse("home"))

    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_idle_session_is_logged_out_with_a_chinese_message(client, township_a, settings):
    log_in(client, "bob")
    old_key = client.cookies["sessionid"].value
    age_session(
        client, last_seen=settings.SESSION_IDLE_TIMEOUT + 5, login_at=settings.SESSION_IDLE_TIMEOUT + 5
    )

    response = client.get(reverse("orgs:project_list"), follow=True)

    assert response.redirect_chain[0][1] == 302
    assert response.resolver_match.url_name == "login"
    assert "分钟未操作" in response.content.decode()
    assert not Session.objects.filter(session_key=old_key).exists()


def test_absolute_timeout_ends_even_an_active_session(client, township_a, settings):
    log_in(client, "bob")
    age_session(client, login_at=settings.SESSION_ABSOLUTE_TIMEOUT + 5, last_seen=10)

    response = client.get(reverse("home"), follow=True)

    assert response.resolver_match.url_name == "login"
    assert "小时" in response.content.decode()


def test_activity_inside_the_idle_window_keeps_the_session_and_moves_the_stamp(client, township_a, settings):
    log_in(client, "bob")
    age_session(client, last_seen=settings.SESSION_IDLE_TIMEOUT - 60, login_at=settings.SESSION_IDLE_TIMEOUT)

    assert client.get(reverse("home")).status_code == 200
    assert time.time() - client.session[LAST_SEEN_KEY] < 5


def test_expired_htmx_request_redirects_the_whole_page(client, township_a, settings):
    log_in(client, "bob")
    age_session(client, last_seen=settings.SESSION_IDLE_TIMEOUT + 5)

    response = client.get(reverse("orgs:project_list"), headers={"HX-Request": "true"})

    assert response.headers["HX-Redirect"] == reverse("login")


def test_force_login_sessions_are_stamped_on_first_request(client, township_a):
    client.force_login(township_a)
    client.get(reverse("home"))

    assert client.session[LOGIN_AT_KEY] <= time.time()


def test_signed_in_pages_are_not_stored_by_caches(client, township_a):
    log_in(client, "bob")

    cache_control = client.get(reverse("home")).headers["Cache-Control"]

    assert "no-store" in cache_control and "private" in cache_control


def test_api_token_responses_are_not_stored_by_caches(township_a):
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=township_a)
    response = Client().get("/api/", headers={"Authorization": f"Token {token.key}"})

    assert "no-store" in response.headers.get("Cache-Control", "")


def test_downloads_are_never_stored_even_without_a_session(rf):
    from django.contrib.auth.models import AnonymousUser
    from django.http import HttpResponse

    from config.middleware import PrivateNoStoreMiddleware

    def export_view(request):
        response = HttpResponse(b"a,b\n", content_type="text/csv")
        response["Content-Disposition"] = 'attachment; filename="x.csv"'
        return response

    request = rf.get("/export/")
    request.user = AnonymousUser()
    response = PrivateNoStoreMiddleware(export_view)(request)

    assert "no-store" in response.headers["Cache-Control"]
