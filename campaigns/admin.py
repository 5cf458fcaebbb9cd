from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .inspection_models import InspectionDraw, InspectionVisit
from .models import Action, Campaign, Category, Phase, TaskForceMember, WorkGroup
from .parameters import MONTHLY, QUARTERLY


class PhaseInline(admin.TabularInline):
    model = Phase
    extra = 0


@admin.register(Campaign)
class CampaignAdmin(SimpleHistoryAdmin):
    list_display = ["title", "doc_number", "issuer", "issued_on", "jurisdiction", "is_active"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [PhaseInline]
    # Rule parameters change only through the settings page, which records from which period a
    # change applies (campaigns.parameters); here they would rewrite periods not yet computed.
    readonly_fields = [*MONTHLY, *QUARTERLY]


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


class ReadOnlyAdmin(admin.ModelAdmin):
    """双随机 records are read in the admin, never written there: a draw is immutable and a visit
    writes ledger items and the quarter's score through inspection_workflow."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(InspectionDraw)
class InspectionDrawAdmin(ReadOnlyAdmin):
    list_display = ["pk", "title", "campaign", "seed_date", "seed", "published_at"]
    list_filter = ["campaign"]


@admin.register(InspectionVisit)
class InspectionVisitAdmin(ReadOnlyAdmin):
    list_display = ["project", "draw", "visited_on", "score"]
    list_filter = ["draw__campaign"]
