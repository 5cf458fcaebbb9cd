"""`visible_to(user)` for every scoring model: the same scope as the projects and companies behind them."""

from django.db import models

from orgs.scoping import ScopeKind, scope_for


class ProjectScopedQuerySet(models.QuerySet):
    """Rows about one project: region prefix for officers, the serving company for company staff."""

    company_field = "company_id"

    def visible_to(self, user):
        scope = scope_for(user)
        if scope.kind == ScopeKind.EVERYTHING:
            return self
        if scope.kind == ScopeKind.REGION:
            return self.filter(region_path__startswith=scope.region_path)
        if scope.kind == ScopeKind.COMPANY:
            return self.filter(**{self.company_field: scope.company_id})
        return self.none()


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


class UnitScoreQuerySet(models.QuerySet):
    """Township and department scores: officers see the units inside their region; companies none."""

    def visible_to(self, user):
        scope = scope_for(user)
        if scope.kind == ScopeKind.EVERYTHING:
            return self
        if scope.kind == ScopeKind.REGION:
            return self.filter(region_path__startswith=scope.region_path)
        return self.none()


class CampaignScopedQuerySet(models.QuerySet):
    """Runs and publications: visible to whoever sees the campaign; their rows are scoped separately."""

    def visible_to(self, user):
        from campaigns.models import Campaign

        return self.filter(campaign__in=Campaign.objects.visible_to(user))
