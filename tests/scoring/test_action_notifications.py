"""待确认的整改措施: a computation run tells the task force once what it newly proposed."""

from datetime import date
from urllib.parse import parse_qs, urlsplit

from django.urls import reverse

from campaigns.models import Action
from orgs.models import Notification, User
from scoring.quarterly import compute_quarter
from scoring.services import record_evaluation
from tests.conftest import make_user

from .conftest import QUARTER, survey

PROPOSED = Notification.Kind.ACTION_PROPOSED


def test_quarter_run_tells_the_task_force_once_with_counts_by_kind(
    campaign, surveyed, task_force, township_a, company_x
):
    compute_quarter(campaign, QUARTER)
    note = Notification.objects.get(kind=PROPOSED)
    new = Action.objects.filter(period=QUARTER, status="proposed").count()
    assert note.user == task_force
    assert f"新提出 {new} 项整改措施待确认" in note.title
    assert "更换项目经理 1 项" in note.body and "媒体曝光 1 项" in note.body


def test_the_link_opens_the_register_filtered_to_this_run(campaign, surveyed, task_force, client_for):
    compute_quarter(campaign, QUARTER)
    url = Notification.objects.get(kind=PROPOSED).url
    parts = urlsplit(url)
    assert parts.path == reverse("actions:list")
    assert parse_qs(parts.query) == {"campaign": [campaign.slug], "period": [QUARTER], "status": ["proposed"]}
    page = client_for(task_force).get(url)
    assert page.status_code == 200 and "更换项目经理" in page.content.decode()


def test_a_rerun_proposing_nothing_new_tells_nobody_again(campaign, surveyed, task_force):
    compute_quarter(campaign, QUARTER)
    compute_quarter(campaign, QUARTER)
    assert Notification.objects.filter(kind=PROPOSED).count() == 1


def test_a_rerun_that_proposes_more_tells_only_what_is_new(campaign, surveyed, task_force):
    compute_quarter(campaign, QUARTER)
    before = set(Action.objects.values_list("pk", flat=True))
    survey(campaign, surveyed["a"], 20)  # now A is the worst: A's consequences are new
    compute_quarter(campaign, QUARTER)
    added = Action.objects.exclude(pk__in=before).filter(status="proposed").count()
    latest = Notification.objects.filter(kind=PROPOSED).first()
    assert Notification.objects.filter(kind=PROPOSED).count() == 2
    assert f"新提出 {added} 项" in latest.title


def test_only_the_task_force_over_the_campaign_hears_of_proposals(
    campaign, surveyed, task_force, township_a, department, company_x, township_a_region
):
    make_user("tf_township", User.Role.TASK_FORCE, region=township_a_region)
    compute_quarter(campaign, QUARTER)
    told = set(Notification.objects.filter(kind=PROPOSED).values_list("user__username", flat=True))
    assert told == {"alice"}


def test_a_failed_quality_evaluation_tells_the_task_force_of_the_replacement_to_confirm(
    campaign, projects, task_force
):
    record_evaluation(
        campaign,
        projects["y"],
        task_force,
        evaluated_on=date(2024, 3, 20),
        evaluator="第三方",
        passed=False,
        note="",
    )
    note = Notification.objects.get(kind=PROPOSED)
    assert "服务质量评价" in note.title and "启动更换物业企业程序 1 项" in note.body
