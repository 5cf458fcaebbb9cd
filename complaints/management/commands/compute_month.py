"""`python manage.py compute_month YYYY-MM [--campaign SLUG]`: the monthly ranking and township rules."""

from django.core.management.base import BaseCommand, CommandError

from campaigns.models import Campaign
from complaints import monthly, rules


class Command(BaseCommand):
    help = "计算某月的诉求排名、连续上榜与镇街同比规则，并提出整改措施（可重复运行）"

    def add_arguments(self, parser):
        parser.add_argument("month", help="YYYY-MM")
        parser.add_argument("--campaign", help="整治行动标识（缺省为全部进行中的行动）")

    def handle(self, *args, month: str, campaign: str | None, **options):
        try:
            rules.parse_month(month)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        campaigns = (
            Campaign.objects.filter(slug=campaign) if campaign else Campaign.objects.filter(is_active=True)
        )
        if not campaigns:
            raise CommandError(f"找不到整治行动：{campaign}" if campaign else "没有进行中的整治行动")
        for c in campaigns:
            run = monthly.compute_month(c, month)
            top = run.rankings.filter(in_top=True).count()
            self.stdout.write(
                f"{c.slug} {month}: complaints={run.total_complaints} matched={run.matched_complaints} "
                f"ranked={run.ranked_projects} in_top={top} ytd={run.ytd_count} "
                f"ytd_last_year={run.ytd_last_year} change={run.ytd_change_percent}"
            )
