from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from reports.models import Plan, ReportSnapshot


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["manager", "month", "contacts_target", "meetings_target", "deals_target"]
    list_filter = ["month"]
    list_select_related = ["manager"]


@admin.register(ReportSnapshot)
class ReportSnapshotAdmin(admin.ModelAdmin):
    """Read-only: a snapshot is stored once by Celery and never edited."""

    list_display = ["period_start", "period_end", "kind", "team", "built_at"]
    list_filter = ["kind", "team"]
    list_select_related = ["team"]
    date_hierarchy = "period_start"
    readonly_fields = [
        "kind",
        "team",
        "period_start",
        "period_end",
        "parameters",
        "data",
        "built_at",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(
        self, request: HttpRequest, obj: ReportSnapshot | None = None
    ) -> bool:
        return False

    def has_delete_permission(
        self, request: HttpRequest, obj: ReportSnapshot | None = None
    ) -> bool:
        return False
