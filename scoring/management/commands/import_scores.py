from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from scoring.excel import ImportFileError, import_scores
from scoring.periods import PeriodError
from scoring.quarterly import ScoringError
from scoring.services import pick_campaign


class Command(BaseCommand):
    help = "导入季度满意度测评结果或督查得分（Excel：街道、项目名称、满意度、样本量 / 督查得分）"

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--quarter", required=True, help="YYYY-Qn")
        parser.add_argument("--kind", choices=["satisfaction", "inspection"], default="satisfaction")
        parser.add_argument("--campaign", help="整治行动标识（只有一个进行中的行动时可省略）")

    def handle(self, *args, **options):
        try:
            campaign = pick_campaign(options["campaign"])
            with Path(options["file"]).open("rb") as handle:  # streamed, never read whole into memory
                result = import_scores(handle, campaign, options["quarter"], options["kind"])
        except (ImportFileError, PeriodError, ScoringError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        for e in result.errors:
            self.stderr.write(f"第 {e.row} 行 [{e.column}] {e.reason}")
        self.stdout.write(f"新增 {result.created} 条，更新 {result.updated} 条，错误 {len(result.errors)} 条")
