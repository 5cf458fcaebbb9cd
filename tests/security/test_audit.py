"""Audit rows cannot be edited or deleted, and bulk updates of cases, actions and scores leave a record.

The append-only guard is a database trigger on both SQLite and PostgreSQL; the row-change records are
PostgreSQL's (run with DATABASE_URL=postgres://...). Each refusal is tried through the ORM's bulk paths,
which bypass model save() and signals, as a careless script or migration would.
"""

from decimal import Decimal

import pytest
from django.core.management import get_commands
from django.db import IntegrityError, connection, transaction
from django.db.models import ProtectedError
from django.utils import timezone

from campaigns.models import Action
from complaints.models import Complaint, ComplaintChange
from ledgers import audit
from ledgers.models import AuditRecord, LedgerEvent, LedgerItem
from orgs.models import Project
from scoring.models import ProjectScore, ScoreRun

postgresql_only = pytest.mark.skipif(
    "connection.vendor != 'postgresql'", reason="row-change triggers are PostgreSQL's"
)


@pytest.fixture
def item(project_a, campaign) -> LedgerItem:
    return LedgerItem.objects.create(
        project=project_a, campaign=campaign, company=project_a.company, problem="楼道堆放杂物"
    )


@pytest.fixture
def event(item, township_a) -> LedgerEvent:
    return LedgerEvent.objects.create(item=item, actor=township_a, move="create", to_status="registered")


@pytest.fixture
def change(project_a, township_a_region) -> ComplaintChange:
    complaint = Complaint.objects.create(
        ticket="T-1",
        received_at=timezone.now(),
        township=township_a_region,
        region_path=project_a.region_path,
        project=project_a,
        content="噪音扰民",
    )
    return ComplaintChange.objects.create(
        complaint=complaint, field="status", before="办理中", after="已办结"
    )


def refused(call) -> None:
    """The statement fails with the guard's message and the surrounding transaction stays usable."""
    with pytest.raises(IntegrityError, match="审计记录只能追加"), transaction.atomic():
        call()


def test_the_guard_covers_events_complaint_changes_history_and_audit_records():
    tables = audit.append_only_tables()
    for table in (
        "ledgers_ledgerevent",
        "complaints_complaintchange",
        "ledgers_auditrecord",
        "orgs_historicalproject",
        "campaigns_historicalaction",
    ):
        assert table in tables


def test_ledger_events_cannot_be_updated_or_deleted_in_bulk(event):
    refused(lambda: LedgerEvent.objects.filter(pk=event.pk).update(note="改写的历史"))
    refused(lambda: LedgerEvent.objects.filter(pk=event.pk).delete())
    event.refresh_from_db()
    assert event.note == ""


def test_complaint_changes_cannot_be_updated_or_deleted(change):
    refused(lambda: ComplaintChange.objects.filter(pk=change.pk).update(after="已撤销"))
    refused(lambda: ComplaintChange.objects.filter(pk=change.pk).delete())
    assert ComplaintChange.objects.get(pk=change.pk).after == "已办结"


def test_a_complaint_with_recorded_changes_is_not_deleted_with_them(change):
    """ComplaintChange cascades from its complaint: the guard turns that cascade into a refusal."""
    refused(lambda: Complaint.objects.filter(pk=change.complaint_id).delete())
    assert Complaint.objects.filter(pk=change.complaint_id).exists()


def test_simple_history_rows_cannot_be_rewritten(project_a):
    rows = Project.history.filter(id=project_a.pk)
    assert rows.exists()
    refused(lambda: rows.update(name="另一个名字"))
    refused(lambda: rows.delete())
    assert Project.history.filter(id=project_a.pk, name=project_a.name).exists()


def test_audit_records_themselves_cannot_be_rewritten(item):
    record = AuditRecord.objects.create(
        table_name="ledgers_ledgeritem",
        row_id=item.pk,
        op="UPDATE",
        before={"status": "registered"},
        after={"status": "closed"},
        at=item.created_at,
        txid=1,
        db_user="app",
    )
    refused(lambda: AuditRecord.objects.filter(pk=record.pk).update(after={"status": "registered"}))
    refused(lambda: AuditRecord.objects.filter(pk=record.pk).delete())


def test_a_ledger_item_with_events_cannot_be_deleted(event):
    with pytest.raises(ProtectedError), transaction.atomic():
        LedgerItem.objects.filter(pk=event.item_id).delete()
    assert LedgerItem.objects.filter(pk=event.item_id).exists()


