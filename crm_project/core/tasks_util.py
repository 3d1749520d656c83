"""Enqueueing Celery tasks from services without letting a broker outage fail the user's save.

A service enqueues after its transaction commits. If the broker is down at that moment the data
is already stored, so a 500 would be wrong: the user would retry and save twice. The enqueue is
logged instead, and each task that is enqueued this way has a periodic safety net in
CELERY_BEAT_SCHEDULE that finds the work still due (a campaign still sending, a reminder not
sent, a snapshot not built) and enqueues it once the broker is back.
"""

from __future__ import annotations

import logging
from functools import partial
from typing import Any

from celery import Task
from django.db import transaction

logger = logging.getLogger(__name__)

# Fail within about a second: kombu's defaults keep reconnecting for several seconds while the
# user (or a telephony provider) waits for the page.
BROKER_TIMEOUT_SECONDS = 2.0
FAST_BROKER_RETRY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}


def enqueue(task: Task, *args: Any, **options: Any) -> bool:
    """Send `task(*args)` now; False, logged, when the broker cannot take it.

    `options` are apply_async options (countdown, queue …).
    """
    try:
        with task.app.producer_or_acquire() as producer:
            producer.connection.ensure_connection(
                **FAST_BROKER_RETRY, timeout=BROKER_TIMEOUT_SECONDS
            )
            task.apply_async(
                args, producer=producer, retry=True, retry_policy=FAST_BROKER_RETRY, **options
            )
    except Exception:  # any broker failure: the work is stored, its safety net sends it later
        logger.warning("%s%r not enqueued; its periodic job will", task.name, args, exc_info=True)
        return False
    return True


def enqueue_after_commit(task: Task, *args: Any, **options: Any) -> None:
    """Send `task(*args)` once the current transaction commits (at once outside of one)."""
    transaction.on_commit(partial(enqueue, task, *args, **options))
