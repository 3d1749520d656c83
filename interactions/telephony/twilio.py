"""Twilio voice status callbacks (form-encoded), verified with X-Twilio-Signature.

Set the CRM's URL as the number's "call status changes" callback (all events), not as its voice
URL: the answer is an empty 204, which is not TwiML.
"""

from __future__ import annotations

import base64
import datetime
import email.utils
import hashlib
import hmac
import re
from collections.abc import Mapping
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from interactions.telephony.events import (
    CallDirection,
    CallEvent,
    Outcome,
    PayloadError,
    Provider,
    SignatureError,
    parse_seconds,
    setting,
)

SIGNATURE_HEADER = "X-Twilio-Signature"

STATUSES = {
    "queued": Outcome.IN_PROGRESS,
    "initiated": Outcome.IN_PROGRESS,
    "ringing": Outcome.IN_PROGRESS,
    "in-progress": Outcome.ANSWERED,
    "completed": Outcome.ANSWERED,
    "busy": Outcome.BUSY,
    "no-answer": Outcome.MISSED,
    "canceled": Outcome.MISSED,
    "failed": Outcome.FAILED,
}
_DEVICE = re.compile(r"^(?:client:|sip:)([^@;]+)")


def sign(auth_token: str, url: str, params: Mapping[str, Any]) -> str:
    """base64(HMAC-SHA1(token, URL + every POST key and value, sorted by key))."""
    pieces = [url]
    for key in sorted(params):
        values = params.getlist(key) if hasattr(params, "getlist") else [params[key]]
        pieces.extend(f"{key}{value}" for value in sorted(values))
    digest = hmac.new(auth_token.encode(), "".join(pieces).encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def verify(url: str, params: Mapping[str, Any], signature: str) -> None:
    auth_token = setting("TWILIO_AUTH_TOKEN", "")
    if not auth_token:
        raise SignatureError(_("Twilio is not configured on this server."))
    if not signature:
        raise SignatureError(_("The request is not signed."))
    if not hmac.compare_digest(sign(auth_token, url, params), signature):
        raise SignatureError(_("The signature does not match."))


def _timestamp(payload: Mapping[str, str]) -> datetime.datetime:
    text = payload.get("Timestamp", "")
    if not text:
        return timezone.now()
    try:
        parsed = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError) as error:
        raise PayloadError(_("%(value)s is not a time.") % {"value": text}) from error
    return parsed if timezone.is_aware(parsed) else parsed.replace(tzinfo=datetime.UTC)


def _direction(payload: Mapping[str, str]) -> str:
    # A <Dial>ed leg of an inbound call is logged on its parent: the manager answering it.
    direction = payload.get("Direction", "")
    if direction == "inbound" or (direction == "outbound-dial" and payload.get("ParentCallSid")):
        return CallDirection.INCOMING
    if direction.startswith("outbound"):
        return CallDirection.OUTGOING
    raise PayloadError(_("Unknown call direction “%(value)s”.") % {"value": direction})


def parse(payload: Mapping[str, str]) -> CallEvent:
    status = payload.get("CallStatus", "")
    if status not in STATUSES:
        raise PayloadError(_("Unknown call status “%(value)s”.") % {"value": status})
    call_sid = payload.get("ParentCallSid") or payload.get("CallSid", "")
    at = _timestamp(payload)
    outcome = STATUSES[status]
    talk = parse_seconds(payload.get("CallDuration")) if status == "completed" else None
    device = _DEVICE.match(payload.get("To", "") if payload.get("ParentCallSid") else "")
    is_final = status not in ("queued", "initiated", "ringing", "in-progress")
    ended_at = at if is_final else None
    answered_at = at if status == "in-progress" else None
    if talk:
        answered_at = at - datetime.timedelta(seconds=talk)
    return CallEvent(
        provider=Provider.TWILIO,
        external_id=call_sid[:128],
        event_type=status,
        direction=_direction(payload),
        from_raw=payload.get("From", "")[:50],
        to_raw="" if device else payload.get("To", "")[:50],
        extension=device.group(1)[:20] if device else "",
        started_at=at if status in ("queued", "initiated", "ringing") else None,
        answered_at=answered_at,
        ended_at=ended_at,
        duration_seconds=talk if is_final else None,
        talk_seconds=talk if is_final else None,
        outcome=outcome,
        provider_disposition=status,
        recording_ref=payload.get("RecordingUrl", "")[:500],
        raw=dict(payload),
    )


def payload_from_post(post: Any) -> dict[str, str]:
    """The form as a plain dict for storage (Twilio sends each key once)."""
    return {key: post.get(key, "") for key in post}
