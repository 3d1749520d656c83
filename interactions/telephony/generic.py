"""The generic JSON webhook for any PBX, signed with HMAC-SHA256 over "<timestamp>.<body>".

    POST /api/v1/telephony/generic/
    X-CRM-Timestamp: 1767225600            (unix seconds; refused if more than 5 minutes off)
    X-CRM-Signature: <hex HMAC-SHA256(TELEPHONY_WEBHOOK_SECRET, "<timestamp>.<raw body>")>

    {"call_id": "pbx-42", "event": "end", "direction": "incoming",
     "from": "+7 495 123-45-67", "to": "+74957654321", "extension": "101",
     "started_at": "2026-01-01T10:00:00+03:00", "answered_at": "…", "ended_at": "…",
     "duration": 95, "talk_time": 80, "disposition": "answered", "recording_url": "…"}

`disposition` is one of answered, no_answer, busy, failed, unallocated, cancelled, in_progress;
times without an offset are read in TELEPHONY_GENERIC_TIME_ZONE (default TIME_ZONE).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from typing import Any

from django.utils.translation import gettext as _

from interactions.telephony.events import (
    CallDirection,
    CallEvent,
    Outcome,
    PayloadError,
    Provider,
    SignatureError,
    parse_seconds,
    parse_time,
    setting,
)

TIMESTAMP_HEADER = "X-CRM-Timestamp"
SIGNATURE_HEADER = "X-CRM-Signature"
MAX_CLOCK_SKEW_SECONDS = 300

DISPOSITIONS = {
    "answered": Outcome.ANSWERED,
    "no_answer": Outcome.MISSED,
    "cancelled": Outcome.MISSED,
    "missed": Outcome.MISSED,
    "busy": Outcome.BUSY,
    "failed": Outcome.FAILED,
    "unallocated": Outcome.UNALLOCATED,
    "in_progress": Outcome.IN_PROGRESS,
    "ringing": Outcome.IN_PROGRESS,
}


def sign(secret: str, timestamp: str, body: bytes) -> str:
    message = timestamp.encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signed_headers(secret: str, body: bytes, timestamp: int | None = None) -> dict[str, str]:
    """The headers a sender adds; used by simulate_calls and the tests."""
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    return {TIMESTAMP_HEADER: stamp, SIGNATURE_HEADER: sign(secret, stamp, body)}


def verify(headers: Any, body: bytes, now: float | None = None) -> None:
    """Raise SignatureError unless the body is signed with TELEPHONY_WEBHOOK_SECRET and fresh."""
    secret = setting("TELEPHONY_WEBHOOK_SECRET", "")
    if not secret:
        raise SignatureError(_("Telephony webhooks are not configured on this server."))
    timestamp = headers.get(TIMESTAMP_HEADER, "")
    signature = headers.get(SIGNATURE_HEADER, "").removeprefix("sha256=")
    if not timestamp or not signature:
        raise SignatureError(_("The request is not signed."))
    try:
        sent_at = int(timestamp)
    except ValueError as error:
        raise SignatureError(_("The signature's timestamp is not a number.")) from error
    if abs((time.time() if now is None else now) - sent_at) > MAX_CLOCK_SKEW_SECONDS:
        raise SignatureError(_("The signature's timestamp is too old or in the future."))
    if not hmac.compare_digest(sign(secret, timestamp, body), signature):
        raise SignatureError(_("The signature does not match."))


def load_json(body: bytes) -> Any:
    try:
        return json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise PayloadError(_("The body is not JSON.")) from error


def _text(payload: dict[str, Any], key: str) -> str:
    value = payload.get(key)
    return "" if value is None else str(value)


def parse(payload: Any) -> CallEvent:
    if not isinstance(payload, dict):
        raise PayloadError(_("The body must be a JSON object."))
    direction = payload.get("direction")
    if direction not in CallDirection.values:
        raise PayloadError(_("“direction” must be “incoming” or “outgoing”."))
    disposition = _text(payload, "disposition").strip().lower().replace(" ", "_")
    if disposition and disposition not in DISPOSITIONS:
        raise PayloadError(_("Unknown disposition “%(value)s”.") % {"value": disposition})
    provider = Provider.GENERIC
    return CallEvent(
        provider=provider,
        external_id=_text(payload, "call_id").strip()[:128],
        event_type=_text(payload, "event")[:40] or "end",
        direction=direction,
        from_raw=_text(payload, "from")[:50],
        to_raw=_text(payload, "to")[:50],
        extension=_text(payload, "extension")[:20],
        started_at=parse_time(payload.get("started_at"), provider),
        answered_at=parse_time(payload.get("answered_at"), provider),
        ended_at=parse_time(payload.get("ended_at"), provider),
        duration_seconds=parse_seconds(payload.get("duration")),
        talk_seconds=parse_seconds(payload.get("talk_time")),
        outcome=DISPOSITIONS.get(disposition, ""),
        provider_disposition=disposition,
        recording_ref=_text(payload, "recording_url")[:500],
        raw=payload,
    )
