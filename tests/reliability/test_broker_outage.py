"""The broker (Redis, also the cache) goes down and comes back empty: nothing is lost.

Calls reported by the telephony provider, the nightly report snapshots and a campaign started by
a manager all reach their end once the broker returns, each exactly once. What brings them back
is the periodic job of each (CELERY_BEAT_SCHEDULE), run here as beat would run it.
"""

from __future__ import annotations

import datetime
import time

import pytest
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from clients.models import Campaign, CampaignRecipient, Consent, DealReminder
from clients.services import campaign_create, segment_create
from clients.tasks import campaigns_resume_task, notices_resend_task
from crm_project.accounts.models import Team, User
from interactions.models import Interaction
from interactions.tasks import call_event_sweep_task
from interactions.telephony.models import TelephonyEvent
from reports.models import ReportSnapshot
from reports.services import snapshot_period
from reports.tasks import (
    previous_period_day,
    report_snapshots_build_task,
    report_snapshots_catch_up_task,
)
from tests.deals.factories import DealFactory
from tests.factories import ClientFactory, EmailFactory, PhoneFactory, UserFactory
from tests.reliability.conftest import sent_mail, wait_for
from tests.telephony.conftest import WEBHOOK_SECRET, post_generic

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.reliability,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def telephony(settings):
    settings.TELEPHONY_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.PHONE_DEFAULT_REGION = "RU"


@pytest.fixture
def known_client(manager, statuses):
    client = ClientFactory(responsible_manager=manager)
    PhoneFactory(client=client, number_e164="+74951234567")
    return client


def call(call_id: str) -> dict:
    return {"call_id": call_id, "direction": "incoming", "from": "+74951234567"}


def a_minute_later() -> None:
    """Beat's sweeper looks for events older than a minute; age them instead of waiting."""
    TelephonyEvent.objects.update(received_at=F("received_at") - datetime.timedelta(minutes=2))


@pytest.mark.urls("tests.telephony.urls")
def test_calls_reported_around_a_broker_outage_are_logged_once(
    telephony, app_broker, workers, browser_client, known_client
):
    # Accepted while the broker is up, but still queued (no worker yet) when Redis dies with it.
    assert post_generic(browser_client, call("before-outage")).status_code == 202
    app_broker.kill()

    started = time.monotonic()
    response = post_generic(browser_client, call("during-outage"))
    assert response.status_code == 202  # the provider is not asked to retry: the call is stored
    assert time.monotonic() - started < 5
    assert not Interaction.objects.exists()

    app_broker.start()  # empty: the queued drain request is gone
    workers()
    a_minute_later()
    assert call_event_sweep_task() == 2

    logged = lambda: set(Interaction.objects.values_list("external_id", flat=True))  # noqa: E731
    assert wait_for(lambda: logged() == {"before-outage", "during-outage"})
    assert call_event_sweep_task() == 0
    assert Interaction.objects.filter(external_id="before-outage").count() == 1
    assert Interaction.objects.filter(external_id="during-outage").count() == 1


@pytest.fixture
def browser_client():
    from django.test import Client as BrowserClient

    return BrowserClient()


def test_snapshots_missed_during_an_outage_are_built_once_when_it_ends(
    app_broker, workers, mail_dir, team, other_team, supervisor
):
    other_supervisor = UserFactory(
        username="other_supervisor", role=User.Role.SUPERVISOR, team=other_team
    )
    Team.objects.update(created_at=timezone.now() - datetime.timedelta(days=60))
    for kind in (ReportSnapshot.Kind.WEEKLY, ReportSnapshot.Kind.MONTHLY):  # built in time
        for built in (team, other_team):
            start, end = snapshot_period(kind, previous_period_day(kind, timezone.localdate()))
            ReportSnapshot.objects.create(kind=kind, team=built, period_start=start, period_end=end)
    app_broker.kill()
    with pytest.raises(BrokerError):  # what beat meets at 01:10: the nightly run is not sent
        report_snapshots_build_task.apply_async(("daily",), retry=False)

    app_broker.start()
    workers()
    assert report_snapshots_catch_up_task() == 2  # beat, within the hour after the outage
    assert wait_for(lambda: len(sent_mail(mail_dir)) >= 2, timeout=30)

    yesterday = previous_period_day("daily", timezone.localdate())
    daily = ReportSnapshot.objects.filter(kind="daily", period_start=yesterday)
    assert sorted(daily.values_list("team_id", flat=True)) == sorted([team.pk, other_team.pk])
    assert report_snapshots_catch_up_task() == 0
    assert sorted(recipients(sent_mail(mail_dir))) == sorted(
        [supervisor.email, other_supervisor.email]
    )


def recipients(mails: list[str]) -> list[str]:
    return [line[4:] for mail in mails for line in mail.splitlines() if line.startswith("To: ")]


def test_a_campaign_started_while_the_broker_is_down_is_sent_once_it_returns(
    app_broker, workers, mail_dir, login, manager, supervisor
):
    given = {"consent": Consent.GIVEN, "consent_at": timezone.now(), "consent_source": "web_form"}
    for address in ("a@example.com", "b@example.com"):
        EmailFactory(client=ClientFactory(responsible_manager=manager), address=address, **given)
    segment = segment_create(actor=supervisor, name="All")
    campaign = campaign_create(actor=supervisor, segment=segment, subject="Sale", body="-20%")
    app_broker.kill()

    response = login(supervisor).post(reverse("clients:campaign_start", args=[campaign.pk]))

    assert response.status_code == 302  # saved, not a server error
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.SENDING
    app_broker.start()
    workers()
    assert campaigns_resume_task() == 1  # beat, a minute later

    assert wait_for(
        lambda: Campaign.objects.get(pk=campaign.pk).status == Campaign.Status.DONE, timeout=30
    )
    assert sorted(recipients(sent_mail(mail_dir))) == ["a@example.com", "b@example.com"]
    assert set(CampaignRecipient.objects.values_list("status", flat=True)) == {
        CampaignRecipient.Status.SENT
    }


def test_a_reminder_sent_while_the_broker_is_down_reaches_the_manager_once(
    app_broker, workers, mail_dir, login, supervisor, manager
):
    deal = DealFactory(client=ClientFactory(responsible_manager=manager))
    app_broker.kill()

    response = login(supervisor).post(
        reverse("clients:deal_remind", args=[deal.pk]), {"message": "Call them back"}
    )

    assert response.status_code == 302  # saved, not a server error
    assert DealReminder.objects.get().sent_at is None
    app_broker.start()
    workers()
    # Beat's safety net, five minutes later.
    DealReminder.objects.update(created_at=F("created_at") - datetime.timedelta(minutes=10))
    assert notices_resend_task() == 1

    assert wait_for(lambda: DealReminder.objects.filter(sent_at__isnull=False).exists())
    assert wait_for(lambda: len(sent_mail(mail_dir)) >= 1)
    assert notices_resend_task() == 0
    assert recipients(sent_mail(mail_dir)) == [manager.email]
    assert "Call them back" in sent_mail(mail_dir)[0]
