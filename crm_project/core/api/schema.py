"""OpenAPI: the error shape as a component, and the error responses each operation can give."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers


class ErrorBodySerializer(serializers.Serializer):
    code = serializers.CharField(
        help_text=_(
            "Stable, machine-readable: validation_error, duplicate, not_authenticated, "
            "authentication_failed, permission_denied, not_found, conflict, …"
        )
    )
    message = serializers.CharField(help_text=_("Translated for the user."))
    fields = serializers.DictField(
        required=False,
        help_text=_(
            "Validation errors only: a list of messages per invalid field (nested like "
            "the request body); errors not tied to a field under non_field_errors."
        ),
    )
    existing_client = serializers.DictField(
        required=False,
        help_text=_(
            "Duplicates only: the id and API url of the client that already has the "
            "phone number or e-mail address."
        ),
    )


class ErrorSerializer(serializers.Serializer):
    error = ErrorBodySerializer()


_ERRORS = {
    "400": _("Invalid input; `fields` names each invalid field."),
    "401": _("Not signed in (token authentication)."),
    "403": _("Not signed in (session), or the role may not do this."),
    "404": _("Not found, or not visible to this user."),
    "409": _("Someone else changed the record first; nothing was saved."),
}


class AutoSchema(SpectacularAutoSchema):
    """Adds the documented error responses to every operation."""

    def _get_response_bodies(self, direction="response"):  # type: ignore[no-untyped-def]
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        for code in self._error_codes():
            if code not in responses:
                response = OpenApiResponse(ErrorSerializer, description=str(_ERRORS[code]))
                responses[code] = self._get_response_for_code(response, code)
        return dict(sorted(responses.items()))

    def _error_codes(self) -> list[str]:
        codes = ["401", "403"]
        # Query parameters declared with extend_schema (a report's period, the board's month)
        # are parsed and refused like a body.
        if (
            self.method in ("POST", "PUT", "PATCH")
            or self._is_list_view()
            or self.get_override_parameters()
        ):
            codes.append("400")
        if "{" in self.path:
            codes.append("404")
        extra = getattr(self.view, "schema_error_codes", {})
        codes.extend(extra.get(getattr(self.view, "action", None), []))
        return codes
