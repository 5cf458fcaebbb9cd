"""Which rule parameters a period is computed with, and how a change of them is recorded.

SPEC.md: "Each computed month or quarter keeps the parameters it was computed with; a changed
parameter applies from a stated period on and never rewrites a decided one." Changing 月度排名通报数
from 50 to 40 must not retitle a computed month 「前 40 名」 nor cut its rows when it is recomputed.

- A computed period keeps the parameters stored in its run (MonthlyRun.params, ScoreRun.params);
  recomputing it (late data, corrected matches) uses those, never the campaign's current ones.
- A period computed for the first time takes the ParameterVersion in force for it.
- A change states the period it applies from — by default the next one not yet computed — and
  may not start at or before a computed one.
"""

import copy
from datetime import date

from django.db import transaction

from .models import Campaign, ParameterVersion

Scope = ParameterVersion.Scope

# Which computation reads each parameter. The others (月报截止日, 诉求数据起始月, 异议期限) are not rules of
# a period's ranking and apply at once.
MONTHLY = (
    "ranking_size",
    "streak_replace_manager",
    "streak_replace_company",
    "yoy_commitment_months",
    "yoy_talk_months",
    "yoy_measure",
    "complaint_target_percent",
)
QUARTERLY = (
    "blacklist_times_replace_company",
    "company_blacklist_share_num",
    "company_blacklist_share_den",
    "excellent_share_percent",
    "fee_reduction_complaints",
    "list_rule",
    "score_weights",
    "credit_thresholds",
)
SCOPES = {Scope.MONTHLY: MONTHLY, Scope.QUARTERLY: QUARTERLY}


class ParameterError(ValueError):
    """A change that would rewrite a computed period; the message is for the user."""

    def __init__(self, scope: str, message: str):
        super().__init__(message)
        self.scope = scope


def current(campaign: Campaign, scope: str) -> dict:
    return {name: copy.deepcopy(getattr(campaign, name)) for name in SCOPES[scope]}


def in_force(campaign: Campaign, scope: str, period: str) -> dict:
    """The parameters a period not yet computed is computed with."""
    version = (
        ParameterVersion.objects.filter(campaign=campaign, scope=scope, applies_from__lte=period)
        .order_by("-applies_from")
        .values_list("values", flat=True)
        .first()
    )
    return {**current(campaign, scope), **(version or {})}


def as_of(campaign: Campaign, values: dict) -> Campaign:
    """A copy of the campaign carrying a period's parameters, for a computation to read them where
    it reads the campaign's. Never saved: saving it would write one period's values as current."""
    view = copy.copy(campaign)
    for name, value in values.items():
        if name in MONTHLY or name in QUARTERLY:
            setattr(view, name, value)

    def refuse(*args, **kwargs):
        raise RuntimeError("a period's view of a campaign is never saved")

    view.save = refuse
    return view


def last_computed(campaign: Campaign, scope: str) -> str | None:
    from complaints.models import MonthlyRun
    from scoring.models import ScoreRun

    if scope == Scope.QUARTERLY:  # "2024-Q3" sorts as text
        return (
            ScoreRun.objects.filter(campaign=campaign)
            .order_by("-quarter")
            .values_list("quarter", flat=True)
            .first()
        )
    return (
        MonthlyRun.objects.filter(campaign=campaign)
        .order_by("-month")
        .values_list("month", flat=True)
        .first()
    )


def check_start(campaign: Campaign, scope: str, start: str) -> None:
    """A change may not start at or before a computed period: those keep their parameters."""
    last = last_computed(campaign, scope)
    if last is not None and start <= last:
        raise ParameterError(
            scope, f"{last} 已计算，已计算的期间保持原参数；新参数的起始期间须在 {last} 之后"
        )


def default_starts(campaign: Campaign, today: date) -> dict[str, str]:
    """The default start of a change: the period after the last computed one (today's if none)."""
    from complaints.rules import month_key, shift_month
    from scoring.periods import Quarter

    last_month, last_quarter = (last_computed(campaign, scope) for scope in SCOPES)
    return {
        Scope.MONTHLY: shift_month(last_month, 1) if last_month else month_key(today),
        Scope.QUARTERLY: str(
            Quarter.parse(last_quarter).next() if last_quarter else Quarter.containing(today)
        ),
    }


@transaction.atomic
def change(campaign: Campaign, values: dict, starts: dict[str, str], user) -> list[ParameterVersion]:
    """Record the changed parameters of each computation as in force from its start on, and make
    them the campaign's current ones. The first change of a computation also records the values
    before it, for the periods before its start."""
    before = Campaign.objects.get(pk=campaign.pk)
    versions = []
    for scope, names in SCOPES.items():
        old, new = current(before, scope), {name: values[name] for name in names}
        if new == old:
            continue
        start = starts[scope]
        check_start(campaign, scope, start)
        ParameterVersion.objects.get_or_create(
            campaign=campaign, scope=scope, applies_from="", defaults={"values": old, "changed_by": user}
        )
        version, _ = ParameterVersion.objects.update_or_create(
            campaign=campaign, scope=scope, applies_from=start, defaults={"values": new, "changed_by": user}
        )
        versions.append(version)
    return versions
