"""Celery tasks of the reports: snapshots built from the database and e-mailed to supervisors."""

from __future__ import annotations

import datetime

from celery import shared_task
from django.db import InterfaceError, OperationalError
from django.utils import timezone

from crm_project.accounts.models import Team
from reports.models import ReportSnapshot
from reports.services import snapshot_build, snapshot_notify, snapshots_missing


def previous_period_day(kind: str, today: datetime.date) -> datetime.date:
    """A day of the last complete day, week or month before `today`."""
    if kind == ReportSnapshot.Kind.DAILY:
        return today - datetime.timedelta(days=1)
    if kind == ReportSnapshot.Kind.WEEKLY:
        return today - datetime.timedelta(days=today.weekday() + 1)
    return today.replace(day=1) - datetime.timedelta(days=1)


@shared_task(soft_time_limit=60, time_limit=90)
def report_snapshots_build_task(kind: str, day: str | None = None) -> int:
    """Beat: one snapshot task per team for the last complete period of `kind`."""
    target = (
        datetime.date.fromisoformat(day) if day else previous_period_day(kind, timezone.localdate())
    )
    team_ids = list(Team.objects.values_list("pk", flat=True))
    for team_id in team_ids:
        report_snapshot_build_task.delay(team_id, kind, target.isoformat())
    return len(team_ids)


@shared_task(soft_time_limit=60, time_limit=90)
def report_snapshots_catch_up_task() -> int:
    """Beat, hourly: enqueue the snapshots of the last complete periods still missing.

    The nightly runs are lost when the broker is down at their hour, and a build gives up after
    its retries while the database is down; this job builds what they left once the service is
    back. Building is idempotent, so a snapshot enqueued twice is stored and e-mailed once.
    """
    today = timezone.localdate()
    enqueued = 0
    for kind in ReportSnapshot.Kind.values:
        day = previous_period_day(kind, today)
        for team_id in snapshots_missing(kind=kind, day=day):
            report_snapshot_build_task.delay(team_id, kind, day.isoformat())
            enqueued += 1
    return enqueued


@shared_task(
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=5,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=5,
    soft_time_limit=600,
    time_limit=720,
    acks_late=True,
)
def report_snapshot_build_task(team_id: int, kind: str, day: str) -> int | None:
    """Build one team's snapshot; the e-mail goes out only when this run stored it."""
    team = Team.objects.filter(pk=team_id).first()
    if team is None:
        return None
    snapshot, created = snapshot_build(team=team, kind=kind, day=datetime.date.fromisoformat(day))
    if created:
        snapshot_notify(snapshot=snapshot)
    return snapshot.pk
