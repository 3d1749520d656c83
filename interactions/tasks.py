"""Celery tasks of the journal: telephony events become interactions."""

from __future__ import annotations

from celery import shared_task
from django.db import InterfaceError, OperationalError

from interactions.telephony.services import telephony_event_process, telephony_events_sweep

# A recording can arrive before its call; retried this many seconds later, then by the sweeper.
DEFERRED_RETRY_SECONDS = 30


@shared_task(
    bind=True,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=2,
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=8,
    soft_time_limit=30,
    time_limit=60,
    acks_late=True,
)
def call_event_process_task(self, event_id: int) -> str:
    outcome = telephony_event_process(event_id=event_id)
    if outcome == "deferred" and self.request.retries < 3 and not self.request.is_eager:
        raise self.retry(countdown=DEFERRED_RETRY_SECONDS)
    return outcome


@shared_task(soft_time_limit=100, time_limit=120)
def call_event_sweep_task() -> int:
    """Re-dispatch telephony events left unprocessed for more than a minute."""
    return telephony_events_sweep()
