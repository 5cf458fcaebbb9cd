from django.core.management.base import BaseCommand, CommandError

from scoring.periods import PeriodError
from scoring.quarterly import ScoringError, compute_quarter
from scoring.services import pick_campaign


class Command(BaseCommand):
    help = "计算季度考核：项目得分、红黑榜、企业黑名单、信用等级、镇街/部门排名，并提出整改措施"

    def add_arguments(self, parser):
        parser.add_argument("quarter", help="YYYY-Qn")
        parser.add_argument("--campaign", help="整治行动标识（只有一个进行中的行动时可省略）")

    def handle(self, *args, **options):
        try:
            run = compute_quarter(pick_campaign(options["campaign"]), options["quarter"])
        except (PeriodError, ScoringError) as exc:
            raise CommandError(str(exc)) from exc
        s = run.summary
        self.stdout.write(
            f"{run.quarter}：项目 {s['projects']} 个，计分 {s['scored']} 个（缺项 {s['missing_input']}），"
            f"红榜 {s['red']}，黑榜 {s['black']}，企业黑名单 {s['blacklisted_companies']}，"
            f"信用评级 {s['rated_companies']} 家，措施 {s['actions']} 项"
        )
