from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Company,
    Department,
    Manager,
    ManagerListEntry,
    Notification,
    OwnersCommittee,
    Project,
    ProjectAlias,
    ProjectAssignment,
    Region,
    User,
)


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["name", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["name"]
    raw_id_fields = ["parent"]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "region"]
    search_fields = ["name"]


@admin.register(Company)
class CompanyAdmin(SimpleHistoryAdmin):
    list_display = ["name", "credit_code", "contact", "phone"]
    search_fields = ["name", "credit_code"]


class ManagerListEntryInline(admin.TabularInline):
    model = ManagerListEntry
    extra = 0


@admin.register(Manager)
class ManagerAdmin(SimpleHistoryAdmin):
    list_display = ["name", "phone", "company"]
    search_fields = ["name", "phone"]
    raw_id_fields = ["company"]
    inlines = [ManagerListEntryInline]


class AliasInline(admin.TabularInline):
    model = ProjectAlias
    extra = 0


class AssignmentInline(admin.TabularInline):
    model = ProjectAssignment
    extra = 0
    raw_id_fields = ["company", "manager"]


@admin.register(Project)
class ProjectAdmin(SimpleHistoryAdmin):
    list_display = ["name", "township", "community", "company", "households"]
    list_filter = ["is_resettlement", "has_old_elevators"]
    search_fields = ["name", "aliases__name", "address"]
    raw_id_fields = ["township", "community", "company", "manager"]
    inlines = [AliasInline, AssignmentInline]


admin.site.register(OwnersCommittee)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "full_name", "role", "region", "department", "company", "is_active"]
    list_filter = ["role", "is_active"]
    raw_id_fields = ["region", "department", "company"]
    fieldsets = [
        *BaseUserAdmin.fieldsets,
        ("整治通", {"fields": ["role", "full_name", "phone", "region", "department", "company"]}),
    ]


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["title", "user", "kind", "created_at", "read_at", "emailed_at"]
    list_filter = ["kind"]
    search_fields = ["title", "user__username"]
    raw_id_fields = ["user"]
