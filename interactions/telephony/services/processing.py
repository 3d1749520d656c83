"""Stored events to the journal: claimed in batches, each event logged once.

A batch is one transaction: it claims up to N pending events with SELECT … FOR UPDATE SKIP
LOCKED, so two workers draining at once take different events and a worker that dies leaves its
events pending (the transaction rolls back); it folds them into their calls' interactions
(services/journal.py) and records each event's outcome before it commits.

Waking the workers costs a webhook one cache SET NX: the first event stored after a drain has
started asks for the next one (`drain_request`), and one worker drains at a time, so batches grow
with the load instead of every event paying for its own task.
"""

from __future__ import annotations

import contextlib
import datetime
import logging
import time
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.cache import cache
from django.db import InterfaceError, OperationalError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from interactions.models import Interaction
from interactions.telephony import asterisk, generic, twilio, zadarma
from interactions.telephony.events import (
    CallEvent,
    PayloadError,
    Provider,
    UnsupportedEvent,
    setting,
)
from interactions.telephony.models import TelephonyEvent
from interactions.telephony.services.journal import BULK_SIZE, CallNotYetKnown, Journal, Lookups

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

logger = logging.getLogger(__name__)

PARSERS: dict[str, Callable[[Any], CallEvent]] = {
    Provider.TWILIO: twilio.parse,
    Provider.ZADARMA: zadarma.parse,
    Provider.ASTERISK: asterisk.parse,
    Provider.GENERIC: generic.parse,
}
DRAIN_BATCH_SIZE = 200
# A drain hands over to a fresh task after this long, so one task never holds a worker for long.
DRAIN_BUDGET_SECONDS = 10.0
# After a batch that was not full the drain waits this long before the next one: under load the
# next batch is then worth its dozen queries, at the cost of this much lag.
DRAIN_PAUSE_SECONDS = 0.2
# A recording can arrive before its call: tried again this much later, at most MAX_DEFERRALS times.
RETRY_DEFERRED_AFTER = datetime.timedelta(seconds=30)
MAX_DEFERRALS = 10
# Cache keys: "a drain is asked for" (one waits in the queue at a time) and "a worker drains".
# Their lifetimes only matter when a task is lost or a worker dies holding them.
REQUESTED_TTL_SECONDS = 5
DRAINING_TTL_SECONDS = 60
FAST_BROKER_RETRY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}

DONE, IGNORED, FAILED, DEFERRED, SKIPPED = "done", "ignored", "failed", "deferred", "skipped"


def parse_stored(provider: str, payload: Any) -> CallEvent:
    try:
        parser = PARSERS[provider]
    except KeyError as error:
        raise PayloadError(_("Unknown provider.")) from error
    return parser(payload)


@dataclass
class Result:
    outcome: str
    error: str = ""
    interaction: Interaction | None = None


# --- one batch ------------------------------------------------------------------------------


def telephony_events_process_batch(
    *, limit: int = DRAIN_BATCH_SIZE, event_ids: Sequence[int] | None = None
) -> dict[int, str]:
    """Claim up to `limit` pending events (of `event_ids` if given) and log them in one go.

    Returns each claimed event's outcome: done, ignored, failed or deferred. Events another
    worker holds are skipped, not waited for; without `event_ids`, events waiting for a retry
    are left until it is due. Database outages propagate, so the task retries with backoff.
    """
    with transaction.atomic():
        events = _claim(limit, event_ids)
        if not events:
            return {}
        results = _process(events)
        _record(events, results)
    return {event.pk: results[event.pk].outcome for event in events}


def telephony_event_process(*, event_id: int) -> str:
    """Log one stored event; safe to run twice or concurrently ("skipped" when done or held)."""
    return telephony_events_process_batch(limit=1, event_ids=[event_id]).get(event_id, SKIPPED)


def _claim(limit: int, event_ids: Sequence[int] | None) -> list[TelephonyEvent]:
    pending = TelephonyEvent.objects.select_for_update(skip_locked=True).filter(
        state=TelephonyEvent.State.PENDING
    )
    if event_ids is None:
        pending = pending.filter(Q(retry_at__isnull=True) | Q(retry_at__lte=timezone.now()))
    else:
        pending = pending.filter(pk__in=event_ids)
    fields = ("id", "provider", "external_id", "payload", "attempts")
    return list(pending.order_by("id").only(*fields)[:limit])


