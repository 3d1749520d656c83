"""Asterisk call detail records: cdr_csv's Master.csv and the same fields sent live as JSON.

Master.csv has no header row: accountcode, src, dst, dcontext, clid, channel, dstchannel, lastapp,
lastdata, start, answer, end, duration, billsec, disposition, amaflags, then optionally uniqueid,
userfield, linkedid. One call has several legs (the trunk, each ringing extension); legs sharing a
linkedid are one call. The direction comes from the dialplan context: contexts listed in
TELEPHONY_ASTERISK_INBOUND_CONTEXTS are calls from outside, those in
TELEPHONY_ASTERISK_OUTBOUND_CONTEXTS dialling an outside number are outgoing calls; anything else
is an internal call and not logged. Times are local, in TELEPHONY_ASTERISK_TIME_ZONE.
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import json
import re
from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _

from crm_project.core.phones import to_e164_or_none
from interactions.telephony.events import (
    CallDirection,
    CallEvent,
    Outcome,
    PayloadError,
    Provider,
    UnsupportedEvent,
    parse_seconds,
    parse_time,
    setting,
)

FIELDS = (
    "accountcode",
    "src",
    "dst",
    "dcontext",
    "clid",
    "channel",
    "dstchannel",
    "lastapp",
    "lastdata",
    "start",
    "answer",
    "end",
    "duration",
    "billsec",
    "disposition",
    "amaflags",
    "uniqueid",
    "userfield",
    "linkedid",
)
REQUIRED_COLUMNS = 16
DEFAULT_INBOUND_CONTEXTS = ("from-trunk", "from-pstn", "from-external", "incoming", "inbound")
DEFAULT_OUTBOUND_CONTEXTS = ("from-internal", "outbound", "outgoing")
DISPOSITIONS = {
    "ANSWERED": Outcome.ANSWERED,
    "NO ANSWER": Outcome.MISSED,
    "BUSY": Outcome.BUSY,
    "FAILED": Outcome.FAILED,
    "CONGESTION": Outcome.FAILED,
}
_DEVICE = re.compile(r"^(?:SIP|PJSIP|IAX2|DAHDI|Local)/([^-@/;]+)", re.IGNORECASE)


ENCODINGS = ("utf-8-sig", "cp1251", "cp1252")
# Lines listed in a refusal; a file of thousands of bad lines is named by its first few.
MAX_REPORTED_PROBLEMS = 20


class CdrFileError(PayloadError):
    """The file as a whole is not a Master.csv; `problems` gives the reason for the first lines."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems[:MAX_REPORTED_PROBLEMS]
        self.problem_count = len(problems)
        message = problems[0]
        if len(problems) > 1:
            message = _("%(first)s (%(more)d more lines are not CDR rows.)") % {
                "first": message,
                "more": len(problems) - 1,
            }
        super().__init__(message)


def decode(data: bytes, encoding: str = "utf-8-sig") -> str:
    """The file's text; bytes that are not text in the chosen encoding refuse the whole file."""
    if encoding not in ENCODINGS:
        raise CdrFileError([_("Unknown encoding “%(value)s”.") % {"value": encoding}])
    if b"\x00" in data:
        raise CdrFileError([_("This is a binary file, not a Master.csv text file.")])
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise CdrFileError(
            [
                _("Line %(line)s is not %(encoding)s text: choose the file's encoding.")
                % {"line": line, "encoding": encoding.removesuffix("-sig").upper()}
            ]
        ) from error


def read_rows(lines: Iterable[str]) -> list[tuple[int, dict[str, str]]]:
    """Master.csv rows as (line number, leg); any malformed row refuses the whole file."""
    legs: list[tuple[int, dict[str, str]]] = []
    problems: list[str] = []
    reader = csv.reader(lines)
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            problems.append(
                _("Line %(line)s is not valid CSV: %(reason)s")
                % {"line": reader.line_num, "reason": error}
            )
            break
        if not row or not any(cell.strip() for cell in row):
            continue
        if len(row) < REQUIRED_COLUMNS:
            problems.append(
                _("Line %(line)s has %(count)s columns; a CDR row has at least %(required)s.")
                % {"line": reader.line_num, "count": len(row), "required": REQUIRED_COLUMNS}
            )
            continue
        legs.append((reader.line_num, dict(zip(FIELDS, row, strict=False))))
    if problems:
        raise CdrFileError(problems)
    return legs


def read_csv(lines: Iterable[str]) -> list[dict[str, str]]:
    """Master.csv rows as legs (dicts by field name); a short row is refused with its line."""
    return [leg for _line, leg in read_rows(lines)]


def call_key(leg: dict[str, str]) -> str:
    if leg.get("linkedid") or leg.get("uniqueid"):
        return str(leg.get("linkedid") or leg.get("uniqueid"))[:128]
    # Without ids, one row is one call: its own content identifies it.
    digest = hashlib.sha256(json.dumps(leg, sort_keys=True).encode()).hexdigest()
    return f"row-{digest[:40]}"


