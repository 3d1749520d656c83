"""Celery tasks of the journal: telephony events become interactions, a batch at a time."""

from __future__ import annotations

from celery import shared_task
from django.db import InterfaceError, OperationalError

from interactions.telephony.services import (
    telephony_event_process,
    telephony_events_drain,
    telephony_events_sweep,
)


@shared_task(
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=2,
    retry_backoff_max=60,
    retry_jitter=True,
    max_retries=8,
    soft_time_limit=45,
    time_limit=60,
    acks_late=True,
)
def call_events_drain_task() -> dict[str, int]:
    """Log the pending telephony events in batches; asked for by each newly stored event."""
    return dict(telephony_events_drain())


@shared_task(
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=2,
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=8,
    soft_time_limit=30,
    time_limit=60,
    acks_late=True,
)
def call_event_process_task(event_id: int) -> str:
    """Log one stored event (messages enqueued before batches existed, or by hand)."""
    return telephony_event_process(event_id=event_id)


@shared_task(soft_time_limit=100, time_limit=120)
def call_event_sweep_task() -> int:
    """Ask for a drain when telephony events wait for more than a minute."""
    return telephony_events_sweep()
