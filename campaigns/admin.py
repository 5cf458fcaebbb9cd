from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Action, Campaign, Category, Phase, TaskForceMember, WorkGroup


class PhaseInline(admin.TabularInline):
    model = Phase
    extra = 0


@admin.register(Campaign)
class CampaignAdmin(SimpleHistoryAdmin):
    list_display = ["title", "doc_number", "issuer", "issued_on", "jurisdiction", "is_active"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [PhaseInline]


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "campaign", "parent"]
    list_filter = ["campaign"]
    filter_horizontal = ["lead_units", "supporting_units"]


admin.site.register(WorkGroup)
admin.site.register(TaskForceMember)


@admin.register(Action)
class ActionAdmin(SimpleHistoryAdmin):
    list_display = ["kind", "target_name", "period", "status", "campaign"]
    list_filter = ["kind", "status", "campaign"]
    search_fields = ["target_name"]
    readonly_fields = ["evidence", "rule", "created_at"]