def test_flush_is_the_one_way_past_the_guard_and_it_is_ours():
    """Tests and load_demo --reset wipe the database with `flush`; ledgers overrides it to let the wipe through."""
    assert get_commands()["flush"] == "ledgers"


@pytest.mark.skipif("connection.vendor != 'sqlite'", reason="PostgreSQL flushes with TRUNCATE")
def test_while_wiping_the_database_sqlite_lets_the_audit_rows_go(event):
    with audit.wiping_database():
        LedgerEvent.objects.all().delete()
    assert not LedgerEvent.objects.exists()
    refused(lambda: LedgerEvent.objects.create(item=event.item, move="x").delete())


# --- PostgreSQL: bulk updates of cases, actions and scores are recorded ----------------------------------


@postgresql_only
def test_a_bulk_update_of_ledger_items_records_before_and_after(item):
    LedgerItem.objects.filter(pk=item.pk).update(status="closed", remarks="脚本批量销号")
    # The newest: creating an item already updated it once (save() writes the reference built from the id).
    record = AuditRecord.objects.filter(table_name="ledgers_ledgeritem", row_id=item.pk).latest("id")
    assert record.op == "UPDATE"
    assert record.before == {"status": "registered", "remarks": ""}
    assert record.after == {"status": "closed", "remarks": "脚本批量销号"}
    assert record.txid > 0 and record.db_user


@postgresql_only
def test_an_update_that_changes_nothing_records_nothing(item):
    before = AuditRecord.objects.count()
    LedgerItem.objects.filter(pk=item.pk).update(status=item.status)
    assert AuditRecord.objects.count() == before


@postgresql_only
def test_one_bulk_statement_records_every_row(project_a, campaign):
    items = [
        LedgerItem.objects.create(project=project_a, campaign=campaign, problem=f"问题{n}") for n in range(5)
    ]
    LedgerItem.objects.filter(pk__in=[i.pk for i in items]).update(deadline="2027-01-31")
    records = AuditRecord.objects.filter(
        table_name="ledgers_ledgeritem", op="UPDATE", before__has_key="deadline"
    )
    assert sorted(records.values_list("row_id", flat=True)) == sorted(i.pk for i in items)
    assert {r.after["deadline"] for r in records} == {"2027-01-31"}


@postgresql_only
def test_bulk_updates_and_deletes_of_actions_are_recorded(action, project_a):
    Action.objects.filter(pk=action.pk).update(status=Action.Status.WAIVED, reason="")
    update = AuditRecord.objects.get(table_name="campaigns_action", row_id=action.pk, op="UPDATE")
    assert (update.before, update.after) == ({"status": "proposed"}, {"status": "waived"})
    Action.objects.filter(pk=action.pk).delete()
    deleted = AuditRecord.objects.get(table_name="campaigns_action", row_id=action.pk, op="DELETE")
    assert deleted.before["target_name"] == project_a.name and deleted.after is None


@postgresql_only
def test_bulk_updates_of_scores_are_recorded(campaign, project_a):
    run = ScoreRun.objects.create(campaign=campaign, quarter="2026-Q3")
    score = ProjectScore.objects.create(
        run=run,
        project=project_a,
        township=project_a.township,
        region_path=project_a.region_path,
        score=Decimal("71.50"),
    )
    ProjectScore.objects.filter(pk=score.pk).update(score=Decimal("95.00"))
    record = AuditRecord.objects.get(table_name="scoring_projectscore", row_id=score.pk)
    assert (record.before, record.after) == ({"score": 71.50}, {"score": 95.00})


@postgresql_only
def test_the_triggers_are_in_place_after_migrate(db):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgrelid::regclass::text, tgname FROM pg_trigger WHERE tgname LIKE 'zzt_%' AND NOT tgisinternal"
        )
        installed = set(cursor.fetchall())
    for table in audit.tracked_tables():
        assert {(table, "zzt_audit_update"), (table, "zzt_audit_delete")} <= installed
    for table in audit.append_only_tables():
        assert (table, "zzt_append_only") in installed


# --- the admin's audit pages still open ------------------------------------------------------------------


def test_the_admins_audit_pages_open(client, admin_user, event, project_a):
    client.force_login(admin_user)
    for url in (
        "/admin/ledgers/ledgerevent/",
        f"/admin/ledgers/ledgerevent/{event.pk}/change/",
        f"/admin/ledgers/ledgeritem/{event.item_id}/change/",
        "/admin/ledgers/auditrecord/",
        f"/admin/orgs/project/{project_a.pk}/history/",
    ):
        assert client.get(url).status_code == 200, url