def _process(events: Sequence[TelephonyEvent]) -> dict[int, Result]:
    results: dict[int, Result] = {}
    calls: list[tuple[TelephonyEvent, CallEvent]] = []
    for event in events:
        try:
            calls.append((event, parse_stored(event.provider, event.payload)))
        except UnsupportedEvent as error:
            results[event.pk] = Result(IGNORED, str(error))
        except Exception as error:  # kept with its reason for the admins; the call is not lost
            results[event.pk] = _failure(event, error)
    if not calls:
        return results
    try:
        with transaction.atomic():
            results.update(_log(calls))
    except (OperationalError, InterfaceError):
        raise
    except Exception as error:
        if len(calls) == 1:
            results[calls[0][0].pk] = _failure(calls[0][0], error)
            return results
        # One event breaks the batch's writes: log the others one at a time, and keep its reason.
        for event, call in calls:
            try:
                with transaction.atomic():
                    results.update(_log([(event, call)]))
            except (OperationalError, InterfaceError):
                raise
            except Exception as single_error:
                results[event.pk] = _failure(event, single_error)
    return results


def _failure(event: TelephonyEvent, error: Exception) -> Result:
    logger.exception("telephony event %s failed", event.pk, exc_info=error)
    return Result(FAILED, f"{type(error).__name__}: {error}")


def _log(calls: Sequence[tuple[TelephonyEvent, CallEvent]]) -> dict[int, Result]:
    journal = Journal(Lookups.load([call for _event, call in calls]))
    results: dict[int, Result] = {}
    waiting: list[tuple[TelephonyEvent, CallEvent]] = []
    for event, call in calls:
        try:
            results[event.pk] = Result(DONE, interaction=journal.apply(call))
        except CallNotYetKnown:
            waiting.append((event, call))
    # A recording stored before its call's start, both in this batch: the call is known now.
    for event, call in waiting:
        try:
            results[event.pk] = Result(DONE, interaction=journal.apply(call))
        except CallNotYetKnown as error:
            results[event.pk] = Result(DEFERRED, str(error))
    journal.save()
    return results


def _record(events: Sequence[TelephonyEvent], results: dict[int, Result]) -> None:
    now = timezone.now()
    done = [event for event in events if results[event.pk].outcome == DONE]
    _record_done(done, results, now)
    for event in events:
        result = results[event.pk]
        if result.outcome == DONE:
            continue
        state = {IGNORED: TelephonyEvent.State.IGNORED, FAILED: TelephonyEvent.State.FAILED}.get(
            result.outcome, TelephonyEvent.State.PENDING
        )
        retry_at: datetime.datetime | None = now + RETRY_DEFERRED_AFTER
        if result.outcome != DEFERRED:
            retry_at = None
        elif event.attempts + 1 >= MAX_DEFERRALS:
            result.outcome, state, retry_at = FAILED, TelephonyEvent.State.FAILED, None
        TelephonyEvent.objects.filter(pk=event.pk).update(
            state=state,
            attempts=F("attempts") + 1,
            last_error=result.error[:2000],
            processed_at=now,
            retry_at=retry_at,
        )
    _wake_deferred(done, events)


def _record_done(
    done: Sequence[TelephonyEvent], results: dict[int, Result], now: datetime.datetime
) -> None:
    if not done:
        return
    ids = [event.pk for event in done]
    interactions = [results[event.pk].interaction.pk for event in done]  # type: ignore[union-attr]
    if connection.vendor == "postgresql":
        # One statement for the batch: bulk_update's CASE WHEN a row costs more to build in
        # Python than the whole UPDATE costs PostgreSQL.
        table = connection.ops.quote_name(TelephonyEvent._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} AS event SET state = %s, attempts = event.attempts + 1,"  # noqa: S608
                " processed_at = %s, last_error = '', retry_at = NULL,"
                " interaction_id = batch.interaction_id"
                " FROM unnest(%s::bigint[], %s::bigint[]) AS batch(id, interaction_id)"
                " WHERE event.id = batch.id",
                [TelephonyEvent.State.DONE.value, now, ids, interactions],
            )
        return
    for event in done:
        event.interaction = results[event.pk].interaction
    TelephonyEvent.objects.bulk_update(done, ["interaction"], batch_size=BULK_SIZE)
    TelephonyEvent.objects.filter(pk__in=ids).update(
        state=TelephonyEvent.State.DONE,
        attempts=F("attempts") + 1,
        processed_at=now,
        last_error="",
        retry_at=None,
    )


