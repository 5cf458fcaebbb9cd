"""`manage.py import_projects FILE.xlsx [--county NAME] [--dry-run]`: load the 基础信息台账."""

from pathlib import Path

from django.core.management import BaseCommand, CommandError

from orgs.excel import RosterFileError, read_roster
from orgs.models import Region
from orgs.roster import import_roster


class Command(BaseCommand):
    help = "从 Excel 导入物业项目基础信息台账（按街道+项目名称幂等）。"

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--county", help="导入到哪个区县（名称）；只有一个区县时可省略")
        parser.add_argument("--dry-run", action="store_true", help="只检查并报告，不写入")
        parser.add_argument(
            "--create-regions", action="store_true", help="允许新建区划中没有的街道/乡镇（缺省时这些行拒绝）"
        )

    def handle(
        self, *args, file: Path, county: str | None, dry_run: bool, create_regions: bool, **options
    ) -> None:
        region = self._county(county)
        try:
            with file.open("rb") as handle:
                sheet = read_roster(handle)
        except FileNotFoundError as exc:
            raise CommandError(f"找不到文件：{file}") from exc
        except RosterFileError as exc:
            raise CommandError(str(exc)) from exc
        report = import_roster(sheet, region, dry_run=dry_run, create_regions=create_regions)
        # Every note the web preview shows: refusals on stderr, the rest (new townships, changes) on stdout.
        for result, line in zip([r for r in report.rows if r.messages], report.lines(), strict=True):
            (self.stderr if result.status == "refused" else self.stdout).write(line)
        if report.new_regions and not create_regions:
            names = "、".join(report.new_regions)
            self.stderr.write(f"区划中没有的街道/乡镇：{names}。确认要新建时请加 --create-regions 重新运行。")
        prefix = "（预览，未写入）" if dry_run else ""
        self.stdout.write(self.style.SUCCESS(f"{prefix}{region.name}：{report.summary()}"))

    def _county(self, name: str | None) -> Region:
        counties = Region.objects.filter(level=Region.Level.DISTRICT)
        if name:
            counties = counties.filter(name=name)
        found = list(counties[:2])
        if not found:
            raise CommandError(
                f"未找到区县“{name}”" if name else "系统中还没有区县，请先建立行政区或载入演示数据"
            )
        if len(found) > 1:
            raise CommandError("有多个同名或多个区县，请用 --county 指定区县名称")
        return found[0]
