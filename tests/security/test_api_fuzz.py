"""The API fuzzed from its own OpenAPI schema (issue 18, item 5): no 5xx, no response the schema does not describe.

schemathesis generates requests for every operation drf-spectacular documents — over-long strings,
huge and negative numbers, odd dates, missing and extra fields — and sends them as three roles
(task force, township officer, company user) through the WSGI app, on whatever database the suite
runs on (SQLite locally, PostgreSQL in CI). Bounded: a few examples per operation and role, so the
whole file stays within a couple of minutes. `FUZZ_EXAMPLES=50` runs it harder by hand.
"""

import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, Phase, settings
from rest_framework.authtoken.models import Token
from schemathesis.specs.openapi.checks import (
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from ledgers import workflow

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "3"))
CHECKS = [response_schema_conformance, status_code_conformance]
FIGURES = {"operations": 0, "requests": 0, "server errors": 0, "schema violations": 0}


def _load() -> schemathesis.schemas.BaseSchema:
    """The schema the app serves at /api/schema/, generated in process; requests go through WSGI."""
    loaded = schemathesis.openapi.from_dict(SchemaGenerator().get_schema(request=None, public=True))
    loaded.app = get_wsgi_application()
    return loaded


schema = _load()
FIGURES["operations"] = len(list(schema.get_all_operations()))


@pytest.fixture
def fuzz_data(township_a, company_x, task_force, project_a, campaign):
    """One open item the roles share, so detail and move operations meet a real row now and then."""
    workflow.create_item(user=township_a, campaign=campaign, project=project_a, problem="楼道堆放杂物")
    return {"task_force": task_force, "township": township_a, "company": company_x}


@pytest.fixture(autouse=True)
def keep_the_test_connection():
    """Requests go to the WSGI handler itself, whose request_finished signal closes the database
    connection (and with it the test's transaction on PostgreSQL); Django's test client unhooks it too."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def tokens(fuzz_data) -> dict[str, str]:
    return {role: Token.objects.get_or_create(user=user)[0].key for role, user in fuzz_data.items()}


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
    phases=[Phase.explicit, Phase.generate],
)
def test_the_api_never_answers_500_nor_outside_its_schema(case, tokens):
    """Each generated request is sent as each of the three roles."""
    for token in tokens.values():
        response = case.call(headers={"Authorization": f"Token {token}"})
        FIGURES["requests"] += 1
        FIGURES["server errors"] += response.status_code >= 500
        assert response.status_code < 500, f"{case.method} {case.formatted_path}: {response.text[:300]}"
        try:
            case.validate_response(response, checks=CHECKS, excluded_checks=[negative_data_rejection])
        except Exception:
            FIGURES["schema violations"] += 1
            raise
