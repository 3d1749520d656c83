from django.contrib import admin

from reports.models import Plan


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["manager", "month", "contacts_target", "meetings_target", "deals_target"]
    list_filter = ["month"]
    list_select_related = ["manager"]