def _wake_deferred(done: Sequence[TelephonyEvent], batch: Sequence[TelephonyEvent]) -> None:
    """Events of these calls waiting for their call (stored earlier, in another batch) are due."""
    calls: dict[str, set[str]] = {}
    for event in done:
        calls.setdefault(event.provider, set()).add(event.external_id)
    condition = Q(pk__in=[])
    for provider, external_ids in calls.items():
        condition |= Q(provider=provider, external_id__in=external_ids)
    if calls:
        TelephonyEvent.objects.filter(
            condition, state=TelephonyEvent.State.PENDING, retry_at__isnull=False
        ).exclude(pk__in=[event.pk for event in batch]).update(retry_at=None)


# --- draining -------------------------------------------------------------------------------


def drain_key(name: str) -> str:
    """A cache key of this database's drain (two CRMs, or test runs, may share one Redis)."""
    return f"telephony:drain:{connection.settings_dict['NAME']}:{name}"


def drain_request(*, force: bool = False) -> bool:
    """Ask the workers to drain pending events; returns whether a drain task was enqueued.

    Called after each stored event. While a request waits in the queue (or a drain runs), the
    call costs one cache SET NX. A broker that is down is logged, and the sweeper asks later.
    """
    from interactions.tasks import call_events_drain_task

    try:
        if not cache.add(drain_key("requested"), 1, REQUESTED_TTL_SECONDS) and not force:
            return False
    except Exception:  # the cache is down: ask the broker anyway, the drain is what matters
        logger.warning("telephony drain request: the cache is unavailable", exc_info=True)
    try:
        with call_events_drain_task.app.producer_or_acquire() as producer:
            # kombu would otherwise keep reconnecting for seconds while the provider waits.
            producer.connection.ensure_connection(**FAST_BROKER_RETRY, timeout=2)
            call_events_drain_task.apply_async(
                producer=producer, retry=True, retry_policy=FAST_BROKER_RETRY
            )
    except Exception:  # any broker failure: the events are stored, so nothing is lost
        logger.warning("telephony drain not enqueued; the sweeper will ask again", exc_info=True)
        with contextlib.suppress(Exception):
            cache.delete(drain_key("requested"))
        return False
    return True


def telephony_events_drain(
    *, batch_size: int | None = None, budget: float = DRAIN_BUDGET_SECONDS
) -> Counter[str]:
    """Log pending events a batch at a time until none is left; one worker drains at a time.

    A drain asked for while another runs returns at once: the running one looks for a request
    after it lets go of the lock, and drains again if there was one. So an event stored at any
    moment is claimed by some batch that starts after it was committed. Past its time budget a
    drain asks for a fresh task to go on and returns. Returns the outcomes counted.
    """
    size = batch_size or int(setting("TELEPHONY_DRAIN_BATCH_SIZE", DRAIN_BATCH_SIZE))
    outcomes: Counter[str] = Counter()
    deadline = time.monotonic() + budget
    running, requested = drain_key("running"), drain_key("requested")
    while cache.add(running, 1, DRAINING_TTL_SECONDS):
        try:
            unfinished = _drain_batches(size, deadline, outcomes)
        finally:
            cache.delete(running)
        if unfinished:
            drain_request(force=True)
            break
        if not cache.delete(requested):
            break
    return outcomes


def _drain_batches(size: int, deadline: float, outcomes: Counter[str]) -> bool:
    """Batches until one finds nothing; True when the time budget ran out first."""
    pause = float(setting("TELEPHONY_DRAIN_PAUSE_SECONDS", DRAIN_PAUSE_SECONDS))
    while True:
        results = telephony_events_process_batch(limit=size)
        outcomes.update(results.values())
        if not results:
            return False
        if time.monotonic() >= deadline:
            return True
        if len(results) < size:
            time.sleep(pause)
