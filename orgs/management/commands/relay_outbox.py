"""Send the work that pages queued while the broker was down (orgs.outbox); beat does it every 30 s."""

from datetime import timedelta

from django.core.management.base import BaseCommand

from orgs import outbox


class Command(BaseCommand):
    help = "把消息服务不可用期间排队的任务发送出去（待发任务表）"

    def handle(self, *args, **options):
        sent, waiting = outbox.relay(older_than=timedelta(0))
        self.stdout.write(f"已发送 {sent} 条，仍待发送 {waiting} 条")
        if waiting:
            self.stderr.write("消息服务仍不可用，稍后由定时任务继续发送")
