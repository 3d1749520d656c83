"""Celery tasks of the client base: deal reminders, transfer notices, overdue lists, campaigns."""

from __future__ import annotations

import datetime
from smtplib import SMTPException

from celery import shared_task
from django.db import InterfaceError, OperationalError
from django.utils import timezone

from clients.models import ClientTransfer, DealReminder
from clients.services import (
    campaign_send_batch,
    campaigns_resume,
    client_transfer_notify,
    deal_reminder_send,
    deals_overdue_notify,
)

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


@shared_task(
    autoretry_for=RETRIED,
    retry_backoff=60,
    retry_backoff_max=1800,
    retry_jitter=True,
    max_retries=10,
    soft_time_limit=120,
    time_limit=150,
)
def campaign_send_task(campaign_id: int) -> int:
    """Send what the rate allows of a campaign now; campaigns_resume_task brings the rest."""
    return campaign_send_batch(campaign_id=campaign_id)


# A notice still unsent this long after its row was stored lost its task (the broker was down);
# older ones are stale news and are left alone rather than sent a day late.
NOTICE_RESEND_AFTER = datetime.timedelta(minutes=5)
NOTICE_GIVE_UP_AFTER = datetime.timedelta(days=1)


@shared_task(soft_time_limit=60, time_limit=90)
def notices_resend_task() -> int:
    """Every five minutes (CELERY_BEAT_SCHEDULE): enqueue deal reminders and transfer notices
    whose task never ran; sending claims the row, so one enqueued twice goes out once."""
    now = timezone.now()
    window = {
        "created_at__lt": now - NOTICE_RESEND_AFTER,
        "created_at__gt": now - NOTICE_GIVE_UP_AFTER,
    }
    reminder_ids = list(
        DealReminder.objects.filter(sent_at__isnull=True, **window).values_list("pk", flat=True)
    )
    for reminder_id in reminder_ids:
        deal_reminder_send_task.delay(reminder_id)
    transfer_ids = list(
        ClientTransfer.objects.filter(notified_at__isnull=True, **window)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if transfer_ids:
        client_transfer_notify_task.delay(transfer_ids)
    return len(reminder_ids) + len(transfer_ids)


@shared_task(soft_time_limit=60, time_limit=90)
def campaigns_resume_task() -> int:
    """Every minute (CELERY_BEAT_SCHEDULE): restart campaigns a stopped worker left half-sent."""
    campaign_ids = campaigns_resume()
    for campaign_id in campaign_ids:
        campaign_send_task.delay(campaign_id)
    return len(campaign_ids)
