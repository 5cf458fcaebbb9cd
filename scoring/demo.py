"""Demo step (orgs.demo.DEMO_STEPS): survey results and inspection scores for the last two
quarters, both quarters computed, and the earlier one published so the public pages have data."""

from decimal import Decimal

from campaigns.models import Campaign
from orgs.demo import DemoContext
from orgs.models import Project

from .models import InspectionScore, SatisfactionSurvey
from .periods import Quarter
from .quarterly import compute_quarter
from .services import publish_quarter


def _inputs(ctx: DemoContext, campaign: Campaign, projects: list[Project], quarter: str) -> None:
    """Most projects are surveyed (满意度 60–98) and some inspected; a few of each are missing on purpose."""
    rng = ctx.rng
    surveys, inspections = [], []
    for project in projects:
        base = rng.uniform(62, 96)
        if rng.random() < 0.92:
            surveys.append(
                SatisfactionSurvey(
                    campaign=campaign,
                    project=project,
                    quarter=quarter,
                    region_path=project.region_path,
                    satisfaction=Decimal(f"{base:.2f}"),
                    sample_size=rng.randint(20, 200),
                )
            )
        if rng.random() < 0.7:
            score = min(100.0, max(40.0, base + rng.uniform(-12, 8)))
            inspections.append(
                InspectionScore(
                    campaign=campaign,
                    project=project,
                    quarter=quarter,
                    region_path=project.region_path,
                    score=Decimal(f"{score:.2f}"),
                )
            )
    SatisfactionSurvey.objects.bulk_create(surveys, batch_size=2000)
    InspectionScore.objects.bulk_create(inspections, batch_size=2000)


def populate(ctx: DemoContext) -> None:
    campaign = Campaign.objects.filter(jurisdiction=ctx.county).first()
    if campaign is None:
        ctx.log("考核：没有整治行动，跳过")
        return
    projects = list(Project.objects.filter(region_path__startswith=campaign.jurisdiction.path))
    latest = Quarter.containing(ctx.today).previous()
    quarters = [latest.previous(), latest]
    for quarter in quarters:
        _inputs(ctx, campaign, projects, str(quarter))
        run = compute_quarter(campaign, str(quarter))
        ctx.log(
            f"考核：{quarter.label} 计分 {run.summary['scored']} 个项目，"
            f"黑榜 {run.summary['black']}，措施 {run.summary['actions']} 项"
        )
    publish_quarter(campaign.score_runs.get(quarter=str(quarters[0])), ctx.users["taskforce"])
    ctx.log(f"考核：已公示 {quarters[0].label}红黑榜与信用等级")
