from typing import Any

from django.http import HttpRequest

from crm_project.core.capabilities import ROLE_CAPABILITIES


def navigation(request: HttpRequest) -> dict[str, Any]:
    """`caps`: the signed-in user's capabilities, so templates show navigation per role."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"caps": frozenset()}
    return {"caps": frozenset(str(cap) for cap in ROLE_CAPABILITIES.get(user.role, ()))}
