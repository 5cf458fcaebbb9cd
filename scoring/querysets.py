"""`visible_to(user)` for every scoring model: the same scope as the projects and companies behind them."""

from django.db import models

from orgs.querysets import RegionScopedQuerySet
from orgs.scoping import ScopeKind, scope_for


class ProjectScopedQuerySet(RegionScopedQuerySet):
    """Rows about one project: region prefix for officers, the serving company for company staff."""


class InputQuerySet(ProjectScopedQuerySet):
    """Survey results and inspection scores: a company sees those of the projects it serves now."""

    company_field = "project__company_id"


class CompanyScopedQuerySet(models.QuerySet):
    """Ratings and blacklists of companies: visible where the company itself is visible."""

    def visible_to(self, user):
        from orgs.models import Company

        scope = scope_for(user)
        if scope.kind == ScopeKind.EVERYTHING:
            return self
        if scope.kind == ScopeKind.NOTHING:
            return self.none()
        return self.filter(company__in=Company.objects.visible_to(user))


class CreditRatingQuerySet(CompanyScopedQuerySet):
    def latest_published(self, company):
        """The rating shown publicly at the company's projects: from the latest quarter the task force published."""
        from .models import Publication

        if company is None:
            return None
        published_runs = Publication.objects.filter(kind=Publication.Kind.QUARTER).values("run_id")
        return (
            self.filter(run__in=published_runs, company=company)
            .select_related("run")
            .order_by("-run__quarter")
            .first()
        )


class UnitScoreQuerySet(RegionScopedQuerySet):
    """Township and department scores: officers see the units inside their region; companies none."""

    company_field = ""


class CampaignScopedQuerySet(models.QuerySet):
    """Runs and publications: visible to whoever sees the campaign; their rows are scoped separately."""

    def visible_to(self, user):
        from campaigns.models import Campaign

        return self.filter(campaign__in=Campaign.objects.visible_to(user))
