"""Zadarma PBX notifications (form-encoded), verified with the `Signature` header.

Zadarma signs a few fields of each notification: Signature = base64(hex(HMAC-SHA1(API secret,
fields joined))). Its times ("2026-01-01 10:00:00") are local, read in
TELEPHONY_ZADARMA_TIME_ZONE (default TIME_ZONE).
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import hmac
from collections.abc import Mapping

from django.utils.translation import gettext as _

from interactions.telephony.events import (
    CallDirection,
    CallEvent,
    Outcome,
    Provider,
    SignatureError,
    UnsupportedEvent,
    parse_seconds,
    parse_time,
    setting,
)

SIGNATURE_HEADER = "Signature"

# Which fields each notification signs, in order.
SIGNED_FIELDS: dict[str, tuple[str, ...]] = {
    "NOTIFY_START": ("caller_id", "called_did", "call_start"),
    "NOTIFY_INTERNAL": ("caller_id", "called_did", "call_start"),
    "NOTIFY_ANSWER": ("caller_id", "destination", "call_start"),
    "NOTIFY_END": ("caller_id", "called_did", "call_start"),
    "NOTIFY_OUT_START": ("internal", "destination", "call_start"),
    "NOTIFY_OUT_END": ("internal", "destination", "call_start"),
    "NOTIFY_RECORD": ("pbx_call_id", "call_id_with_rec"),
}
OUTGOING_EVENTS = frozenset({"NOTIFY_OUT_START", "NOTIFY_OUT_END"})

DISPOSITIONS = {
    "answered": Outcome.ANSWERED,
    "busy": Outcome.BUSY,
    "cancel": Outcome.MISSED,
    "no answer": Outcome.MISSED,
    "unallocated number": Outcome.UNALLOCATED,
}


def sign(secret: str, payload: Mapping[str, str]) -> str:
    fields = SIGNED_FIELDS.get(payload.get("event", ""), ())
    message = "".join(payload.get(name, "") for name in fields)
    hex_digest = hmac.new(secret.encode(), message.encode(), hashlib.sha1).hexdigest()
    return base64.b64encode(hex_digest.encode()).decode()


def verify(payload: Mapping[str, str], signature: str) -> None:
    secret = setting("ZADARMA_API_SECRET", "")
    if not secret:
        raise SignatureError(_("Zadarma is not configured on this server."))
    if payload.get("event", "") not in SIGNED_FIELDS:
        raise UnsupportedEvent(
            _("Unsupported notification “%(value)s”.") % {"value": payload.get("event", "")}
        )
    if not signature:
        raise SignatureError(_("The request is not signed."))
    if not hmac.compare_digest(sign(secret, payload), signature):
        raise SignatureError(_("The signature does not match."))


def parse(payload: Mapping[str, str]) -> CallEvent:
    event = payload.get("event", "")
    if event not in SIGNED_FIELDS:
        raise UnsupportedEvent(_("Unsupported notification “%(value)s”.") % {"value": event})
    provider = Provider.ZADARMA
    started_at = parse_time(payload.get("call_start"), provider)
    is_end = event in ("NOTIFY_END", "NOTIFY_OUT_END")
    disposition = payload.get("disposition", "").strip().lower() if is_end else ""
    outcome = DISPOSITIONS.get(disposition, Outcome.FAILED) if disposition else ""
    if event in ("NOTIFY_START", "NOTIFY_OUT_START", "NOTIFY_INTERNAL"):
        outcome = Outcome.IN_PROGRESS
    if event == "NOTIFY_ANSWER":
        outcome = Outcome.ANSWERED
    duration = parse_seconds(payload.get("duration")) if is_end else None
    ended_at = started_at + datetime.timedelta(seconds=duration) if started_at and is_end else None
    is_recorded = payload.get("is_recorded") == "1" or event == "NOTIFY_RECORD"
    if event in OUTGOING_EVENTS:
        direction, from_raw, to_raw = CallDirection.OUTGOING, "", payload.get("destination", "")
    elif event == "NOTIFY_RECORD":
        direction, from_raw, to_raw = None, "", ""
    else:
        direction = CallDirection.INCOMING
        from_raw, to_raw = payload.get("caller_id", ""), payload.get("called_did", "")
    return CallEvent(
        provider=provider,
        external_id=payload.get("pbx_call_id", "")[:128],
        event_type=event,
        direction=direction,
        from_raw=from_raw[:50],
        to_raw=to_raw[:50],
        extension=payload.get("internal", "")[:20],
        started_at=started_at,
        answered_at=None,
        ended_at=ended_at,
        duration_seconds=duration,
        talk_seconds=(duration if outcome == Outcome.ANSWERED else 0) if is_end else None,
        outcome=outcome,
        provider_disposition=disposition,
        recording_ref=payload.get("call_id_with_rec", "")[:500] if is_recorded else "",
        raw=dict(payload),
    )
