"""Work asked for while the broker is down is kept in the outbox and relayed when it is back (issue 8)."""

import socket
from datetime import timedelta

import pytest
from celery import current_app
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from orgs import outbox
from orgs.models import Job, OutboxMessage
from orgs.tasks import relay_outbox, run_roster_import
from tests.orgs.roster_files import workbook_bytes
from tests.orgs.test_import_page import upload

ROWS = [[1, "城关街道", "北关社区", "书香苑", None, None, 120, None, None, None, None, None, None]]


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # free once closed: nothing listens there


@pytest.fixture
def broker_down():
    """Tasks really go to a Redis broker, on a port where nothing listens (connection refused)."""
    conf = current_app.conf
    saved = {k: conf[k] for k in ("task_always_eager", "broker_url", "broker_transport_options")}
    conf.update(
        task_always_eager=False,
        broker_url=f"redis://127.0.0.1:{_closed_port()}/0",
        broker_transport_options={"socket_connect_timeout": 1},
    )
    _forget_connections()
    yield
    conf.update(saved)
    _forget_connections()


def _forget_connections():
    # The connection and producer pools are made for the URL of their first use (an earlier test may
    # have sent to a live Redis): both must go, or messages keep reaching the old broker.
    current_app._pool = None
    current_app.amqp._producer_pool = None


@pytest.fixture
def imports_dir(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_a_page_saves_and_queues_while_the_broker_is_down(
    admin_user, county, client_for, broker_down, imports_dir, django_capture_on_commit_callbacks
):
    # Requests run in autocommit, so work is sent as soon as it is saved; tests run in a transaction.
    client = client_for(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("orgs:import_projects"), {"file": upload(workbook_bytes(ROWS)), "county": county.pk}
        )
    job = Job.objects.get()
    assert response.status_code == 302 and job.status == Job.Status.QUEUED
    message = OutboxMessage.objects.get()
    assert (message.task, message.args, message.job) == (run_roster_import.name, [job.pk], job)
    assert message.status == OutboxMessage.Status.WAITING and message.attempts == 1
    assert "Connection refused" in message.last_error or "111" in message.last_error
    status = client.get(reverse("orgs:job_status", args=[job.pk]))
    assert status.status_code == 200 and outbox.BROKER_DOWN in status.text


def test_the_relay_sends_the_kept_work_once_the_broker_is_back(
    admin_user, county, client_for, broker_down, imports_dir, django_capture_on_commit_callbacks
):
    client = client_for(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("orgs:import_projects"), {"file": upload(workbook_bytes(ROWS)), "county": county.pk}
        )
    assert outbox.relay(older_than=timedelta(0)) == (0, 1)  # still down: kept, tried again
    assert OutboxMessage.objects.get().attempts == 2

    current_app.conf.task_always_eager = True  # the broker is back: the task runs here
    assert relay_outbox.delay().get() == 0  # the beat relay leaves rows younger than RELAY_AFTER alone
    assert outbox.relay(older_than=timedelta(0)) == (1, 0)
    job = Job.objects.get()
    assert job.status == Job.Status.DONE and job.message != outbox.BROKER_DOWN
    assert OutboxMessage.objects.get().status == OutboxMessage.Status.SENT
    assert outbox.relay(older_than=timedelta(0)) == (0, 0)  # sent once, not again


def test_the_relay_stops_at_the_first_refusal_and_keeps_the_order(task_force, broker_down):
    first = outbox.enqueue(relay_outbox)
    second = outbox.enqueue(relay_outbox)  # after commit (never, in a test): kept, not tried
    assert outbox.relay(older_than=timedelta(0)) == (0, 2)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.attempts, second.attempts) == (1, 0)


def test_relay_outbox_command_reports_what_it_sent(task_force, monkeypatch, capsys):
    sent = []
    monkeypatch.setattr(relay_outbox, "delay", lambda *args: sent.append(args))
    OutboxMessage.objects.create(task=relay_outbox.name, args=[])
    call_command("relay_outbox")
    assert sent == [()] and "已发送 1 条，仍待发送 0 条" in capsys.readouterr().out


def test_work_is_sent_only_after_its_transaction_commits(
    task_force, broker_down, monkeypatch, django_capture_on_commit_callbacks
):
    sent = []
    monkeypatch.setattr(relay_outbox, "delay", lambda *args: sent.append(args))
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            outbox.enqueue(relay_outbox, 7)
            assert sent == []  # the worker could not see the rows yet
    assert sent == [(7,)]
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            outbox.enqueue(relay_outbox, 8)
            raise RuntimeError
    assert callbacks == [] and sent == [(7,)]
    assert list(OutboxMessage.objects.values_list("args", flat=True)) == [[7]]


def test_the_ranking_page_says_the_computation_waits_for_the_broker(
    task_force, client_for, broker_down, django_capture_on_commit_callbacks
):
    from campaigns.models import Campaign

    campaign = Campaign.objects.create(title="示范整治", slug="demo", jurisdiction=task_force.region)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(task_force).post(
            reverse("complaints:compute"), {"campaign": campaign.slug, "month": "2024-07"}, follow=True
        )
    assert response.status_code == 200 and outbox.BROKER_DOWN in response.text
    assert OutboxMessage.objects.get().status == OutboxMessage.Status.WAITING


def test_a_starting_worker_relays_what_waited():
    from types import SimpleNamespace

    from config.celery import relay_outbox_at_start

    sent = []
    app = SimpleNamespace(send_task=sent.append)
    relay_outbox_at_start(sender=SimpleNamespace(app=app))
    assert sent == [relay_outbox.name]