def group_calls(legs: list[dict[str, str]]) -> dict[str, list[dict[str, str]]]:
    calls: dict[str, list[dict[str, str]]] = {}
    for leg in legs:
        calls.setdefault(call_key(leg), []).append(leg)
    return calls


def group_rows(
    rows: list[tuple[int, dict[str, str]]],
) -> dict[str, tuple[list[int], list[dict[str, str]]]]:
    """Legs of one call together, with the file lines they came from."""
    calls: dict[str, tuple[list[int], list[dict[str, str]]]] = {}
    for line, leg in rows:
        lines, legs = calls.setdefault(call_key(leg), ([], []))
        lines.append(line)
        legs.append(leg)
    return calls


def normalise_payload(payload: Any) -> dict[str, Any]:
    """A live JSON body (one leg, a list of legs, or {"legs": [...]}) as the stored shape."""
    legs = payload.get("legs") if isinstance(payload, dict) and "legs" in payload else payload
    if isinstance(legs, dict):
        legs = [legs]
    if not isinstance(legs, list) or not legs or not all(isinstance(leg, dict) for leg in legs):
        raise PayloadError(_("The body must be a CDR object or a list of them."))
    return {"legs": [{key: "" if v is None else str(v) for key, v in leg.items()} for leg in legs]}


def _device(channel: str) -> str:
    match = _DEVICE.match(channel or "")
    return match.group(1) if match else ""


def _direction(legs: list[dict[str, str]]) -> str | None:
    inbound = setting("TELEPHONY_ASTERISK_INBOUND_CONTEXTS", DEFAULT_INBOUND_CONTEXTS)
    outbound = setting("TELEPHONY_ASTERISK_OUTBOUND_CONTEXTS", DEFAULT_OUTBOUND_CONTEXTS)
    if any(leg.get("dcontext") in inbound for leg in legs):
        return CallDirection.INCOMING
    if any(leg.get("dcontext") in outbound and to_e164_or_none(leg.get("dst", "")) for leg in legs):
        return CallDirection.OUTGOING
    return None


def _times(legs: list[dict[str, str]], answered: list[dict[str, str]]) -> dict[str, Any]:
    provider = Provider.ASTERISK
    starts = [t for t in (parse_time(leg.get("start"), provider) for leg in legs) if t]
    ends = [t for t in (parse_time(leg.get("end"), provider) for leg in legs) if t]
    answers = [t for t in (parse_time(leg.get("answer"), provider) for leg in answered) if t]
    durations = [parse_seconds(leg.get("duration")) or 0 for leg in legs]
    started_at = min(starts, default=None)
    ended_at = max(ends, default=None)
    duration = (
        int((ended_at - started_at).total_seconds()) if started_at and ended_at else max(durations)
    )
    return {
        "started_at": started_at,
        "answered_at": min(answers, default=None),
        "ended_at": ended_at,
        "duration_seconds": max(duration, 0),
        "talk_seconds": max(
            (parse_seconds(leg.get("billsec")) or 0 for leg in answered), default=0
        ),
    }


def parse(payload: dict[str, Any]) -> CallEvent:
    """One call from its legs (the stored shape {"legs": [...]})."""
    legs = sorted(payload.get("legs") or [], key=lambda leg: leg.get("start", ""))
    if not legs:
        raise PayloadError(_("The record has no call legs."))
    for leg in legs:
        if leg.get("disposition", "").upper() not in DISPOSITIONS:
            raise PayloadError(
                _("Unknown disposition “%(value)s”.") % {"value": leg.get("disposition", "")}
            )
    direction = _direction(legs)
    if direction is None:
        raise UnsupportedEvent(_("An internal call between extensions is not logged."))
    answered = [leg for leg in legs if leg["disposition"].upper() == "ANSWERED"]
    first = legs[0]
    if direction == CallDirection.INCOMING:
        from_raw, to_raw = first.get("src", ""), first.get("dst", "")
        # The extension is the one that answered; on a trunk leg that is its dstchannel.
        extension = next((_device(leg.get("dstchannel", "")) for leg in answered), "")
    else:
        outgoing = next(leg for leg in legs if to_e164_or_none(leg.get("dst", "")))
        from_raw, to_raw = outgoing.get("src", ""), outgoing.get("dst", "")
        extension = _device(outgoing.get("channel", "")) or outgoing.get("src", "")
    disposition = (answered[0] if answered else legs[-1])["disposition"].upper()
    return CallEvent(
        provider=Provider.ASTERISK,
        external_id=call_key(first),
        event_type="cdr",
        direction=direction,
        from_raw=from_raw[:50],
        to_raw=to_raw[:50],
        extension=extension[:20],
        outcome=DISPOSITIONS[disposition],
        provider_disposition=disposition,
        recording_ref=next((leg["recordingfile"] for leg in legs if leg.get("recordingfile")), "")[
            :500
        ],
        raw=payload,
        **_times(legs, answered),
    )


def sort_key(event: CallEvent) -> datetime.datetime:
    return event.started_at or datetime.datetime.min.replace(tzinfo=datetime.UTC)
