"""`manage.py load_demo [--size small|county|city] [--seed N] [--reset]`: the demo county, once."""

import random
import time

from django.conf import settings
from django.core.management import BaseCommand, CommandError, call_command
from django.db import transaction
from django.utils import timezone

from orgs.demo import DEMO_PASSWORD, SIZES, DemoContext, demo_accounts, demo_exists, run_steps


class Command(BaseCommand):
    help = "载入演示数据（临河市临河县）。已存在时不做任何改动，除非指定 --reset。"

    def add_arguments(self, parser) -> None:
        parser.add_argument("--size", choices=list(SIZES), default="county")
        parser.add_argument("--seed", type=int, default=2024)
        parser.add_argument("--reset", action="store_true", help="清空整个数据库（flush）后重新载入演示数据")

    def handle(self, *args, size: str, seed: int, reset: bool, **options) -> None:
        if settings.PRODUCTION:
            # No default accounts in production (ASVS 6.3): the demo password is printed in the README.
            raise CommandError("生产环境（DJANGO_ENV=production）不能载入演示数据和演示账户。")
        if reset:
            call_command("flush", interactive=False, verbosity=0)
            self.stdout.write("已清空数据库。")
        if demo_exists():
            self.stdout.write("演示数据已存在，未做改动（如需重建请加 --reset）。")
        else:
            started = time.monotonic()
            ctx = DemoContext(
                rng=random.Random(seed),
                size=size,
                seed=seed,
                today=timezone.localdate(),
                log=self.stdout.write,
            )
            with transaction.atomic():
                run_steps(ctx)
            self.stdout.write(
                self.style.SUCCESS(
                    f"演示数据已载入（{size}，种子 {seed}），用时 {time.monotonic() - started:.1f} 秒。"
                )
            )
        self._print_accounts()

    def _print_accounts(self) -> None:
        accounts = demo_accounts()
        if not accounts:
            return
        self.stdout.write(f"\n演示账户（密码均为 {DEMO_PASSWORD}）：")
        for username, role, organisation in accounts:
            self.stdout.write(f"  {username:<12} {role:<6} {organisation}")
