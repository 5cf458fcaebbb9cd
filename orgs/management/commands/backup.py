"""`manage.py backup [--output DIR]`: the database and the uploaded files in one archive (orgs.backup)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from orgs.backup import BackupError, backup


class Command(BaseCommand):
    help = "备份数据库和上传文件到一个归档（含清单：各表行数、文件校验值、版本）"

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            default=str(settings.BACKUP_DIR),
            help="备份目录，或以 .tar 结尾的文件名（默认 BACKUP_DIR）",
        )

    def handle(self, *args, **options):
        try:
            archive, manifest = backup(Path(options["output"]))
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(manifest["tables"].values())
        self.stdout.write(
            f"已备份到 {archive}：{len(manifest['tables'])} 张表 {rows} 行，上传文件 {len(manifest['media'])} 个"
        )
