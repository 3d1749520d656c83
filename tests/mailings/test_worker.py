"""End to end: a campaign started through the service is sent by a real Celery worker."""

import pytest
from django.core import mail
from django.utils import timezone

from clients.models import Campaign, CampaignRecipient, Consent
from clients.services import campaign_create, campaign_start, segment_create
from crm_project.celery import app as celery_app
from tests.conftest import require_postgresql, require_redis
from tests.factories import ClientFactory, EmailFactory
from tests.telephony.conftest import celery_broker, wait_for

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def worker():
    from celery.contrib.testing.worker import start_worker

    import clients.tasks  # noqa: F401 - registers the tasks

    require_postgresql()
    redis_url = require_redis()
    with celery_broker(redis_url):
        with celery_app.connection_for_write() as connection:
            connection.default_channel.queue_purge("celery")
        with start_worker(celery_app, perform_ping_check=False, shutdown_timeout=5):
            yield celery_app


def test_worker_sends_the_campaign_once_to_consented_addresses(worker, manager):
    given = {"consent": Consent.GIVEN, "consent_at": timezone.now(), "consent_source": "web_form"}
    EmailFactory(
        client=ClientFactory(responsible_manager=manager), address="a@example.com", **given
    )
    EmailFactory(client=ClientFactory(responsible_manager=manager), address="b@example.com")
    segment = segment_create(actor=manager, name="All")
    campaign = campaign_create(actor=manager, segment=segment, subject="Sale", body="-20%")
    campaign_start(actor=manager, campaign=campaign)  # enqueued on commit

    def finished() -> bool:
        return Campaign.objects.get(pk=campaign.pk).status == Campaign.Status.DONE

    assert wait_for(finished)
    assert [m.to for m in mail.outbox] == [["a@example.com"]]
    assert CampaignRecipient.objects.get().status == CampaignRecipient.Status.SENT
