"""`visible_to(user)` for every complaints model; the scope comes from orgs.scoping only."""

from django.db import models

from orgs.querysets import RegionScopedQuerySet
from orgs.scoping import ScopeKind, scope_for

# A province holds 5 million complaints: counting them all for a page number would take seconds.
# Counting stops here; past it the page says "1万+" and the filters narrow the list.
COUNT_CAP = 10_000


class ComplaintQuerySet(RegionScopedQuerySet):
    # Companies see complaints about the projects they serve now.
    company_field = "project__company_id"

    def count_up_to(self, cap: int) -> tuple[int, bool]:
        """(rows, whether there are more than cap), counting at most cap + 1 rows in one LIMITed scan.

        A province holds 5 million complaints and over a million wait for review: counting them
        all took ~0.1 s of every page that shows the figure, for a number nobody reads exactly."""
        found = self.order_by().values("pk")[: cap + 1].count()
        return min(found, cap), found > cap

    def in_month(self, start, end) -> "ComplaintQuerySet":
        return self.filter(received_at__gte=start, received_at__lt=end)

    def pending(self) -> "ComplaintQuerySet":
        """The review queue: complaints still waiting for a person to name their project.

        Named states, not "not matched": an IN list is a range of the (match_state, received_at) index,
        a "<>" reads all of it."""
        from .models import MatchState

        return self.filter(match_state__in=[MatchState.REVIEW, MatchState.UNMATCHED])


class MonthlyRankingQuerySet(RegionScopedQuerySet):
    # A company sees the rows where it was the company serving the project that month.
    company_field = "company_id"


class TownshipMonthQuerySet(RegionScopedQuerySet):
    company_field = ""


class ImportBatchQuerySet(RegionScopedQuerySet):
    company_field = ""


class MonthlyRunQuerySet(models.QuerySet):
    def visible_to(self, user) -> "MonthlyRunQuerySet":
        from campaigns.models import Campaign

        return self.filter(campaign__in=Campaign.objects.visible_to(user))


class ResidentReportQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ResidentReportQuerySet":
        """Whoever sees the complaint sees the report it came from."""
        from .models import Complaint

        return self.filter(complaint__in=Complaint.objects.visible_to(user))


class StatusLookupQuerySet(models.QuerySet):
    def visible_to(self, user) -> "StatusLookupQuerySet":
        """Counters of public status checks: only those who see everything may read them."""
        return self if scope_for(user).kind == ScopeKind.EVERYTHING else self.none()
