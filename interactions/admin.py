from django import forms
from django.contrib import admin

from clients.operator_admin import localized_names_form
from interactions.models import Interaction, InteractionStatus


@admin.register(InteractionStatus)
class InteractionStatusAdmin(admin.ModelAdmin):
    form = localized_names_form(forms.ModelForm)
    exclude = ["name_translations"]
    list_display = [
        "name",
        "kind",
        "code",
        "position",
        "is_final",
        "requires_result",
        "is_excluded_from_counts",
        "is_active",
    ]
    list_filter = ["kind", "is_active"]
    list_editable = ["position", "is_active"]


@admin.register(Interaction)
class InteractionAdmin(admin.ModelAdmin):
    list_display = ["id", "kind", "client", "manager", "occurred_at", "status", "source"]
    list_filter = ["kind", "source", "status"]
    list_select_related = ["client", "manager", "status"]
    raw_id_fields = ["client", "contact", "manager"]
    date_hierarchy = "occurred_at"
    show_full_result_count = False


from interactions.telephony import admin as telephony_admin  # noqa: E402, F401
