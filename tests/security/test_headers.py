"""Production response headers (ASVS 3.4, 14): HSTS, CSP without inline scripts, frame DENY, nosniff, referrer.

Production settings are decided when config.settings is imported, so they are checked in a
child process started with DJANGO_ENV=production, exactly as gunicorn would load them.
`manage.py check --deploy` itself runs in `make check-deploy` (the infra helper's target).
"""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

BASE_DIR = Path(__file__).resolve().parents[2]
HOST = "zhengzhitong.example.gov.cn"

PROBE = f"""
import json
import django
django.setup()
from django.conf import settings
from django.test import Client
from django.test.utils import override_settings, setup_test_environment

setup_test_environment()
# The hashed-name static storage needs collectstatic; the headers do not depend on it.
plain_static = {{**settings.STORAGES, "staticfiles": {{"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}}}
with override_settings(STORAGES=plain_static):
    secure = Client().get("/login/", secure=True, headers={{"host": "{HOST}"}})
    plain = Client().get("/login/", headers={{"host": "{HOST}"}})
names = ["DEBUG", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "SECURE_SSL_REDIRECT"]
print(json.dumps({{
    "status": secure.status_code,
    "headers": dict(secure.headers),
    "body": secure.content.decode(),
    "plain_status": plain.status_code,
    "plain_location": plain.headers.get("Location", ""),
    "settings": {{name: getattr(settings, name) for name in names}},
}}))
"""


@pytest.fixture(scope="module")
def production(tmp_path_factory):
    env = {
        **os.environ,
        "DJANGO_ENV": "production",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "SECRET_KEY": "headers-test-" + "k" * 60,
        "ALLOWED_HOSTS": HOST,
        "VAR_DIR": str(tmp_path_factory.mktemp("prod-var")),
        "DJANGO_TESTING": "false",
    }
    env.pop("DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_sends_hsts_for_a_year_with_subdomains(production):
    assert production["status"] == 200
    hsts = production["headers"]["Strict-Transport-Security"]
    assert "max-age=31536000" in hsts and "includeSubDomains" in hsts


def test_production_redirects_plain_http_to_https(production):
    assert production["plain_status"] == 301
    assert production["plain_location"].startswith(f"https://{HOST}/")


def test_production_headers_forbid_framing_sniffing_and_referrer_leaks(production):
    headers = production["headers"]
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"


def test_production_csp_allows_no_inline_script(production):
    policy = directives(production["headers"]["Content-Security-Policy"])
    assert "'unsafe-inline'" not in policy["script-src"] and "'unsafe-eval'" not in policy["script-src"]
    assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
    assert inline_scripts(production["body"]) == []


def test_production_cookies_are_secure_and_debug_is_off(production):
    assert production["settings"] == {
        "DEBUG": False,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SECURE_SSL_REDIRECT": True,
    }


def directives(header: str) -> dict[str, list[str]]:
    parsed = {}
    for part in header.split(";"):
        name, *values = part.split()
        parsed[name] = values
    return parsed


SCRIPT_TAG = re.compile(r"<script\b([^>]*)>(.*?)</script>", re.S | re.I)
EVENT_ATTR = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)


def inline_scripts(html: str) -> list[str]:
    """Scripts the CSP would block: inline code (JSON data blocks are allowed) and on*= attributes."""
    found = [
        body.strip()[:80]
        for attrs, body in SCRIPT_TAG.findall(html)
        if "src=" not in attrs and "application/json" not in attrs and body.strip()
    ]
    return found + EVENT_ATTR.findall(html)


@pytest.mark.django_db
def test_signed_in_pages_carry_the_csp_and_no_inline_script(client_for, township_a, projects):
    for url in [
        reverse("home"),
        reverse("orgs:project_list"),
        reverse("orgs:project_detail", args=[projects["a"].pk]),
    ]:
        response = client_for(township_a).get(url)

        assert response.status_code == 200, url
        script_src = directives(response.headers["Content-Security-Policy"])["script-src"]
        assert "'self'" in script_src and "'unsafe-inline'" not in script_src
        assert inline_scripts(response.content.decode()) == [], url
