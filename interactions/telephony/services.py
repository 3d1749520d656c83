"""Telephony intake: store each notification, then turn it into one journal entry per call.

The webhook views and the CDR import call `telephony_event_receive`; the Celery task calls
`telephony_event_process`; the periodic sweeper calls `telephony_events_sweep`. The phone system
acts without a human actor, so the audit entries have none.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import logging
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, InterfaceError, OperationalError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from clients.models import Client, Phone
from crm_project.accounts.models import User
from crm_project.core.audit import audit_record, diff, snapshot
from interactions.models import Interaction, InteractionStatus
from interactions.telephony import asterisk, generic, twilio, zadarma
from interactions.telephony.events import (
    NOT_ANSWERED,
    CallDirection,
    CallEvent,
    Outcome,
    PayloadError,
    Provider,
    UnsupportedEvent,
    setting,
)
from interactions.telephony.models import TelephonyEvent

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Sequence

logger = logging.getLogger(__name__)

PARSERS: dict[str, Callable[[Any], CallEvent]] = {
    Provider.TWILIO: twilio.parse,
    Provider.ZADARMA: zadarma.parse,
    Provider.ASTERISK: asterisk.parse,
    Provider.GENERIC: generic.parse,
}
SWEEP_AFTER = datetime.timedelta(minutes=1)
REDISPATCH_AFTER = datetime.timedelta(minutes=5)
MAX_DEFERRALS = 10
FAST_BROKER_RETRY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
OUTCOME_RANK = {"": 0, Outcome.IN_PROGRESS: 1, Outcome.ANSWERED: 3} | dict.fromkeys(NOT_ANSWERED, 2)
# Statuses the phone system pre-fills; a status a manager chose is never overwritten.
AUTOMATIC_STATUS_CODES = frozenset({"missed", "no_answer", "wrong_number", "planned"})
TRACKED_FIELDS = (
    "client",
    "contact",
    "phone_raw",
    "manager",
    "team",
    "occurred_at",
    "answered_at",
    "duration_seconds",
    "talk_seconds",
    "call_outcome",
    "provider_disposition",
    "recording_ref",
    "extension",
    "status",
    "source",
    "provider",
    "external_id",
)


class CallNotYetKnown(Exception):
    """The event adds to a call not logged yet (a recording before the call's start)."""


def dedupe_key(provider: str, payload: Any) -> str:
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(f"{provider}\n{canonical}".encode()).hexdigest()


def dispatch(event_id: int) -> bool:
    """Enqueue processing; a broker that is down is logged, and the sweeper retries later."""
    return dispatch_many([event_id]) == 1


def dispatch_many(event_ids: Sequence[int]) -> int:
    """Enqueue processing of each event over one broker connection; returns how many went.

    Events not enqueued (the broker is down) stay pending, and the sweeper sends them later.
    """
    from interactions.tasks import call_event_process_task

    sent = 0
    try:
        with call_event_process_task.app.producer_or_acquire() as producer:
            # kombu would otherwise keep reconnecting for seconds while the provider waits.
            producer.connection.ensure_connection(**FAST_BROKER_RETRY, timeout=2)
            for event_id in event_ids:
                call_event_process_task.apply_async(
                    (event_id,), producer=producer, retry=True, retry_policy=FAST_BROKER_RETRY
                )
                sent += 1
    except Exception:  # any broker failure: the events are stored, so nothing is lost
        logger.warning(
            "%d telephony events not enqueued; the sweeper will",
            len(event_ids) - sent,
            exc_info=True,
        )
    return sent


def telephony_event_receive(
    *, call: CallEvent, payload: Any, enqueue: bool = True
) -> tuple[TelephonyEvent, bool]:
    """Store a verified, parsed notification once; a repeated delivery returns the stored row.

    Returns (event, created). Processing is enqueued after commit.
    """
    with transaction.atomic():
        event, created = TelephonyEvent.objects.get_or_create(
            provider=call.provider,
            dedupe_key=dedupe_key(call.provider, payload),
            defaults={
                "external_id": call.external_id,
                "event_type": call.event_type,
                "payload": payload,
            },
        )
        if created and enqueue:
            transaction.on_commit(partial(dispatch, event.pk))
    return event, created


def _finish(event_id: int, state: str, error: str = "", *, count_attempt: bool = True) -> None:
    TelephonyEvent.objects.filter(pk=event_id).update(
        state=state,
        last_error=error[:2000],
        attempts=F("attempts") + int(count_attempt),
        processed_at=timezone.now(),
    )


def telephony_event_process(*, event_id: int) -> str:
    """Turn one stored event into its call's interaction; safe to run twice, or concurrently.

    The conditional UPDATE claims the row inside the transaction, so a second worker waits for
    the first and then finds nothing to do. Returns what happened: done, skipped, ignored,
    deferred or failed. Database outages propagate, so the task retries with backoff.
    """
    try:
        with transaction.atomic():
            claimed = TelephonyEvent.objects.filter(
                pk=event_id, state=TelephonyEvent.State.PENDING
            ).update(state=TelephonyEvent.State.PROCESSING, attempts=F("attempts") + 1)
            if not claimed:
                return "skipped"
            event = TelephonyEvent.objects.get(pk=event_id)
            interaction = call_event_apply(PARSERS[event.provider](event.payload))
            TelephonyEvent.objects.filter(pk=event_id).update(
                state=TelephonyEvent.State.DONE,
                processed_at=timezone.now(),
                interaction=interaction,
                last_error="",
            )
            return "done"
    except (OperationalError, InterfaceError):
        raise
    except UnsupportedEvent as error:
        _finish(event_id, TelephonyEvent.State.IGNORED, str(error))
        return "ignored"
    except CallNotYetKnown as error:
        return _defer(event_id, str(error))
    except Exception as error:  # kept with its reason for the admins; the call is not lost
        logger.exception("telephony event %s failed", event_id)
        _finish(event_id, TelephonyEvent.State.FAILED, f"{type(error).__name__}: {error}")
        return "failed"


def _defer(event_id: int, reason: str) -> str:
    TelephonyEvent.objects.filter(pk=event_id).update(attempts=F("attempts") + 1, last_error=reason)
    attempts = TelephonyEvent.objects.filter(pk=event_id).values_list("attempts", flat=True)
    if attempts and attempts[0] >= MAX_DEFERRALS:
        _finish(event_id, TelephonyEvent.State.FAILED, reason, count_attempt=False)
        return "failed"
    return "deferred"


def telephony_events_sweep(*, now: datetime.datetime | None = None, limit: int = 500) -> int:
    """Re-dispatch events left pending for over a minute (broker down, a worker died)."""
    now = now or timezone.now()
    ids = list(
        TelephonyEvent.objects.filter(
            state=TelephonyEvent.State.PENDING, received_at__lt=now - SWEEP_AFTER
        )
        .filter(Q(dispatched_at__isnull=True) | Q(dispatched_at__lt=now - REDISPATCH_AFTER))
        .order_by("id")
        .values_list("id", flat=True)[:limit]
    )
    TelephonyEvent.objects.filter(pk__in=ids).update(dispatched_at=now)
    for position, event_id in enumerate(ids):
        if not dispatch(event_id):
            TelephonyEvent.objects.filter(pk__in=ids[position:]).update(dispatched_at=None)
            return position
    return len(ids)


@transaction.atomic
def telephony_event_requeue(*, actor: User, event: TelephonyEvent) -> bool:
    """Send a failed event through processing again (an admin's action after a fix)."""
    updated = TelephonyEvent.objects.filter(
        pk=event.pk, state__in=[TelephonyEvent.State.FAILED, TelephonyEvent.State.IGNORED]
    ).update(state=TelephonyEvent.State.PENDING, dispatched_at=None)
    if updated:
        audit_record(actor=actor, action="interactions.telephony_event.requeued", target=event)
        transaction.on_commit(partial(dispatch, event.pk))
    return bool(updated)


# --- Asterisk Master.csv files ---------------------------------------------------------------

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
        if not process:
            transaction.on_commit(partial(dispatch_many, list(result.event_ids)))
    if process:
        for event_id in result.event_ids:
            if telephony_event_process(event_id=event_id) != "done":
                result.failed += 1
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


# --- from a call event to the journal -------------------------------------------------------


def _status(kind: str, code: str) -> InteractionStatus | None:
    return InteractionStatus.objects.filter(kind=kind, code=code, is_active=True).first()


def _automatic_status_code(kind: str, outcome: str) -> str | None:
    if outcome not in NOT_ANSWERED:
        return None
    if kind == Interaction.Kind.INCOMING_CALL:
        return "missed"
    return "wrong_number" if outcome == Outcome.UNALLOCATED else "no_answer"


def _match_phone(call: CallEvent) -> Phone | None:
    e164 = call.client_number_e164
    if not e164:
        return None
    # Routing reads the manager's team, or the client's: one query instead of three.
    phones = Phone.objects.select_related(
        "client__responsible_manager__team", "client__team", "contact"
    )
    return phones.filter(number_e164=e164).first()


def _extension_user(extension: str) -> User | None:
    if not extension:
        return None
    users = User.objects.select_related("team")
    return users.filter(phone_extension=extension, is_active=True).first()


def _route(call: CallEvent, client: Client | None) -> tuple[User | None, Any, bool]:
    """(manager, team, by extension): who answered or dialled, else the client's manager,
    else nobody (the team's queue)."""
    by_extension = _extension_user(call.extension)
    if by_extension and (
        call.direction == CallDirection.OUTGOING or call.outcome == Outcome.ANSWERED
    ):
        return by_extension, by_extension.team, True
    responsible = client.responsible_manager if client else None
    if responsible and responsible.is_active:
        return responsible, responsible.team, False
    return None, client.team if client else None, False


def _kind(call: CallEvent) -> str:
    if call.direction == CallDirection.OUTGOING:
        return Interaction.Kind.OUTGOING_CALL
    return Interaction.Kind.INCOMING_CALL


def _better_outcome(current: str, new: str) -> bool:
    if current == Outcome.ANSWERED:
        return new == Outcome.ANSWERED
    return OUTCOME_RANK.get(new, 0) >= OUTCOME_RANK.get(current, 0) and bool(new)


def _merge_call(interaction: Interaction, call: CallEvent) -> None:
    """Fold one event into the interaction; the order events arrive in does not matter."""
    start = call.time
    if start and (interaction.occurred_at is None or start < interaction.occurred_at):
        interaction.occurred_at = start
    if call.answered_at and not interaction.answered_at:
        interaction.answered_at = call.answered_at
    for name in ("duration_seconds", "talk_seconds"):
        value = getattr(call, name)
        if value is not None and value >= (getattr(interaction, name) or 0):
            setattr(interaction, name, value)
    if _better_outcome(interaction.call_outcome, call.outcome):
        interaction.call_outcome = call.outcome
        interaction.provider_disposition = call.provider_disposition or (
            interaction.provider_disposition
        )
    if call.extension and (
        not interaction.extension
        or call.direction == CallDirection.OUTGOING
        or call.outcome == Outcome.ANSWERED
    ):
        interaction.extension = call.extension
    if call.recording_ref:
        interaction.recording_ref = call.recording_ref
    if not interaction.phone_raw and call.client_number_raw:
        interaction.phone_raw = call.client_number_raw
        interaction.phone_e164 = call.client_number_e164 or ""


def _route_onto(interaction: Interaction, call: CallEvent, phone: Phone | None) -> None:
    if interaction.client_id is None and phone is not None:
        interaction.client, interaction.contact = phone.client, phone.contact
    manager, team, by_extension = _route(call, interaction.client)
    if interaction.manager_id is None or by_extension:
        interaction.manager = manager
        interaction.team = team or interaction.team
    elif interaction.team_id is None:
        interaction.team = team


def _prefill_status(interaction: Interaction) -> None:
    current = interaction.status
    if current is not None and current.code not in AUTOMATIC_STATUS_CODES:
        return
    code = _automatic_status_code(interaction.kind, interaction.call_outcome)
    unfinished = interaction.call_outcome in ("", Outcome.IN_PROGRESS)
    if code is None and unfinished and current is not None:
        return
    # An answered call starts without a status: it waits in the inbox for the manager's word.
    status = _status(interaction.kind, code) if code else None
    if status != current:
        interaction.status = status
        interaction.status_changed_at = timezone.now()


def _find_planned(call: CallEvent, phone: Phone | None) -> Interaction | None:
    """The planned outgoing call this logged call performs, if one is due around its time."""
    if call.direction != CallDirection.OUTGOING or not call.time:
        return None
    window = datetime.timedelta(minutes=setting("TELEPHONY_PLANNED_CALL_WINDOW_MINUTES", 240))
    same_party = Q(phone_e164=call.to_e164) if call.to_e164 else Q(pk__in=[])
    if phone is not None:
        same_party |= Q(client_id=phone.client_id)
    planned = Interaction.objects.filter(
        same_party,
        kind=Interaction.Kind.OUTGOING_CALL,
        occurred_at__isnull=True,
        external_id="",
        planned_at__range=(call.time - window, call.time + window),
    ).exclude(status__is_final=True)
    manager, _team, _by_extension = _route(call, phone.client if phone else None)
    if manager is not None:
        planned = planned.filter(Q(manager=manager) | Q(manager__isnull=True))
    return planned.select_for_update(of=("self",)).order_by("planned_at", "id").first()


def _new_interaction(call: CallEvent, phone: Phone | None) -> Interaction:
    if call.direction is None or not (call.has_numbers or phone):
        raise CallNotYetKnown(_("No call with this id has been logged yet."))
    return Interaction(
        kind=_kind(call),
        phone_raw=call.client_number_raw or "anonymous",
        phone_e164=call.client_number_e164 or "",
        source=Interaction.Source.TELEPHONY,
        provider=call.provider,
        external_id=call.external_id,
    )


def _locked(call: CallEvent) -> Interaction | None:
    return (
        Interaction.objects.select_for_update(of=("self",))
        .select_related("status")
        .filter(provider=call.provider, external_id=call.external_id)
        .first()
    )


def _save(interaction: Interaction, call: CallEvent, phone: Phone | None) -> None:
    _merge_call(interaction, call)
    _route_onto(interaction, call, phone)
    _prefill_status(interaction)
    if interaction.occurred_at is None:
        interaction.occurred_at = timezone.now()
    interaction.save()


@transaction.atomic
def call_event_apply(call: CallEvent) -> Interaction:
    """Create or update the one interaction of this call (idempotent on provider and call id)."""
    phone = _match_phone(call)
    interaction = _locked(call)
    created = interaction is None
    before: dict[str, Any] = {}
    action = "interactions.interaction.updated_by_telephony"
    if interaction is not None:
        before = snapshot(interaction, TRACKED_FIELDS)
        _save(interaction, call, phone)
    elif (planned := _find_planned(call, phone)) is not None:
        before = snapshot(planned, TRACKED_FIELDS)
        interaction, created = planned, False
        action = "interactions.interaction.performed_by_telephony"
        interaction.source = Interaction.Source.TELEPHONY
        interaction.provider, interaction.external_id = call.provider, call.external_id
        _save(interaction, call, phone)
    else:
        interaction = _new_interaction(call, phone)
        action = "interactions.interaction.logged_by_telephony"
        try:
            with transaction.atomic():
                _save(interaction, call, phone)
        except IntegrityError:
            # Another worker logged the same call meanwhile: update that one instead.
            interaction = _locked(call)
            if interaction is None:
                raise
            created, action = False, "interactions.interaction.updated_by_telephony"
            before = snapshot(interaction, TRACKED_FIELDS)
            _save(interaction, call, phone)
    changes = snapshot(interaction, TRACKED_FIELDS) if created else None
    changes = changes or diff(before, snapshot(interaction, TRACKED_FIELDS))
    if changes:
        audit_record(actor=None, action=action, target=interaction, changes=changes)
    _touch_client(interaction)
    _plan_or_cancel_callback(interaction, is_new=created)
    return interaction


def _touch_client(interaction: Interaction) -> None:
    if interaction.client_id is None or interaction.occurred_at is None:
        return
    Client.objects.filter(pk=interaction.client_id).filter(
        Q(last_interaction_at__isnull=True) | Q(last_interaction_at__lt=interaction.occurred_at)
    ).update(last_interaction_at=interaction.occurred_at)


def _plan_or_cancel_callback(call: Interaction, *, is_new: bool = False) -> None:
    """A missed incoming call gets one call-back task; answered after all, it is cancelled."""
    if call.kind != Interaction.Kind.INCOMING_CALL:
        return
    pending = Interaction.objects.filter(callback_for=call, occurred_at__isnull=True)
    if call.call_outcome == Outcome.ANSWERED:
        if is_new:  # a call logged just now has no call-back to cancel: two queries saved
            return
        cancelled = _status(Interaction.Kind.OUTGOING_CALL, "cancelled")
        pending.update(status=cancelled, status_changed_at=timezone.now())
        return
    if call.call_outcome not in NOT_ANSWERED or (not is_new and call.callbacks.exists()):
        return
    delay = datetime.timedelta(minutes=setting("TELEPHONY_CALLBACK_DELAY_MINUTES", 15))
    callback = Interaction.objects.create(
        kind=Interaction.Kind.OUTGOING_CALL,
        client=call.client,
        contact=call.contact,
        phone_raw=call.phone_raw,
        phone_e164=call.phone_e164,
        manager=call.manager,
        team=call.team,
        planned_at=(call.answered_at or call.occurred_at or timezone.now()) + delay,
        subject=_("Call back after a missed call"),
        status=_status(Interaction.Kind.OUTGOING_CALL, "planned"),
        status_changed_at=timezone.now(),
        source=Interaction.Source.TELEPHONY,
        callback_for=call,
    )
    audit_record(
        actor=None,
        action="interactions.interaction.callback_planned",
        target=callback,
        changes={"callback_for": call.pk, "manager": call.manager_id},
    )


def parse_stored(provider: str, payload: Any) -> CallEvent:
    try:
        parser = PARSERS[provider]
    except KeyError as error:
        raise PayloadError(_("Unknown provider.")) from error
    return parser(payload)
