"""What the client base's API views share: a service's errors in the request's layout."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _
from rest_framework.request import Request

from clients.api.serializers import CONTACT_DATA_FIELDS
from clients.services import DuplicateContactError
from crm_project.core.api.errors import DetailedValidationError, django_validation_to_drf


@contextmanager
def service_errors(request: Request, *, nest_under: str | None = None) -> Iterator[None]:
    """Report a service's ValidationError in the request's own field layout.

    Contact fields go under `nest_under` when the request nests the contact; a duplicate
    phone or e-mail also names the client that already has it.
    """
    try:
        yield
    except ValidationError as error:
        fields = django_validation_to_drf(error).detail
        if nest_under is not None:
            fields = _nest(fields, nest_under)
        if not isinstance(error, DuplicateContactError):
            raise DetailedValidationError(fields) from error
        url = reverse("api:client-detail", args=[error.client.pk])
        raise DetailedValidationError(
            fields,
            error_code="duplicate",
            message=_("This phone number or e-mail address is already in the base."),
            extra={
                "existing_client": {"id": error.client.pk, "url": request.build_absolute_uri(url)}
            },
        ) from error


def _nest(fields: dict[str, Any], under: str) -> dict[str, Any]:
    nested = {name: value for name, value in fields.items() if name in CONTACT_DATA_FIELDS}
    rest = {name: value for name, value in fields.items() if name not in CONTACT_DATA_FIELDS}
    return {**rest, under: nested} if nested else rest
