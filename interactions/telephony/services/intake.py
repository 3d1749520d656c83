"""Storing notifications: one statement a webhook, and the sweeper that wakes forgotten events."""

from __future__ import annotations

import datetime
import hashlib
import json
from functools import cache
from typing import TYPE_CHECKING, Any

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from crm_project.core.audit import audit_record
from interactions.telephony.models import TelephonyEvent
from interactions.telephony.services.processing import drain_request

if TYPE_CHECKING:
    from crm_project.accounts.models import User
    from interactions.telephony.events import CallEvent

# Events pending this long without a batch taking them (the broker was down when they were
# stored, a worker died) make the sweeper ask for a drain.
SWEEP_AFTER = datetime.timedelta(minutes=1)
INSERTED_FIELDS = (
    "provider",
    "external_id",
    "event_type",
    "dedupe_key",
    "payload",
    "received_at",
    "state",
    "attempts",
    "last_error",
)


def dedupe_key(provider: str, payload: Any) -> str:
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(f"{provider}\n{canonical}".encode()).hexdigest()


@cache
def _insert_sql(vendor: str) -> str:
    meta = TelephonyEvent._meta
    quote = connection.ops.quote_name
    columns = ", ".join(quote(meta.get_field(name).column) for name in INSERTED_FIELDS)
    placeholders = ", ".join(["%s"] * len(INSERTED_FIELDS))
    unique = ", ".join(quote(meta.get_field(name).column) for name in ("provider", "dedupe_key"))
    return (
        f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({placeholders})"  # noqa: S608
        f" ON CONFLICT ({unique}) DO NOTHING RETURNING {quote(meta.pk.column)}"
    )


def telephony_event_receive(
    *, call: CallEvent, payload: Any, enqueue: bool = True
) -> tuple[int, bool]:
    """Store a verified, parsed notification once; returns (event id, whether it is new).

    One INSERT … ON CONFLICT DO NOTHING on (provider, deduplication key), so the provider gets
    its answer fast: a repeated delivery stores nothing and gets the stored event's id. A new
    event asks the workers for a drain after commit.
    """
    key = dedupe_key(call.provider, payload)
    values = {
        "provider": call.provider,
        "external_id": call.external_id,
        "event_type": call.event_type,
        "dedupe_key": key,
        "payload": payload,
        "received_at": timezone.now(),
        "state": TelephonyEvent.State.PENDING,
        "attempts": 0,
        "last_error": "",
    }
    meta = TelephonyEvent._meta
    params = [
        meta.get_field(name).get_db_prep_save(values[name], connection) for name in INSERTED_FIELDS
    ]
    with connection.cursor() as cursor:
        cursor.execute(_insert_sql(connection.vendor), params)
        row = cursor.fetchone()
    if row is None:
        stored = TelephonyEvent.objects.filter(provider=call.provider, dedupe_key=key)
        return stored.values_list("pk", flat=True).get(), False
    if enqueue:
        transaction.on_commit(drain_request)
    return row[0], True


def telephony_events_sweep(*, now: datetime.datetime | None = None, limit: int = 500) -> int:
    """Ask for a drain when events wait longer than they should; returns how many wait.

    Every minute (CELERY_BEAT_SCHEDULE): events stored while the broker was down, left by a
    worker that died, or waiting for their call and due for another try. Marks them re-dispatched.
    """
    now = now or timezone.now()
    due = TelephonyEvent.objects.filter(state=TelephonyEvent.State.PENDING).filter(
        Q(retry_at__isnull=True, received_at__lt=now - SWEEP_AFTER) | Q(retry_at__lte=now)
    )
    ids = list(due.order_by("id").values_list("id", flat=True)[:limit])
    if not ids:
        return 0
    TelephonyEvent.objects.filter(pk__in=ids).update(dispatched_at=now)
    if not drain_request(force=True):
        TelephonyEvent.objects.filter(pk__in=ids).update(dispatched_at=None)
        return 0
    return len(ids)


@transaction.atomic
def telephony_event_requeue(*, actor: User, event: TelephonyEvent) -> bool:
    """Send a failed event through processing again (an admin's action after a fix)."""
    updated = TelephonyEvent.objects.filter(
        pk=event.pk, state__in=[TelephonyEvent.State.FAILED, TelephonyEvent.State.IGNORED]
    ).update(state=TelephonyEvent.State.PENDING, dispatched_at=None, retry_at=None)
    if updated:
        audit_record(actor=actor, action="interactions.telephony_event.requeued", target=event)
        transaction.on_commit(drain_request)
    return bool(updated)
