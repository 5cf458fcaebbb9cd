"""`visible_to(user)` for every model of the organisation tree (see scoping.py)."""

from django.contrib.auth.models import UserManager
from django.db import models
from django.db.models import Q

from .scoping import ScopeKind, scope_for


class RegionQuerySet(models.QuerySet):
    def visible_to(self, user) -> "RegionQuerySet":
        scope = scope_for(user)
        if scope.kind == ScopeKind.EVERYTHING:
            return self
        if scope.kind == ScopeKind.REGION:
            return self.filter(path__startswith=scope.region_path)
        if scope.kind == ScopeKind.COMPANY:
            from .models import Project

            served = Project.objects.filter(company_id=scope.company_id)
            return self.filter(
                Q(pk__in=served.values("township_id")) | Q(pk__in=served.values("community_id"))
            )
        return self.none()

    def townships(self) -> "RegionQuerySet":
        return self.filter(level="township")


class DepartmentQuerySet(models.QuerySet):
    def visible_to(self, user) -> "DepartmentQuerySet":
        scope = scope_for(user)
        if scope.kind == ScopeKind.EVERYTHING:
            return self
        if scope.kind == ScopeKind.REGION:
            # County departments serve the townships below them, and a task force sees its own units.
            return self.filter(
                Q(region_id__in=scope.ancestor_region_ids) | Q(region__path__startswith=scope.region_path)
            )
        return self.none()


class RegionScopedQuerySet(models.QuerySet):
    """Rows that carry the `region_path` of their project or township, and the company behind them.

    The one shape most domain rows share: officers see the rows under their region, company
    staff the rows whose `company_field` is their company (an empty `company_field`: none).
    Subclasses name their fields, or override `company_condition` for a narrower rule.
    """

    region_field = "region_path"
    company_field = "company_id"

    def company_condition(self, company_id: int) -> Q:
        return Q(**{self.company_field: company_id}) if self.company_field else Q(pk__in=[])

    def visible_to(self, user):
        scope = scope_for(user)
        if scope.kind == ScopeKind.EVERYTHING:
            return self
        if scope.kind == ScopeKind.REGION:
            return self.filter(**{f"{self.region_field}__startswith": scope.region_path})
        if scope.kind == ScopeKind.COMPANY:
            return self.filter(self.company_condition(scope.company_id))
        return self.none()


class ProjectQuerySet(RegionScopedQuerySet):
    pass


class CompanyQuerySet(models.QuerySet):
    def visible_to(self, user) -> "CompanyQuerySet":
        scope = scope_for(user)
        if scope.kind == ScopeKind.EVERYTHING:
            return self
        if scope.kind == ScopeKind.REGION:
            from .models import Project

            serving = Project.objects.filter(region_path__startswith=scope.region_path)
            return self.filter(pk__in=serving.values("company_id"))
        if scope.kind == ScopeKind.COMPANY:
            return self.filter(pk=scope.company_id)
        return self.none()


class ManagerQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ManagerQuerySet":
        scope = scope_for(user)
        if scope.kind == ScopeKind.EVERYTHING:
            return self
        if scope.kind == ScopeKind.REGION:
            from .models import Project

            managing = Project.objects.filter(region_path__startswith=scope.region_path)
            return self.filter(pk__in=managing.values("manager_id"))
        if scope.kind == ScopeKind.COMPANY:
            return self.filter(company_id=scope.company_id)
        return self.none()


class UserQuerySet(models.QuerySet):
    def visible_to(self, user) -> "UserQuerySet":
        scope = scope_for(user)
        if scope.kind == ScopeKind.EVERYTHING:
            return self
        if scope.kind == ScopeKind.REGION:
            return self.filter(region__path__startswith=scope.region_path)
        if scope.kind == ScopeKind.COMPANY:
            return self.filter(company_id=scope.company_id)
        return self.none()


class ScopedUserManager(UserManager.from_queryset(UserQuerySet)):
    pass


class JobQuerySet(models.QuerySet):
    def visible_to(self, user) -> "JobQuerySet":
        """A job's files hold the starter's scoped data, so only the starter (or an admin) sees it."""
        scope = scope_for(user)
        if scope.kind == ScopeKind.EVERYTHING:
            return self
        if scope.kind == ScopeKind.NOTHING:
            return self.none()
        return self.filter(created_by=user)


class NotificationQuerySet(models.QuerySet):
    def visible_to(self, user) -> "NotificationQuerySet":
        """An inbox is personal: everyone, admins included, sees only their own notifications."""
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        return self.filter(user=user)

    def unread(self) -> "NotificationQuerySet":
        return self.filter(read_at__isnull=True)
