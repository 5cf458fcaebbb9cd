"""Deployment: production settings pass `check --deploy`, every response carries the security
headers, and the configured Celery broker (file system by default, Redis in CI) really delivers."""

import os
import re
import subprocess
import sys
import tomllib
import uuid
from pathlib import Path

import pytest
from django.db import connection
from django.urls import reverse

from config.celery import app as celery_app

BASE_DIR = Path(__file__).resolve().parent.parent
STRONG_KEY = "deploy-test-7f3b9c2e5a8d1f4b6e0c9a3d7b2f5e8c1a4d6b9e3f7c0a2d5b8e1f4c7a9d3b6e0"


def normalised(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_lock_pins_every_dependency_of_pyproject_at_the_same_version():
    project = tomllib.loads((BASE_DIR / "pyproject.toml").read_text())["project"]
    wanted = project["dependencies"] + [
        d for extra in project["optional-dependencies"].values() for d in extra
    ]
    locked = {}
    for line in (BASE_DIR / "requirements.lock").read_text().splitlines():
        if "==" in line and not line.startswith("#"):
            name, version = line.split("==")
            locked[normalised(name)] = version.strip()

    for requirement in wanted:
        name, version = re.fullmatch(r"([A-Za-z0-9_.-]+)(?:\[[^\]]*\])?==(\S+)", requirement).groups()
        assert locked.get(normalised(name)) == version, f"{requirement} 未写入 requirements.lock（make lock）"


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    """Run manage.py in a fresh process, so settings are read from `env` as in production."""
    environ = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "DEBUG", "DJANGO_TESTING", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    environ.update(DJANGO_ENV="production", ALLOWED_HOSTS="zhengzhitong.example.gov.cn", **env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_check_deploy_with_no_warning():
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING", SECRET_KEY="k" * 20 + "-deploy-" + "x9" * 20
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_check_deploy_fails_on_a_weak_secret_key():
    result = manage("check", "--deploy", "--fail-level", "WARNING", SECRET_KEY="short")

    assert result.returncode != 0
    assert "security.W009" in result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    result = manage("check")

    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


@pytest.mark.parametrize(("url_name", "logged_in"), [("login", False), ("home", True)])
def test_every_page_carries_the_security_headers(client, township_a, url_name, logged_in):
    if logged_in:
        client.force_login(township_a)

    response = client.get(reverse(url_name))

    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    script_src = csp.split("script-src")[1].split(";")[0]
    assert "'self'" in script_src
    assert "'unsafe-inline'" not in script_src
    assert "'unsafe-eval'" not in script_src
    assert "object-src 'none'" in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_celery_broker_delivers_a_message():
    queue_name = f"zzt-selftest-{uuid.uuid4().hex}"
    with celery_app.connection_for_write() as conn:
        queue = conn.SimpleQueue(queue_name)
        try:
            queue.put({"ping": queue_name})
            message = queue.get(timeout=10)
            message.ack()
            assert message.payload == {"ping": queue_name}
        finally:
            queue.queue.delete()
            queue.close()


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL"), reason="runs on PostgreSQL only when DATABASE_URL is set"
)
def test_database_url_selects_postgresql(db):
    assert connection.vendor == "postgresql"
