"""Apply each signed-in user's own language and time zone to the request."""

import zoneinfo
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation


class UserPreferencesMiddleware:
    """Runs after authentication: a user's saved language and time zone win.

    A user who never chose a language keeps what LocaleMiddleware picked from the browser's
    Accept-Language header (or the language cookie set by the switch).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.supported_languages = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        language = getattr(user, "language", "")
        if language in self.supported_languages:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        zone_name = getattr(user, "time_zone", "")
        try:
            if zone_name:
                timezone.activate(zoneinfo.ZoneInfo(zone_name))
            else:
                timezone.deactivate()
            return self.get_response(request)
        finally:
            timezone.deactivate()
