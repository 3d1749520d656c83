"""The one normalised call event every provider's adapter produces, and the helpers they share."""

from __future__ import annotations

import datetime
import zoneinfo
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from crm_project.core.phones import to_e164_or_none


class Provider(models.TextChoices):
    TWILIO = "twilio", _("Twilio")
    ZADARMA = "zadarma", _("Zadarma")
    ASTERISK = "asterisk", _("Asterisk")
    GENERIC = "generic", _("Generic JSON")


class CallDirection(models.TextChoices):
    INCOMING = "incoming", _("Incoming")
    OUTGOING = "outgoing", _("Outgoing")


class Outcome(models.TextChoices):
    """The phone system's result, normalised; the provider's own word is kept beside it."""

    IN_PROGRESS = "in_progress", _("In progress")
    ANSWERED = "answered", _("Answered")
    MISSED = "missed", _("Not answered")
    BUSY = "busy", _("Busy")
    FAILED = "failed", _("Failed")
    UNALLOCATED = "unallocated", _("Number does not exist")


NOT_ANSWERED = frozenset({Outcome.MISSED, Outcome.BUSY, Outcome.FAILED, Outcome.UNALLOCATED})


class PayloadError(ValueError):
    """The payload does not parse into a call event; the endpoint answers 400 with the reason."""


class SignatureError(Exception):
    """The request is not signed by the provider; the endpoint answers 403 with the reason."""


class UnsupportedEvent(PayloadError):
    """A well-formed notification this CRM does not log (e.g. an SMS)."""


# Interaction.provider_disposition's max_length.
PROVIDER_DISPOSITION_LENGTH = 40


@dataclass
class CallEvent:
    provider: str
    external_id: str
    event_type: str
    direction: str | None
    from_raw: str = ""
    to_raw: str = ""
    extension: str = ""
    started_at: datetime.datetime | None = None
    answered_at: datetime.datetime | None = None
    ended_at: datetime.datetime | None = None
    duration_seconds: int | None = None
    talk_seconds: int | None = None
    outcome: str = ""
    provider_disposition: str = ""
    recording_ref: str = ""
    raw: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.from_raw = (self.from_raw or "").strip()
        self.to_raw = (self.to_raw or "").strip()
        # Providers add dispositions over time; a long one is kept shortened, never a failed call.
        self.provider_disposition = (self.provider_disposition or "").strip()[
            :PROVIDER_DISPOSITION_LENGTH
        ]
        if not self.external_id:
            raise PayloadError(_("The call has no identifier."))
        if not self.outcome and (self.answered_at or (self.talk_seconds or 0) > 0):
            self.outcome = Outcome.ANSWERED

    # Normalised only when processing asks: the webhook stores the event without them.
    @cached_property
    def from_e164(self) -> str | None:
        return to_e164_or_none(self.from_raw) if self.from_raw else None

    @cached_property
    def to_e164(self) -> str | None:
        return to_e164_or_none(self.to_raw) if self.to_raw else None

    @property
    def client_number_raw(self) -> str:
        """The outside party's number: the caller of an incoming call, the callee of an outgoing."""
        return self.to_raw if self.direction == CallDirection.OUTGOING else self.from_raw

    @property
    def client_number_e164(self) -> str | None:
        return self.to_e164 if self.direction == CallDirection.OUTGOING else self.from_e164

    @property
    def has_numbers(self) -> bool:
        return bool(self.from_raw or self.to_raw)

    @property
    def time(self) -> datetime.datetime | None:
        return self.started_at or self.answered_at or self.ended_at


def setting(name: str, default: Any) -> Any:
    """A telephony setting, read late so tests and a later settings.py both work."""
    return getattr(settings, name, default)


def provider_time_zone(provider: str) -> zoneinfo.ZoneInfo:
    name = setting(f"TELEPHONY_{provider.upper()}_TIME_ZONE", "") or settings.TIME_ZONE
    return zoneinfo.ZoneInfo(name)


def parse_time(value: Any, provider: str) -> datetime.datetime | None:
    """An aware datetime from ISO text or unix seconds; naive text is the provider's local time."""
    if value in (None, ""):
        return None
    if isinstance(value, int | float) or (isinstance(value, str) and value.strip().isdigit()):
        return datetime.datetime.fromtimestamp(int(value), tz=datetime.UTC)
    if not isinstance(value, str):
        raise PayloadError(_("%(value)s is not a time.") % {"value": value})
    try:
        parsed = parse_datetime(value.strip())
    except ValueError:
        parsed = None
    if parsed is None:
        raise PayloadError(_("%(value)s is not a time.") % {"value": value})
    if timezone.is_naive(parsed):
        parsed = parsed.replace(tzinfo=provider_time_zone(provider))
    return parsed


def parse_seconds(value: Any) -> int | None:
    if value in (None, ""):
        return None
    try:
        seconds = int(float(value))
    except (TypeError, ValueError) as error:
        raise PayloadError(_("%(value)s is not a number of seconds.") % {"value": value}) from error
    if seconds < 0:
        raise PayloadError(_("%(value)s is not a number of seconds.") % {"value": value})
    return seconds
