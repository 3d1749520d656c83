from django.contrib import admin
from django.http import HttpRequest

from crm_project.core.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Searchable and read-only: the audit trail is append-only everywhere."""

    list_display = ["created_at", "actor", "action", "object_type", "object_repr", "ip_address"]
    list_filter = ["action", "object_type", "actor__role"]
    search_fields = ["action", "object_repr", "object_id", "actor__username", "ip_address"]
    date_hierarchy = "created_at"
    list_select_related = ["actor"]
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
