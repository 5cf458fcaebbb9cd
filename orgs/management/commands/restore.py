"""`manage.py restore ARCHIVE`: into an empty database and an empty MEDIA_ROOT (README: 备份与恢复)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from orgs.backup import BackupError, restore


class Command(BaseCommand):
    help = "从 manage.py backup 的归档恢复到空数据库和空的上传文件目录，并核对校验值和行数"

    def add_arguments(self, parser):
        parser.add_argument("archive", help="backup 生成的 .tar 文件")

    def handle(self, *args, **options):
        archive = Path(options["archive"])
        if not archive.is_file():
            raise CommandError(f"找不到备份文件：{archive}")
        try:
            done = restore(archive)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"已恢复 {done.tables} 张表 {done.rows} 行、上传文件 {done.files} 个；校验值与行数均与备份清单一致"
        )
