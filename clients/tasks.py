"""Celery tasks of the client base: deal reminders, transfer notices, the daily overdue list."""

from __future__ import annotations

from smtplib import SMTPException

from celery import shared_task
from django.db import InterfaceError, OperationalError

from clients.services import client_transfer_notify, deal_reminder_send, deals_overdue_notify

# Mail servers and databases drop out; the services claim their rows, so a retry is safe.
RETRIED = (SMTPException, ConnectionError, TimeoutError, OperationalError, InterfaceError)


@shared_task(
    autoretry_for=RETRIED,
    retry_backoff=30,
    retry_backoff_max=1800,
    retry_jitter=True,
    max_retries=6,
    soft_time_limit=60,
    time_limit=90,
)
def deal_reminder_send_task(reminder_id: int) -> bool:
    return deal_reminder_send(reminder_id=reminder_id)


@shared_task(
    autoretry_for=RETRIED,
    retry_backoff=30,
    retry_backoff_max=1800,
    retry_jitter=True,
    max_retries=6,
    soft_time_limit=120,
    time_limit=150,
)
def client_transfer_notify_task(transfer_ids: list[int]) -> int:
    return client_transfer_notify(transfer_ids=transfer_ids)


@shared_task(
    autoretry_for=RETRIED,
    retry_backoff=60,
    retry_backoff_max=3600,
    max_retries=5,
    soft_time_limit=300,
    time_limit=360,
)
def deals_overdue_digest_task() -> int:
    """Daily (CELERY_BEAT_SCHEDULE): each supervisor's list of deals that became overdue."""
    return deals_overdue_notify()
