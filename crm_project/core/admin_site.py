from django.contrib.admin import AdminSite
from django.contrib.admin.apps import AdminConfig
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from crm_project.core.capabilities import Capability, has_capability


class CrmAdminSite(AdminSite):
    """The full Django admin: for the admin role only, whatever `is_staff` says."""

    site_header = _("CRM administration")
    site_title = _("CRM administration")
    index_title = _("Administration")

    def has_permission(self, request: HttpRequest) -> bool:
        return has_capability(request.user, Capability.USE_FULL_ADMIN)


class CrmAdminConfig(AdminConfig):
    default_site = "crm_project.core.admin_site.CrmAdminSite"
