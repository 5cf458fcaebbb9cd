"""`python manage.py verify_draw ID`: re-run a 双随机 draw from its recorded seed and pool snapshot."""

from django.core.management.base import BaseCommand, CommandError

from campaigns.inspection_models import InspectionDraw
from campaigns.inspection_workflow import verify
from campaigns.inspections import ALGORITHM


class Command(BaseCommand):
    help = "按记录的随机种子和抽取池重算一次双随机抽取，核对结果是否一致。"

    def add_arguments(self, parser) -> None:
        parser.add_argument("draw_id", type=int)

    def handle(self, *args, draw_id: int, **options) -> None:
        draw = InspectionDraw.objects.filter(pk=draw_id).first()
        if draw is None:
            raise CommandError(f"没有编号为 {draw_id} 的抽取。")
        check = verify(draw)
        self.stdout.write(f"抽取 #{draw.pk} {draw.title}")
        self.stdout.write(f"随机种子: {draw.seed}")
        self.stdout.write(f"算法: {ALGORITHM}")
        self.stdout.write(f"项目池 {len(draw.project_pool)} 个, 人员池 {len(draw.inspector_pool)} 人")
        self.stdout.write(f"重算项目: {check.result.project_ids}")
        self.stdout.write(f"重算人员: {check.result.inspector_ids}")
        if not check.ok:
            raise CommandError("核对不一致: " + " ".join(check.messages))
        self.stdout.write(self.style.SUCCESS("核对一致：抽取结果可由种子与抽取池重现。"))
