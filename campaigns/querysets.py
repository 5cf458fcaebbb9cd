from django.db import models
from django.db.models import Q

from orgs.querysets import RegionScopedQuerySet
from orgs.scoping import ScopeKind, scope_for


class CampaignQuerySet(models.QuerySet):
    def visible_to(self, user) -> "CampaignQuerySet":
        """A campaign is visible to everyone working inside or above its jurisdiction."""
        scope = scope_for(user)
        if scope.kind == ScopeKind.EVERYTHING:
            return self
        if scope.kind == ScopeKind.REGION:
            return self.filter(
                Q(jurisdiction_id__in=scope.ancestor_region_ids)
                | Q(jurisdiction__path__startswith=scope.region_path)
            )
        if scope.kind == ScopeKind.COMPANY:
            from orgs.models import Project

            paths = Project.objects.filter(company_id=scope.company_id).values_list("region_path", flat=True)
            ancestor_ids = {int(p) for path in paths for p in path.strip("/").split("/") if p}
            return self.filter(jurisdiction_id__in=ancestor_ids)
        return self.none()


class CategoryQuerySet(models.QuerySet):
    def visible_to(self, user) -> "CategoryQuerySet":
        from .models import Campaign

        return self.filter(campaign__in=Campaign.objects.visible_to(user))


class ActionQuerySet(RegionScopedQuerySet):
    """Township officers see actions on their own projects and township; companies see their own.

    A department sees only the actions aimed at it (a 表态发言 after a last-placed quarter): it
    neither decides consequences nor carries out those on projects and companies (issue 14).
    """

    def visible_to(self, user) -> "ActionQuerySet":
        if scope_for(user).kind == ScopeKind.REGION and user.role == user.Role.DEPARTMENT:
            return self.filter(department_id=user.department_id) if user.department_id else self.none()
        return super().visible_to(user)


class SelfCheckQuerySet(RegionScopedQuerySet):
    """A filled form belongs to its project: the project's township and company see it."""


class InspectionDrawQuerySet(models.QuerySet):
    def visible_to(self, user) -> "InspectionDrawQuerySet":
        """The task force and departments of the jurisdiction (or above it) see draws; townships and
        companies do not, so who will be inspected is not known in advance (they see the visits)."""
        scope = scope_for(user)
        if scope.kind == ScopeKind.EVERYTHING:
            return self
        if scope.kind == ScopeKind.REGION and user.role != user.Role.TOWNSHIP:
            return self.filter(region_path__startswith=scope.region_path)
        return self.none()

    def published(self) -> "InspectionDrawQuerySet":
        return self.filter(published_at__isnull=False)


class InspectionVisitQuerySet(RegionScopedQuerySet):
    """A township sees visits in its township; a company sees visits to its own projects only once
    the task force has published the draw's results (公开), never a draft."""

    def company_condition(self, company_id: int) -> Q:
        return Q(company_id=company_id, draw__published_at__isnull=False)
