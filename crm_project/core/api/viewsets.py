"""What every API ViewSet shares: authentication required, capabilities, documented errors."""

from __future__ import annotations

import zoneinfo
from typing import Any

from django.conf import settings
from django.utils import timezone, translation
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request

from crm_project.core.api.permissions import HasCapability
from crm_project.core.api.schema import AutoSchema


class ApiViewSetMixin:
    """Put first in a ViewSet's bases; the ViewSet sets `required_capabilities`."""

    permission_classes = [IsAuthenticated, HasCapability]
    schema = AutoSchema()

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)  # type: ignore[misc]
        _apply_user_preferences(request.user)


def _apply_user_preferences(user: Any) -> None:
    # Token-authenticated users are unknown to UserPreferencesMiddleware (it runs before DRF
    # authenticates), so their saved language and time zone are applied here; the middleware
    # deactivates the time zone when the response leaves.
    language = getattr(user, "language", "")
    if language in {code for code, _name in settings.LANGUAGES}:
        translation.activate(language)
    zone_name = getattr(user, "time_zone", "")
    if zone_name:
        timezone.activate(zoneinfo.ZoneInfo(zone_name))
