"""Audit records name the person, and the app's database role cannot remove the audit (issue 18, still open).

Both are PostgreSQL's: SQLite keeps only the append-only guard and writes no AuditRecord. CI runs the
suite on PostgreSQL (DATABASE_URL); run these locally with DATABASE_URL=postgres://… .
"""

import uuid

import psycopg
import pytest
from django.db import connection
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from ledgers import workflow
from ledgers.models import AuditRecord, LedgerItem

postgresql_only = pytest.mark.skipif(
    "connection.vendor != 'postgresql'", reason="row-change triggers and roles are PostgreSQL's"
)
pytestmark = [pytest.mark.django_db, postgresql_only]


@pytest.fixture
def item(township_a, campaign, project_a) -> LedgerItem:
    return workflow.create_item(user=township_a, campaign=campaign, project=project_a, problem="楼道堆放杂物")


def latest_record(item: LedgerItem) -> AuditRecord:
    return AuditRecord.objects.filter(table_name=LedgerItem._meta.db_table, row_id=item.pk).latest("id")


def test_a_change_through_the_api_with_a_token_names_the_person(item, company_x):
    client = APIClient(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=company_x).key}")

    response = client.patch(f"/api/ledger-items/{item.pk}/", {"measures": "每日清理"}, format="json")

    assert response.status_code == 200, response.content
    record = latest_record(item)
    assert record.app_user_id == company_x.pk
    assert record.after["measures"] == "每日清理" and record.db_user == connection.settings_dict["USER"]


def test_a_page_move_names_the_signed_in_officer(client_for, item, township_a):
    client_for(township_a).post(f"/ledgers/{item.pk}/move/start/", {"version": item.version})
    item.refresh_from_db()
    assert item.status == LedgerItem.Status.IN_PROGRESS
    assert latest_record(item).app_user_id == township_a.pk


def test_the_person_does_not_stay_on_the_connection_after_the_request(client_for, item, township_a):
    client = APIClient()
    client.force_authenticate(township_a)
    client.patch(f"/api/ledger-items/{item.pk}/", {"remarks": "经办"}, format="json")

    LedgerItem.objects.filter(pk=item.pk).update(remarks="脚本批量修改")  # same connection, no request

    assert latest_record(item).app_user_id is None


# --- the app's database role has no DDL -------------------------------------------------------------


def owner_connection() -> psycopg.Connection:
    s = connection.settings_dict
    return psycopg.connect(
        dbname=s["NAME"],
        user=s["USER"],
        password=s["PASSWORD"],
        host=s["HOST"],
        port=s["PORT"],
        autocommit=True,
    )


@pytest.fixture
def app_role():
    """A login role with only the grants README's deployment section gives the app (DML, no ownership)."""
    with owner_connection() as owner:
        if not owner.execute(
            "SELECT rolsuper OR rolcreaterole FROM pg_roles WHERE rolname = current_user"
        ).fetchone()[0]:
            pytest.skip("the test database's role may not create roles (CREATEROLE)")
        name, password = f"zzt_app_{uuid.uuid4().hex[:8]}", uuid.uuid4().hex
        database = connection.settings_dict["NAME"]
        for statement in (
            f"CREATE ROLE {name} LOGIN PASSWORD '{password}'",
            f'GRANT CONNECT ON DATABASE "{database}" TO {name}',
            f"GRANT USAGE ON SCHEMA public TO {name}",
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {name}",
            f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {name}",
        ):
            owner.execute(statement)
        try:
            yield name, password
        finally:
            # The grants are taken back one by one: DROP OWNED BY needs membership in the role,
            # which a CREATEROLE owner (not a superuser) lacks on PostgreSQL 15.
            for statement in (
                f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM {name}",
                f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {name}",
                f"REVOKE USAGE ON SCHEMA public FROM {name}",
                f'REVOKE CONNECT ON DATABASE "{database}" FROM {name}',
                f"DROP ROLE {name}",
            ):
                owner.execute(statement)


@pytest.mark.parametrize(
    "statement",
    [
        "DROP TRIGGER zzt_append_only ON ledgers_ledgerevent",
        "ALTER TABLE ledgers_ledgerevent DISABLE TRIGGER ALL",
        "DROP FUNCTION zzt_audit_refuse() CASCADE",
        "CREATE OR REPLACE FUNCTION zzt_audit_refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN OLD; END $$",
        "TRUNCATE ledgers_auditrecord",
        "CREATE TABLE public.zzt_probe (id int)",
    ],
)
def test_the_app_role_cannot_remove_or_bypass_the_audit(app_role, statement):
    name, password = app_role
    s = connection.settings_dict
    with psycopg.connect(
        dbname=s["NAME"], user=name, password=password, host=s["HOST"], port=s["PORT"], autocommit=True
    ) as app:
        assert app.execute("SELECT count(*) FROM ledgers_ledgerevent").fetchone()[0] >= 0, (
            "it reads and writes"
        )
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            app.execute(statement)
