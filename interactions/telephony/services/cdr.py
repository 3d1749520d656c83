"""Asterisk Master.csv files: every call stored once, in one transaction, then logged."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext as _

from crm_project.core.audit import audit_record
from interactions.telephony import asterisk
from interactions.telephony.events import PayloadError, Provider, UnsupportedEvent
from interactions.telephony.models import TelephonyEvent
from interactions.telephony.services.intake import dedupe_key
from interactions.telephony.services.processing import (
    DONE,
    DRAIN_BATCH_SIZE,
    drain_request,
    telephony_events_process_batch,
)

if TYPE_CHECKING:
    from collections.abc import Iterable

    from crm_project.accounts.models import User

CDR_BATCH_SIZE = 1000


@dataclass
class CdrImportResult:
    """What an import did: calls stored, already stored, not logged, and lines refused."""

    stored: int = 0
    duplicates: int = 0
    internal: int = 0
    failed: int = 0
    # (the file's line numbers of one call, why it was refused)
    refused: list[tuple[list[int], str]] = field(default_factory=list)
    event_ids: list[int] = field(default_factory=list)

    @property
    def calls(self) -> int:
        return self.stored + self.duplicates + self.internal + len(self.refused)


def cdr_import(
    *, lines: Iterable[str], actor: User | None = None, file_name: str = "", process: bool = False
) -> CdrImportResult:
    """Store every call of an Asterisk Master.csv once, in one transaction, then process them.

    A file with a row that is not a CDR row raises asterisk.CdrFileError and stores nothing. A
    well-formed call that does not parse (an unknown disposition, a bad time) is refused with its
    line numbers and the others are stored. Calls already stored (the file imported before) are
    counted, not stored again. Processing runs here with `process`, else on the Celery workers.
    """
    rows = asterisk.read_rows(lines)
    if not rows:
        raise asterisk.CdrFileError([_("The file has no call records.")])
    result = CdrImportResult()
    calls: dict[str, dict[str, Any]] = {}
    for call_lines, legs in asterisk.group_rows(rows).values():
        payload = {"legs": legs}
        try:
            call = asterisk.parse(payload)
        except UnsupportedEvent:
            result.internal += 1
            continue
        except PayloadError as error:
            result.refused.append((call_lines, str(error)))
            continue
        key = dedupe_key(call.provider, payload)
        calls.setdefault(key, {"call": call, "payload": payload})
    with transaction.atomic():
        _cdr_store(calls, result)
        if actor is not None and result.event_ids:
            _cdr_audit(actor, file_name, result)
        if not process and result.event_ids:
            transaction.on_commit(drain_request)
    if process:
        ids = result.event_ids
        for start in range(0, len(ids), DRAIN_BATCH_SIZE):
            chunk = ids[start : start + DRAIN_BATCH_SIZE]
            outcomes = telephony_events_process_batch(limit=len(chunk), event_ids=chunk)
            result.failed += sum(outcomes.get(event_id) != DONE for event_id in chunk)
    return result


def _cdr_store(calls: dict[str, dict[str, Any]], result: CdrImportResult) -> None:
    keys = list(calls)
    existing: set[str] = set()
    for start in range(0, len(keys), CDR_BATCH_SIZE):
        existing.update(
            TelephonyEvent.objects.filter(
                provider=Provider.ASTERISK, dedupe_key__in=keys[start : start + CDR_BATCH_SIZE]
            ).values_list("dedupe_key", flat=True)
        )
    new = [
        TelephonyEvent(
            provider=Provider.ASTERISK,
            dedupe_key=key,
            external_id=item["call"].external_id,
            event_type=item["call"].event_type,
            payload=item["payload"],
        )
        for key, item in calls.items()
        if key not in existing
    ]
    # The unique constraint settles a race with a concurrent import: its rows are not doubled.
    TelephonyEvent.objects.bulk_create(new, batch_size=CDR_BATCH_SIZE, ignore_conflicts=True)
    new_keys = [event.dedupe_key for event in new]
    for start in range(0, len(new_keys), CDR_BATCH_SIZE):
        result.event_ids.extend(
            TelephonyEvent.objects.filter(
                provider=Provider.ASTERISK,
                dedupe_key__in=new_keys[start : start + CDR_BATCH_SIZE],
                state=TelephonyEvent.State.PENDING,
            )
            .order_by("id")
            .values_list("id", flat=True)
        )
    result.stored = len(new)
    result.duplicates = len(existing)


def _cdr_audit(actor: User, file_name: str, result: CdrImportResult) -> None:
    audit_record(
        actor=actor,
        action="interactions.telephony_event.cdr_imported",
        target=TelephonyEvent.objects.get(pk=result.event_ids[0]),
        changes={
            "file": file_name[:200],
            "stored": result.stored,
            "duplicates": result.duplicates,
            "refused_lines": [line for lines, _reason in result.refused for line in lines][:100],
        },
    )
