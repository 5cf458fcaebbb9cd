"""`python manage.py export_ledger --campaign SLUG --out FILE [--township NAME] [--category CODE]`."""

import time

from django.core.management.base import BaseCommand, CommandError

from campaigns.models import Campaign
from ledgers import excel
from ledgers.models import LedgerItem
from orgs.models import Region, User

from ._options import campaign_named, top_category


class Command(BaseCommand):
    help = "按攻坚行动整治工作台账样表导出台账（xlsx）"

    def add_arguments(self, parser):
        parser.add_argument("--campaign", required=True, help="整治行动标识")
        parser.add_argument("--out", required=True, help="输出文件（.xlsx）")
        parser.add_argument("--township", help="只导出该镇街（名称）")
        parser.add_argument("--category", help="只导出该整治内容（一级编号，如 1）")
        parser.add_argument("--one-sheet", action="store_true", help="全部放在一张工作表")
        parser.add_argument("--user", help="按该用户的范围导出（缺省为全部）")

    def handle(self, *args, **options):
        campaign = campaign_named(options["campaign"])
        user, items = None, LedgerItem.objects.all()
        if options["user"]:
            user = User.objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"没有用户“{options['user']}”")
            items = LedgerItem.objects.visible_to(user)
        township = self._township(campaign, options["township"]) or excel.home_township(user)
        scope = excel.ExportScope(
            campaign, township, top_category(campaign, options["category"]), options["one_sheet"]
        )
        started = time.perf_counter()
        written = excel.write_workbook(options["out"], scope, excel.export_items(scope, items))
        seconds = time.perf_counter() - started
        self.stdout.write(f"已导出 {written} 条问题到 {options['out']}（{seconds:.1f} 秒）")

    def _township(self, campaign: Campaign, name: str | None) -> Region | None:
        if not name:
            return None
        township = Region.objects.townships().filter(name=name, path__startswith=campaign.jurisdiction.path)
        found = list(township[:2])
        if len(found) != 1:
            raise CommandError(f"在{campaign.jurisdiction}下没有唯一名为“{name}”的镇街")
        return found[0]
