"""`python manage.py import_complaints FILE [--channel 12345] [--user USERNAME]`: import and print the counts."""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from complaints.excel import FileFormatError
from complaints.importing import create_batch, file_hash, run_import
from complaints.models import Channel
from orgs.models import User


class Command(BaseCommand):
    help = "导入 12345 等渠道的诉求导出文件（.xlsx/.csv），按渠道+工单编号幂等"

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--channel", default=Channel.HOTLINE, choices=Channel.values)
        parser.add_argument("--user", help="以该用户的权限范围导入（缺省为全部辖区）")

    def handle(self, *args, file: str, channel: str, user: str | None, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"找不到文件：{file}")
        importer = None
        if user:
            importer = User.objects.filter(username=user).first()
            if importer is None:
                raise CommandError(f"找不到用户：{user}")
        batch = create_batch(importer, channel, path.name, digest=file_hash(path))
        started = time.monotonic()
        try:
            batch, _ = run_import(batch, path, importer)
        except FileFormatError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"new={batch.new_count} updated={batch.updated_count} unchanged={batch.unchanged_count} "
            f"matched={batch.matched_count} review={batch.review_count} unmatched={batch.unmatched_count} "
            f"refused={batch.refused_count} duplicate={batch.duplicate_count} "
            f"match_rate={batch.match_rate} seconds={time.monotonic() - started:.1f}"
        )
        self.stdout.write(batch.message)
