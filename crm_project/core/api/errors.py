"""One error shape for the whole API.

    {"error": {"code": "validation_error", "message": "…", "fields": {"phone": ["…"]}}}

`fields` is present only for validation errors; `code` is stable and machine-readable,
`message` is translated for the user. Some errors add keys next to `code`, e.g. a duplicate
phone or e-mail adds `existing_client` ({"id", "url"}) so the caller can open that client.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from crm_project.core.exceptions import ConflictError


class DetailedValidationError(exceptions.ValidationError):
    """A validation error whose body carries its own `code` and extra top-level keys."""

    def __init__(
        self,
        detail: Any,
        *,
        error_code: str = "validation_error",
        message: str | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(detail)
        self.error_code = error_code
        self.message = message
        self.extra = extra or {}


def django_validation_to_drf(error: DjangoValidationError) -> exceptions.ValidationError:
    if hasattr(error, "error_dict"):
        return exceptions.ValidationError(
            {
                field: [str(message) for message in messages]
                for field, messages in error.message_dict.items()
            }
        )
    return exceptions.ValidationError({"non_field_errors": [str(m) for m in error.messages]})


def _validation_body(exc: exceptions.ValidationError) -> dict[str, Any]:
    fields = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
    body = {
        "code": getattr(exc, "error_code", "validation_error"),
        "message": getattr(exc, "message", None) or _("The request has invalid fields."),
        "fields": fields,
    }
    body.update(getattr(exc, "extra", {}))
    return body


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DjangoValidationError):
        exc = django_validation_to_drf(exc)
    elif isinstance(exc, ConflictError):
        return Response(
            {"error": {"code": "conflict", "message": str(exc)}}, status=status.HTTP_409_CONFLICT
        )
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        body = _validation_body(exc)
    else:
        detail = getattr(exc, "detail", "")
        body = {
            "code": getattr(detail, "code", None) or getattr(exc, "default_code", "error"),
            "message": str(detail),
        }
    response.data = {"error": body}
    return response
