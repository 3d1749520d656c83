"""The raw event store in the admin: failures with their reason, and a way to retry them.

Imported by interactions/admin.py (a sub-package's admin module is not auto-discovered).
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from interactions.telephony.models import TelephonyEvent
from interactions.telephony.services import telephony_event_requeue


@admin.register(TelephonyEvent)
class TelephonyEventAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "provider",
        "external_id",
        "event_type",
        "state",
        "attempts",
        "received_at",
        "last_error",
    ]
    list_filter = ["state", "provider"]
    search_fields = ["external_id"]
    date_hierarchy = "received_at"
    raw_id_fields = ["interaction"]
    readonly_fields = [
        "provider",
        "external_id",
        "event_type",
        "dedupe_key",
        "payload",
        "received_at",
        "state",
        "attempts",
        "last_error",
        "dispatched_at",
        "processed_at",
        "interaction",
    ]
    actions = ["requeue"]
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description=_("Process the selected failed events again"))
    def requeue(self, request: HttpRequest, queryset: QuerySet[TelephonyEvent]) -> None:
        count = sum(telephony_event_requeue(actor=request.user, event=event) for event in queryset)
        self.message_user(
            request,
            ngettext(
                "%(count)d event sent for processing again.",
                "%(count)d events sent for processing again.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )
