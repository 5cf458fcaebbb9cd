"""`visible_to(user)` for every complaints model; the scope comes from orgs.scoping only."""

from django.db import models

from orgs.scoping import ScopeKind, scope_for


class _RegionScopedQuerySet(models.QuerySet):
    """Rows carrying a `region_path`; companies see rows about the projects they serve."""

    company_field = "project__company_id"

    def visible_to(self, user):
        scope = scope_for(user)
        if scope.kind == ScopeKind.EVERYTHING:
            return self
        if scope.kind == ScopeKind.REGION:
            return self.filter(region_path__startswith=scope.region_path)
        if scope.kind == ScopeKind.COMPANY and self.company_field:
            return self.filter(**{self.company_field: scope.company_id})
        return self.none()


class ComplaintQuerySet(_RegionScopedQuerySet):
    def in_month(self, start, end) -> "ComplaintQuerySet":
        return self.filter(received_at__gte=start, received_at__lt=end)

    def pending(self) -> "ComplaintQuerySet":
        """The review queue: complaints still waiting for a person to name their project."""
        return self.exclude(match_state="matched")


class MonthlyRankingQuerySet(_RegionScopedQuerySet):
    # A company sees the rows where it was the company serving the project that month.
    company_field = "company_id"


class TownshipMonthQuerySet(_RegionScopedQuerySet):
    company_field = ""


class ImportBatchQuerySet(_RegionScopedQuerySet):
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
