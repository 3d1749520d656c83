"""Filters shared by the HTML lists and the API."""

from __future__ import annotations

import datetime
from typing import Any

import django_filters
from django.core.exceptions import ValidationError
from django_filters.fields import IsoDateTimeField

# Real UTC offsets run from -12:00 to +14:00; PostgreSQL refuses anything past ±15:59, and a
# datetime near year 1 or 9999 may not survive conversion to UTC.
MAX_UTC_OFFSET = datetime.timedelta(hours=14)


class BoundedIsoDateTimeField(IsoDateTimeField):
    """An ISO 8601 date-time the database can store; anything else is a validation error."""

    def to_python(self, value: Any) -> datetime.datetime | None:
        parsed: datetime.datetime | None = super().to_python(value)
        if parsed is None:
            return None
        offset = parsed.utcoffset()
        try:
            if offset is not None and abs(offset) > MAX_UTC_OFFSET:
                raise OverflowError
            parsed.astimezone(datetime.UTC)
        except OverflowError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        return parsed


class IsoDateTimeFilter(django_filters.IsoDateTimeFilter):
    """django-filter's IsoDateTimeFilter answering 400, not 500, to an impossible date-time."""

    field_class = BoundedIsoDateTimeField
