from django.contrib import admin

from clients.models import Client, ContactPerson, Email, LeadSource, Phone


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
