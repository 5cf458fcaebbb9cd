"""`python manage.py import_ledger FILE --campaign SLUG [--user USERNAME] [--dry-run]`."""

from django.core.management.base import BaseCommand, CommandError

from campaigns.models import Campaign
from ledgers import excel
from orgs.models import User


class Command(BaseCommand):
    help = "导入台账（xlsx）：新行登记为问题，带台账编号的行修改问题，导出后已变的行列为冲突"

    def add_arguments(self, parser):
        parser.add_argument("file", help="台账文件（.xlsx）")
        parser.add_argument("--campaign", required=True, help="整治行动标识")
        parser.add_argument("--user", help="以该用户身份导入（写入时必填；决定范围和可改字段）")
        parser.add_argument("--dry-run", action="store_true", help="只预览，不写入")

    def handle(self, *args, **options):
        campaign = Campaign.objects.filter(slug=options["campaign"]).first()
        if campaign is None:
            raise CommandError(f"没有标识为“{options['campaign']}”的整治行动")
        user = None
        if options["user"]:
            user = User.objects.filter(username=options["user"], is_active=True).first()
            if user is None:
                raise CommandError(f"没有启用的用户“{options['user']}”")
        elif not options["dry_run"]:
            raise CommandError("写入台账时必须用 --user 指明导入人（每条修改都记在其名下）")
        try:
            if options["dry_run"]:
                plan = excel.plan_import(options["file"], campaign, user)
                counts, errors = plan.counts(), [str(e) for e in plan.errors]
            else:
                result = excel.apply_import(options["file"], campaign, user)
                counts, errors = result.counts, result.errors
        except excel.WrongFile as error:
            raise CommandError(str(error)) from error
        except FileNotFoundError as error:
            raise CommandError(f"找不到文件：{options['file']}") from error
        verb = "预览（未写入）" if options["dry_run"] else "已导入"
        summary = "，".join(f"{excel.ACTION_LABELS[k]} {v}" for k, v in counts.items())
        self.stdout.write(f"{verb}：{summary}")
        for line in errors:
            self.stdout.write(f"  {line}")
