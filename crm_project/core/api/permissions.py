"""DRF permissions expressed as capabilities from crm_project.core.capabilities."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission

from crm_project.core.capabilities import Capability, has_capability

if TYPE_CHECKING:
    from rest_framework.request import Request
    from rest_framework.views import APIView


class HasCapability(BasePermission):
    """Grants a view's action to users whose role has the capability the view names for it.

    The view sets `required_capabilities = {"list": Capability.X, ..., "default": Capability.Y}`;
    an action missing from the map falls back to "default". Checked before the input is parsed,
    so a role that may not write gets 403, not field errors.
    """

    message = _("Your role does not allow this.")

    def has_permission(self, request: Request, view: APIView) -> bool:
        capability = required_capability(view)
        return capability is None or has_capability(request.user, capability)


def required_capability(view: APIView) -> Capability | None:
    capabilities: dict[str, Capability] = getattr(view, "required_capabilities", {})
    return capabilities.get(getattr(view, "action", None) or "", capabilities.get("default"))
