"""`python manage.py import_ledger FILE --campaign SLUG [--user USERNAME] [--category CODE] [--dry-run]`.

Prints the same notes as the preview page: an earlier import of the same file, ignored columns,
rows flagged for confirmation, skipped rows, and every refused row with its sheet, row and column.
"""

from django.core.management.base import BaseCommand, CommandError

from ledgers import ledger_import
from orgs.models import User

from ._options import campaign_named, top_category


class Command(BaseCommand):
    help = (
        "导入台账（.xlsx/.xls/.et）：带台账编号的行修改问题，已登记的问题按项目和问题识别，其余登记为新问题"
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="台账文件（.xlsx、.xls 或 WPS .et）")
        parser.add_argument("--campaign", required=True, help="整治行动标识")
        parser.add_argument("--user", help="以该用户身份导入（写入时必填；决定范围和可改字段）")
        parser.add_argument(
            "--category", help="表中没有“整治内容”列、工作表名也不是整治内容时，所属的一级整治内容编号"
        )
        parser.add_argument("--dry-run", action="store_true", help="只预览，不写入")

    def handle(self, *args, **options):
        campaign = campaign_named(options["campaign"])
        user = self._user(options)
        category = top_category(campaign, options["category"])
        path = options["file"]
        try:
            digest = ledger_import.file_digest(path)
            plan = ledger_import.plan_import(path, campaign, user, category=category)
        except ledger_import.WrongFile as error:
            raise CommandError(str(error)) from error
        except FileNotFoundError as error:
            raise CommandError(f"找不到文件：{path}") from error
        plan.notes[:0] = ledger_import.earlier_imports(campaign, digest)
        self._print("预览（未写入）", plan.counts(), plan.lines())
        if options["dry_run"]:
            return
        result = ledger_import.apply_import(path, campaign, user, category=category)
        ledger_import.record_command_import(path, campaign, user, digest, result.counts)
        self._print("已导入", result.counts, [e for e in result.errors if e not in plan.lines()])

    def _user(self, options) -> User | None:
        if options["user"]:
            user = User.objects.filter(username=options["user"], is_active=True).first()
            if user is None:
                raise CommandError(f"没有启用的用户“{options['user']}”")
            return user
        if not options["dry_run"]:
            raise CommandError("写入台账时必须用 --user 指明导入人（每条修改都记在其名下）")
        return None

    def _print(self, verb: str, counts: dict[str, int], lines: list[str]) -> None:
        summary = "，".join(f"{ledger_import.ACTION_LABELS[k]} {v}" for k, v in counts.items())
        self.stdout.write(f"{verb}：{summary}")
        for line in lines:
            self.stdout.write(f"  {line}")
