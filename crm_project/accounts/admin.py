from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from crm_project.accounts.models import Team, User


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "created_at"]
    search_fields = ["name"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "first_name", "last_name", "role", "team", "is_active"]
    list_filter = ["role", "team", "is_active"]
    list_select_related = ["team"]
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (_("CRM"), {"fields": ("role", "team", "language", "time_zone", "phone_extension")}),
    )
    add_fieldsets = (
        *DjangoUserAdmin.add_fieldsets,
        (_("CRM"), {"fields": ("role", "team", "first_name", "last_name", "email")}),
    )
