import os

from celery import Celery
from celery.signals import worker_ready

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("zhengzhitong")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_ready.connect
def relay_outbox_at_start(sender=None, **kwargs) -> None:
    """A worker starting after an outage sends what the pages queued meanwhile (orgs.outbox)."""
    sender.app.send_task("orgs.tasks.relay_outbox")
