from django.contrib import admin

from clients.models import (
    Client,
    ClientTransfer,
    ContactPerson,
    Deal,
    DealStage,
    DealStageChange,
    Email,
    LeadSource,
    ManagerLeaving,
    Phone,
    PointsEntry,
    TransferRule,
)


@admin.register(LeadSource)
class LeadSourceAdmin(admin.ModelAdmin):
    list_display = ["name", "position", "is_active"]
    list_editable = ["position", "is_active"]


class PhoneInline(admin.TabularInline):
    model = Phone
    extra = 0
    fields = ["contact", "number_raw", "number_e164", "kind", "consent", "consent_at"]
    readonly_fields = ["number_e164"]


class EmailInline(admin.TabularInline):
    model = Email
    extra = 0
    fields = ["contact", "address", "consent", "consent_at", "consent_source"]


@admin.register(Client)
class ClientAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "status", "responsible_manager", "lead_source", "created_at"]
    list_filter = ["status", "kind", "lead_source"]
    search_fields = ["name", "phones__number_e164", "emails__address", "contacts__last_name"]
    list_select_related = ["responsible_manager", "lead_source"]
    readonly_fields = ["created_by", "created_at", "last_interaction_at"]
    raw_id_fields = ["responsible_manager"]
    inlines = [PhoneInline, EmailInline]
    show_full_result_count = False


@admin.register(ContactPerson)
class ContactPersonAdmin(admin.ModelAdmin):
    list_display = ["__str__", "client", "position", "is_primary"]
    search_fields = ["last_name", "first_name", "client__name"]
    raw_id_fields = ["client"]
    list_select_related = ["client"]


# Deals, transfers, points: the picklists and rules are edited here; deals, transfers and the
# ledger are written only by clients.services, so the admin shows them read-only.


@admin.register(DealStage)
class DealStageAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "position", "standard_days", "is_won", "is_lost", "is_active"]
    list_editable = ["position", "standard_days", "is_active"]
    ordering = ["position", "id"]


@admin.register(TransferRule)
class TransferRuleAdmin(admin.ModelAdmin):
    list_display = ["kind", "days", "warn_days", "position", "is_active"]
    list_editable = ["days", "warn_days", "position", "is_active"]
    list_display_links = ["kind"]


@admin.register(ManagerLeaving)
class ManagerLeavingAdmin(admin.ModelAdmin):
    list_display = ["manager", "leaves_on", "note", "created_at"]
    raw_id_fields = ["manager"]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


class DealStageChangeInline(admin.TabularInline):
    model = DealStageChange
    extra = 0
    fields = ["changed_at", "from_stage", "to_stage", "changed_by", "is_out_of_order", "comment"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Deal)
class DealAdmin(ReadOnlyAdmin):
    list_display = ["title", "client", "manager", "stage", "state", "amount", "currency"]
    list_filter = ["state", "stage", "currency"]
    search_fields = ["title", "client__name"]
    list_select_related = ["client", "manager", "stage"]
    inlines = [DealStageChangeInline]
    show_full_result_count = False


@admin.register(ClientTransfer)
class ClientTransferAdmin(ReadOnlyAdmin):
    list_display = ["client", "from_manager", "to_manager", "rule", "transferred_by", "created_at"]
    list_select_related = ["client", "from_manager", "to_manager", "rule", "transferred_by"]
    search_fields = ["client__name", "reason"]
    show_full_result_count = False


@admin.register(PointsEntry)
class PointsEntryAdmin(ReadOnlyAdmin):
    list_display = ["user", "points", "reason", "client", "deal", "created_at"]
    list_filter = ["reason"]
    list_select_related = ["user", "client", "deal"]
    show_full_result_count = False
