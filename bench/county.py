"""The embedded default (SQLite, no server) at county size: every main page and the monthly computation.

Run by bench/run.py in a child process without DATABASE_URL, with VAR_DIR pointing at a
benchmark folder: `load_demo --size county` fills it once, then each page is requested
through Django's test client (warm-up, then the median of --runs requests) as the task
force, and the demo campaign's last computed month is computed again from scratch.
Prints the figures as one JSON line.
"""

import json
import os
import statistics
import sys
import time


def _first(model, **filters):
    return model.objects.filter(**filters).order_by("pk").values_list("pk", flat=True).first()


def main_pages(campaign) -> dict[str, str]:
    from django.urls import reverse

    from complaints.models import Complaint, MonthlyRun
    from ledgers.models import LedgerItem, RectificationOrder
    from orgs.models import Company, Project
    from scoring.models import ScoreRun

    pages = {
        "首页": reverse("home"),
        "项目": reverse("orgs:project_list"),
        "物业企业": reverse("orgs:company_list"),
        "收件箱": reverse("orgs:inbox"),
        "台账": reverse("ledgers:item_list"),
        "台账（筛选）": reverse("ledgers:item_list") + "?status=in_progress&overdue=true",
        "整改通知书": reverse("ledgers:order_list"),
        "诉求": reverse("complaints:list"),
        "待确认": reverse("complaints:review"),
        "月度排名": reverse("complaints:ranking"),
        "镇街同比": reverse("complaints:township"),
        "考核": reverse("scoring:quarter_list"),
        "整改措施": reverse("actions:list"),
        "整治行动": reverse("campaigns:campaign_list"),
        "整治行动详情": reverse("campaigns:campaign_detail", args=[campaign.slug]),
    }
    details = {
        "项目详情": ("orgs:project_detail", _first(Project)),
        "企业详情": ("orgs:company_detail", _first(Company)),
        "台账详情": ("ledgers:item_detail", _first(LedgerItem)),
        "通知书详情": ("ledgers:order_detail", _first(RectificationOrder)),
        "诉求详情": ("complaints:detail", _first(Complaint)),
    }
    for label, (name, pk) in details.items():
        if pk is not None:
            pages[label] = reverse(name, args=[pk])
    run = ScoreRun.objects.filter(campaign=campaign).order_by("-quarter").first()
    if run is not None:
        pages["季度考核详情"] = reverse("scoring:quarter_detail", args=[campaign.slug, run.quarter])
    if MonthlyRun.objects.filter(campaign=campaign).exists():
        pages["月度排名"] += f"?campaign={campaign.slug}"
    return pages


def time_pages(user, pages: dict[str, str], runs: int) -> dict[str, float]:
    from django.test import Client

    client = Client()
    client.force_login(user)
    found = {}
    for label, url in pages.items():
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"{label} {url} answered {response.status_code}")
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            client.get(url)
            times.append((time.perf_counter() - started) * 1000)
        found[label] = round(statistics.median(times), 1)
    return found


def time_monthly(campaign, runs: int) -> tuple[str, list[float]]:
    from campaigns.models import Action
    from complaints import monthly
    from complaints.models import MonthlyRun

    month = (
        MonthlyRun.objects.filter(campaign=campaign)
        .order_by("-month")
        .values_list("month", flat=True)
        .first()
    )
    times = []
    for _ in range(runs):
        MonthlyRun.objects.filter(campaign=campaign, month=month).delete()
        Action.objects.filter(campaign=campaign, period=month, status=Action.Status.PROPOSED).delete()
        started = time.perf_counter()
        monthly.compute_month(campaign, month)
        times.append(time.perf_counter() - started)
    return month, times


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from bench.figures import figure
    from campaigns.models import Campaign
    from orgs.demo import demo_exists
    from orgs.models import User

    call_command("migrate", verbosity=0)
    if not demo_exists():
        started = time.perf_counter()
        call_command("load_demo", size="county", seed=1, verbosity=0)
        print(f"load_demo --size county: {time.perf_counter() - started:.0f} s", file=sys.stderr)
    user = User.objects.get(username="taskforce")
    campaign = Campaign.objects.order_by("pk").first()
    month, monthly_times = time_monthly(campaign, runs)
    pages = time_pages(user, main_pages(campaign), max(runs, 5))
    worst = max(pages, key=pages.get)
    figures = [
        figure(f"SQLite county: slowest of {len(pages)} main pages ({worst})", pages[worst], "ms", [],
               "< 200 ms", pages[worst] < 200, json.dumps(pages, ensure_ascii=False), pages=pages),
        figure(f"SQLite county: monthly computation of {month}", round(statistics.median(monthly_times), 2), "s",
               [round(t, 2) for t in monthly_times], "< 2 s", statistics.median(monthly_times) < 2),
    ]  # fmt: skip
    print(json.dumps(figures, ensure_ascii=False))


if __name__ == "__main__":
    main()
