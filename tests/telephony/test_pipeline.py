"""End to end: the real endpoint, the real Redis, a real Celery worker and PostgreSQL."""

import datetime

import pytest
from django.utils import timezone

from interactions.models import Interaction
from interactions.tasks import call_event_sweep_task
from interactions.telephony.models import TelephonyEvent
from tests.conftest import require_redis
from tests.factories import ClientFactory, PhoneFactory
from tests.telephony.conftest import (
    UNREACHABLE_BROKER,
    celery_broker,
    post_generic,
    post_twilio,
    post_zadarma,
    wait_for,
)

pytestmark = [
    pytest.mark.urls("tests.telephony.urls"),
    pytest.mark.celery_worker,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def known_client(manager):
    client = ClientFactory(responsible_manager=manager)
    PhoneFactory(client=client, number_e164="+74951234567")
    return client


def all_processed() -> bool:
    return not TelephonyEvent.objects.filter(state=TelephonyEvent.State.PENDING).exists()


def test_generic_json_reaches_the_journal(celery_worker, browser, known_client):
    payload = {
        "call_id": "e2e-generic",
        "direction": "incoming",
        "from": "8 495 123-45-67",
        "started_at": timezone.now().isoformat(),
        "disposition": "answered",
        "talk_time": 30,
    }
    for _ in range(3):
        post_generic(browser, payload)
    assert wait_for(lambda: Interaction.objects.filter(external_id="e2e-generic").exists())
    assert wait_for(all_processed)
    call = Interaction.objects.get()
    assert call.client == known_client


def test_twilio_reaches_the_journal(celery_worker, browser, known_client):
    params = {
        "CallSid": "CA" + "e" * 32,
        "CallStatus": "no-answer",
        "Direction": "inbound",
        "From": "+74951234567",
        "To": "+74957654321",
    }
    assert post_twilio(browser, params).status_code == 204
    assert wait_for(lambda: Interaction.objects.filter(callback_for__isnull=False).exists())
    missed = Interaction.objects.get(kind=Interaction.Kind.INCOMING_CALL)
    assert missed.status.code == "missed"


def test_zadarma_reaches_the_journal(celery_worker, browser, known_client):
    common = {"call_start": "2026-01-15 10:00:00", "pbx_call_id": "in_e2e"}
    number = {"caller_id": "74951234567", "called_did": "74957654321"}
    post_zadarma(browser, {"event": "NOTIFY_START", **common, **number})
    end = {"event": "NOTIFY_END", **common, **number, "duration": "40", "disposition": "answered"}
    post_zadarma(browser, end)
    assert wait_for(lambda: TelephonyEvent.objects.filter(state="done").count() == 2)
    call = Interaction.objects.get()
    assert call.talk_seconds == 40
    assert call.client == known_client


def test_asterisk_json_reaches_the_journal(celery_worker, browser, known_client):
    legs = [
        dict(
            zip(
                ["src", "dst", "dcontext", "start", "end", "duration", "billsec", "disposition"],
                [
                    "84951234567",
                    "74957654321",
                    "from-trunk",
                    "2026-01-15 10:00:00",
                    "2026-01-15 10:00:20",
                    "20",
                    "0",
                    "NO ANSWER",
                ],
                strict=True,
            ),
            uniqueid="e2e.1",
            linkedid="e2e.1",
        )
    ]
    assert post_generic(browser, legs, path="asterisk").status_code == 202
    assert wait_for(lambda: Interaction.objects.filter(external_id="e2e.1").exists())
    assert Interaction.objects.get(external_id="e2e.1").status.code == "missed"


def test_events_accepted_while_the_broker_was_down_are_swept_to_the_journal(
    celery_worker, browser, known_client
):
    redis_url = require_redis()
    with celery_broker(UNREACHABLE_BROKER):
        payload = {"call_id": "e2e-down", "direction": "incoming", "from": "+74951234567"}
        assert post_generic(browser, payload).status_code == 202
    assert TelephonyEvent.objects.get().state == TelephonyEvent.State.PENDING
    TelephonyEvent.objects.update(received_at=timezone.now() - datetime.timedelta(minutes=2))
    with celery_broker(redis_url):
        assert call_event_sweep_task() == 1
    assert wait_for(all_processed)
    assert Interaction.objects.get().external_id == "e2e-down"


def test_a_burst_of_calls_reaches_the_journal_once_each(celery_worker, browser, known_client):
    started = timezone.now().isoformat()
    for number in range(40):
        payload = {
            "call_id": f"burst-{number}",
            "direction": "incoming",
            "from": "+74951234567" if number % 2 else f"+7812555{number:04d}",
            "started_at": started,
            "disposition": "answered" if number % 3 else "no_answer",
        }
        # Each call's notification arrives twice, as providers retry.
        assert post_generic(browser, payload).status_code == 202
        assert post_generic(browser, payload).status_code == 200
    assert wait_for(lambda: TelephonyEvent.objects.filter(state="done").count() == 40)
    logged = Interaction.objects.filter(external_id__startswith="burst-")
    assert logged.count() == 40
    assert logged.filter(client=known_client).count() == 20
    # The missed calls (every third) each have their one call-back.
    assert Interaction.objects.filter(callback_for__in=logged).count() == 14
