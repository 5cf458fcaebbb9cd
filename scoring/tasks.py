"""Thin Celery wrappers; the work is in quarterly.compute_quarter."""

from celery import shared_task
from django.utils import timezone

from campaigns.models import Campaign
from orgs import jobs
from orgs.models import Job
from orgs.taskpolicy import RETRY, once_per_slot

from .periods import Quarter
from .quarterly import ScoringError, compute_quarter


@shared_task(**RETRY)
def import_scores_job(job_id: int) -> None:
    """The import page's upload, read whole here rather than in the request."""
    from . import import_jobs

    import_jobs.run(Job.objects.select_related("created_by").get(pk=job_id))


@shared_task(**RETRY)
def compute_quarter_job(job_id: int) -> None:
    """The page's 计算 button: compute one quarter, recording progress and the outcome on the Job row."""
    job = Job.objects.select_related("created_by").get(pk=job_id)
    jobs.start(job, message="正在汇总数据并计算……")
    try:
        run = compute_quarter(
            Campaign.objects.get(pk=job.params["campaign"]), job.params["quarter"], job.created_by
        )
    except ScoringError as exc:
        jobs.fail(job, str(exc))
        return
    s = run.summary
    jobs.finish(
        job,
        result={"run": run.pk},
        message=f"计分 {s['scored']} 个项目，红榜 {s['red']}，黑榜 {s['black']}，措施 {s['actions']} 项",
    )


@shared_task(**RETRY)
@once_per_slot
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
