"""`python manage.py load_preset yishui-2024 [--jurisdiction 沂水县] [--slug yishui-2024-b] [--start 2026-03-01]`."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from campaigns.preset_loader import PresetError, available_presets, load_preset

LABELS = {
    "phases": "阶段",
    "categories": "整治内容",
    "departments": "部门",
    "townships": "镇街",
    "groups": "工作组",
    "members": "专班成员",
}


class Command(BaseCommand):
    help = "从预设（五份整治方案之一）创建整治行动；重复载入不会重复创建"

    def add_arguments(self, parser):
        slugs = ", ".join(p.slug for p in available_presets())
        parser.add_argument("preset", help=f"预设标识：{slugs}")
        parser.add_argument("--jurisdiction", help="属地：行政区名称或编号（缺省为方案本身的行政区）")
        parser.add_argument("--slug", help="新整治行动的标识（缺省为预设标识）")
        parser.add_argument(
            "--start",
            type=_start_date,
            help="开始日期 YYYY-MM-DD：各阶段整体平移到从这一天开始（缺省为方案原定日期）",
        )

    def handle(self, *args, **options):
        try:
            result = load_preset(
                options["preset"], options["jurisdiction"], options["slug"], options["start"]
            )
        except PresetError as exc:
            raise CommandError(str(exc)) from exc
        campaign = result.campaign
        verb = "已创建" if result.created else "已存在，补齐缺少的部分"
        added = "，".join(f"{LABELS[k]} +{v}" for k, v in result.added.items())
        self.stdout.write(
            f"{campaign.title}（{campaign.slug}，属地：{campaign.jurisdiction}）{verb}：{added}"
        )


def _start_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"开始日期“{text}”不是 YYYY-MM-DD 形式的日期") from exc
