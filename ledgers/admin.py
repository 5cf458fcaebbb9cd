"""Read-only admin views of the ledger: every change goes through `workflow`, so the admin
can look (audit) but never edit or delete past it."""

from django.contrib import admin

from .models import (
    AuditRecord,
    Bulletin,
    Evidence,
    LedgerEvent,
    LedgerItem,
    MonthlyReport,
    OrderResponse,
    RectificationOrder,
    RectificationPlan,
    TypicalCase,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class EventInline(admin.TabularInline):
    model = LedgerEvent
    fields = ["at", "actor", "move", "from_status", "to_status", "note", "changes"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(LedgerItem)
class LedgerItemAdmin(ReadOnlyAdmin):
    list_display = [
        "reference",
        "project",
        "township",
        "status",
        "deadline",
        "escalation_level",
        "updated_at",
    ]
    list_filter = ["status", "source", "escalation_level", "campaign"]
    search_fields = ["reference", "problem", "project__name"]
    list_select_related = ["project", "township"]
    show_full_result_count = False
    inlines = [EventInline]


@admin.register(LedgerEvent)
class LedgerEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "item", "actor", "move", "from_status", "to_status"]
    list_filter = ["move"]
    list_select_related = ["item", "actor"]
    show_full_result_count = False


@admin.register(AuditRecord)
class AuditRecordAdmin(ReadOnlyAdmin):
    """Rows the database triggers wrote when a case, an action or a score was changed or deleted."""

    list_display = ["at", "table_name", "row_id", "op", "db_user", "txid"]
    list_filter = ["table_name", "op"]
    search_fields = ["=row_id"]
    show_full_result_count = False


@admin.register(Evidence)
class EvidenceAdmin(ReadOnlyAdmin):
    list_display = ["item", "kind", "original_name", "content_type", "size", "uploaded_by", "uploaded_at"]
    list_select_related = ["item", "uploaded_by"]


@admin.register(RectificationPlan)
class RectificationPlanAdmin(ReadOnlyAdmin):
    list_display = ["item", "old_deadline", "new_deadline", "created_by", "created_at"]


class OrderResponseInline(admin.TabularInline):
    model = OrderResponse
    fields = ["item", "measures", "decision", "reason", "submitted_at", "decided_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(RectificationOrder)
class RectificationOrderAdmin(ReadOnlyAdmin):
    list_display = ["number", "project", "company", "status", "deadline", "issued_at"]
    list_filter = ["status"]
    search_fields = ["number", "project__name", "company__name"]
    inlines = [OrderResponseInline]


@admin.register(Bulletin)
class BulletinAdmin(ReadOnlyAdmin):
    list_display = ["campaign", "kind", "period", "number", "status", "published_at"]
    list_filter = ["kind", "status"]


@admin.register(MonthlyReport)
class MonthlyReportAdmin(ReadOnlyAdmin):
    list_display = ["campaign", "township", "month", "status", "first_submitted_at"]
    list_filter = ["status", "month"]


@admin.register(TypicalCase)
class TypicalCaseAdmin(ReadOnlyAdmin):
    list_display = ["title", "kind", "township", "is_published"]
    list_filter = ["kind", "is_published"]
