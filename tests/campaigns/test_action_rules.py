"""The one rule registry: texts name the campaign's own plan; a rerun withdraws every kind it proposes."""

import pytest

from campaigns import action_rules
from campaigns.action_rules import EVALUATION, MONTHLY, QUARTERLY, kinds_of, rule_text
from campaigns.actions import withdraw_stale
from campaigns.models import Action, Campaign
from complaints.monthly import compute_month
from scoring.quarterly import compute_quarter
from tests.complaints.test_monthly import add_complaints


def stale(campaign, kind, period, project, status=Action.Status.PROPOSED, **evidence) -> Action:
    """A proposal no computation of the period makes again: its target id is no project's."""
    return Action.objects.create(
        campaign=campaign,
        kind=kind,
        period=period,
        target_type=Action.TargetType.PROJECT,
        target_id=10**9 + project.pk,
        target_name=project.name,
        project=project,
        region_path=project.region_path,
        rule="旧规则",
        status=status,
        evidence=evidence,
    )


@pytest.mark.parametrize(
    ("preset", "expected"),
    [
        ("zaozhuang-2020", "枣庄方案：连续 2 个月投诉量前 50 名的更换项目经理"),
        ("yishui-2024", "沂水方案 三(三)：连续 2 个月投诉量前 50 名的更换项目经理"),
        ("changshu-2025", "常熟方案：连续 2 个月投诉量前 50 名的更换项目经理"),
        ("", "本行动方案：连续 2 个月投诉量前 50 名的更换项目经理"),
    ],
)
def test_rule_text_names_the_campaigns_own_plan(county, preset, expected):
    campaign = Campaign.objects.create(
        slug=f"c-{preset or 'none'}", title="整治", jurisdiction=county, preset=preset
    )

    assert rule_text(campaign, MONTHLY, Action.Kind.REPLACE_MANAGER, n=2, size=50) == expected


def test_every_rule_text_fits_the_actions_rule_column(county):
    campaign = Campaign.objects.create(slug="yishui", title="整治", jurisdiction=county, preset="yishui-2024")
    limit = Action._meta.get_field("rule").max_length
    for computation, kind in action_rules.RULES:
        text = rule_text(campaign, computation, kind, n=12, size=500, share="1/3")
        assert len(text) <= limit, text


def test_a_monthly_rerun_on_a_zaozhuang_campaign_writes_its_plans_name(county, project_a):
    """Before: every campaign's monthly actions said 「沂水方案」."""
    campaign = Campaign.objects.create(
        slug="zz", title="枣庄市物业整治", jurisdiction=county, preset="zaozhuang-2020", ranking_size=1
    )
    add_complaints(project_a, "2024-07", 3)
    add_complaints(project_a, "2024-08", 2)
    compute_month(campaign, "2024-08")

    action = Action.objects.get(campaign=campaign, kind=Action.Kind.REPLACE_MANAGER)
    assert action.rule.startswith("枣庄方案：连续 2 个月")
    assert "沂水" not in action.rule


@pytest.mark.parametrize("kind", kinds_of(MONTHLY))
def test_a_monthly_rerun_withdraws_every_kind_the_registry_gives_it(campaign, project_a, project_b, kind):
    left = stale(campaign, kind, "2024-08", project_a)
    decided = stale(campaign, kind, "2024-08", project_b, Action.Status.CONFIRMED)

    compute_month(campaign, "2024-08")

    assert not Action.objects.filter(pk=left.pk).exists()
    assert Action.objects.filter(pk=decided.pk).exists()


@pytest.mark.parametrize("kind", kinds_of(QUARTERLY))
def test_a_quarterly_rerun_withdraws_every_kind_the_registry_gives_it(campaign, project_a, kind):
    left = stale(campaign, kind, "2024-Q3", project_a)

    compute_quarter(campaign, "2024-Q3")

    assert not Action.objects.filter(pk=left.pk).exists()


def test_a_kind_added_to_the_registry_is_withdrawn_without_touching_the_computation(
    campaign, project_a, monkeypatch
):
    """Before: a kind left out of complaints/monthly.py's KINDS was never withdrawn on a rerun."""
    rule = action_rules.Rule(MONTHLY, Action.Kind.MEDIA_EXPOSURE, "三(三)", "新规则")
    monkeypatch.setitem(action_rules.RULES, (MONTHLY, Action.Kind.MEDIA_EXPOSURE), rule)
    left = stale(campaign, Action.Kind.MEDIA_EXPOSURE, "2024-08", project_a)

    compute_month(campaign, "2024-08")

    assert not Action.objects.filter(pk=left.pk).exists()


def test_a_quarterly_rerun_keeps_a_failed_evaluations_proposal(campaign, project_a):
    assert Action.Kind.REPLACE_COMPANY in kinds_of(EVALUATION)
    evaluation = stale(campaign, Action.Kind.REPLACE_COMPANY, "2024-Q3", project_a, evaluation_id=7)

    withdraw_stale(campaign, "2024-Q3", QUARTERLY, kept=set())

    assert Action.objects.filter(pk=evaluation.pk).exists()
