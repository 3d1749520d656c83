from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from crm_project.accounts.models import Team, User
from crm_project.accounts.services import api_token_revoke
from crm_project.core.audit import request_ip


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "created_at"]
    search_fields = ["name"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "first_name", "last_name", "role", "team", "is_active"]
    list_filter = ["role", "team", "is_active"]
    list_select_related = ["team"]
    actions = ["revoke_api_tokens"]
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (_("CRM"), {"fields": ("role", "team", "language", "time_zone", "phone_extension")}),
    )
    add_fieldsets = (
        *DjangoUserAdmin.add_fieldsets,
        (_("CRM"), {"fields": ("role", "team", "first_name", "last_name", "email")}),
    )

    @admin.action(description=_("Revoke the API tokens of the selected users"))
    def revoke_api_tokens(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        revoked = sum(
            api_token_revoke(actor=request.user, user=user, ip_address=request_ip(request))
            for user in queryset
        )
        self.message_user(
            request,
            ngettext("%(count)d API token revoked.", "%(count)d API tokens revoked.", revoked)
            % {"count": revoked},
            messages.SUCCESS,
        )
