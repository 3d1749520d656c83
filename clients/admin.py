from django import forms
from django.contrib import admin

from clients import operator_admin
from clients.models import (
    Campaign,
    CampaignRecipient,
    Client,
    ClientTransfer,
    ContactPerson,
    CorrectionRequest,
    Deal,
    DealStage,
    DealStageChange,
    LeadSource,
    ManagerLeaving,
    PointsEntry,
    PostalAddress,
    Segment,
    TransferRule,
)

# The client base and its personal data: the same admin classes as the operators' /operator/,
# so writes here go through clients.services and are audited alike.
admin.site.register(LeadSource, operator_admin.LeadSourceAdmin)
admin.site.register(Client, operator_admin.ClientAdmin)
admin.site.register(ContactPerson, operator_admin.ContactPersonAdmin)
admin.site.register(PostalAddress, operator_admin.PostalAddressAdmin)
admin.site.register(CorrectionRequest, operator_admin.CorrectionRequestAdmin)


# Deals, transfers, points: the picklists and rules are edited here; deals, transfers and the
# ledger are written only by clients.services, so the admin shows them read-only.


@admin.register(DealStage)
class DealStageAdmin(admin.ModelAdmin):
    form = operator_admin.localized_names_form(forms.ModelForm)
    exclude = ["name_translations"]
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


@admin.register(Segment)
class SegmentAdmin(ReadOnlyAdmin):
    list_display = ["name", "created_by", "team", "created_at"]
    list_select_related = ["created_by", "team"]
    show_full_result_count = False


class CampaignRecipientInline(admin.TabularInline):
    model = CampaignRecipient
    extra = 0
    fields = ["address", "client", "status", "sent_at", "error"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Campaign)
class CampaignAdmin(ReadOnlyAdmin):
    list_display = ["subject", "segment", "status", "created_by", "started_at", "finished_at"]
    list_filter = ["status"]
    list_select_related = ["segment", "created_by"]
    inlines = [CampaignRecipientInline]
    show_full_result_count = False
