"""Thin Celery wrappers; the work is in quarterly.compute_quarter."""

from celery import shared_task
from django.utils import timezone

from campaigns.models import Campaign

from .periods import Quarter
from .quarterly import ScoringError, compute_quarter


@shared_task
def compute_quarter_task(campaign_id: int, quarter: str) -> str:
    return compute_quarter(Campaign.objects.get(pk=campaign_id), quarter).quarter


@shared_task
def compute_last_quarter() -> list[str]:
    """Beat job on the 1st of January, April, July and October: the quarter just ended, every active campaign.

    A campaign whose last quarter is already published is left alone (compute_quarter refuses).
    """
    quarter = str(Quarter.containing(timezone.localdate()).previous())
    done = []
    for campaign in Campaign.objects.filter(is_active=True):
        try:
            compute_quarter(campaign, quarter)
            done.append(campaign.slug)
        except ScoringError:
            continue
    return done
