"""The raw event store in the admin: failures with their reason, and a way to retry them.

Imported by interactions/admin.py (a sub-package's admin module is not auto-discovered).
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from interactions.telephony.asterisk import CdrFileError
from interactions.telephony.forms import CdrUploadForm, max_upload_bytes
from interactions.telephony.models import TelephonyEvent
from interactions.telephony.services import cdr_import, telephony_event_requeue


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
        "retry_at",
        "processed_at",
        "interaction",
    ]
    actions = ["requeue"]
    show_full_result_count = False
    change_list_template = "admin/telephony/telephonyevent_change_list.html"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def get_urls(self) -> list[URLPattern]:
        opts = self.model._meta
        # Wrapped in admin_view: the admin site's own check (the admin role only) applies.
        upload = path(
            "import-cdr/",
            self.admin_site.admin_view(self.import_cdr_view),
            name=f"{opts.app_label}_{opts.model_name}_import_cdr",
        )
        return [upload, *super().get_urls()]

    def import_cdr_view(self, request: HttpRequest) -> HttpResponse:
        """Upload an Asterisk Master.csv; the calls are stored here and logged by the workers."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        form = CdrUploadForm(request.POST or None, request.FILES or None)
        result = None
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                result = cdr_import(lines=form.lines(), actor=request.user, file_name=upload.name)
            except CdrFileError as error:
                form.add_error("file", str(error))
                for problem in error.problems[1:]:
                    form.add_error("file", problem)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Import an Asterisk CDR file"),
            "form": form,
            "result": result,
            "max_upload_bytes": max_upload_bytes(),
        }
        return TemplateResponse(request, "admin/telephony/cdr_import.html", context)

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
