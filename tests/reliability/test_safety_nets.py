"""The periodic jobs that pick up work whose task never ran: what they take and what they leave."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from clients.models import ClientTransfer, DealReminder
from clients.tasks import notices_resend_task
from crm_project.celery import app as celery_app
from crm_project.core.tasks_util import enqueue
from reports.models import ReportSnapshot
from reports.services import snapshot_period, snapshots_missing
from tests.deals.factories import ClientTransferFactory, DealFactory
from tests.factories import ClientFactory, TeamFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def eager():
    """Tasks run in this process when enqueued (the broker is not what is tested here)."""
    celery_app.conf.task_always_eager = True
    try:
        yield
    finally:
        celery_app.conf.task_always_eager = False


def stored_ago(model, row, minutes: float) -> None:
    model.objects.filter(pk=row.pk).update(
        created_at=timezone.now() - datetime.timedelta(minutes=minutes)
    )


def test_unsent_notices_are_resent_once_after_five_minutes_and_for_a_day(
    eager, supervisor, manager, other_manager
):
    deal = DealFactory(client=ClientFactory(responsible_manager=manager))
    just_saved, lost, stale = (
        DealReminder.objects.create(deal=deal, manager=manager, sent_by=supervisor, message=text)
        for text in ("just saved", "lost", "stale")
    )
    stored_ago(DealReminder, just_saved, 1)
    stored_ago(DealReminder, lost, 10)
    stored_ago(DealReminder, stale, 60 * 25)
    transfer = ClientTransferFactory(
        client=ClientFactory(responsible_manager=other_manager), from_manager=manager
    )
    stored_ago(ClientTransfer, transfer, 10)

    assert notices_resend_task() == 2
    assert notices_resend_task() == 0  # sent now, so not again

    assert set(DealReminder.objects.filter(sent_at__isnull=False)) == {lost}
    assert ClientTransfer.objects.get().notified_at is not None
    reminders = [message for message in mail.outbox if "lost" in message.body]
    assert len(reminders) == 1
    assert reminders[0].to == [manager.email]
    assert not [message for message in mail.outbox if "stale" in message.body]


def test_missing_snapshots_are_those_of_teams_that_existed_and_have_none(team, other_team):
    day = timezone.localdate() - datetime.timedelta(days=1)
    start, end = snapshot_period("daily", day)
    for existing in (team, other_team):
        stored_ago(type(existing), existing, 60 * 24 * 3)
    ReportSnapshot.objects.create(kind="daily", team=other_team, period_start=start, period_end=end)
    TeamFactory(name="Created today")  # nothing to report for yesterday

    assert snapshots_missing(kind="daily", day=day) == [team.pk]


def test_enqueue_reports_a_broker_that_is_down_instead_of_raising(settings, caplog):
    previous = celery_app.conf.broker_url
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    celery_app.conf.broker_url = "redis://127.0.0.1:1/0"
    try:
        assert enqueue(notices_resend_task) is False
    finally:
        celery_app._pool = None
        celery_app.amqp._producer_pool = None
        celery_app.conf.broker_url = previous
    assert "notices_resend_task" in caplog.text
