"""The webhook endpoints: signatures, bad payloads, deduplication, and a broker that is down."""

import datetime
import json
import time

import pytest
from django.utils import timezone

from interactions.models import Interaction
from interactions.telephony.models import TelephonyEvent
from interactions.telephony.services import telephony_events_sweep
from tests.conftest import require_postgresql
from tests.telephony.conftest import (
    UNREACHABLE_BROKER,
    celery_broker,
    post_generic,
    post_twilio,
    post_zadarma,
    process_all,
)
from tests.threads import at_once

pytestmark = pytest.mark.urls("tests.telephony.urls")


def call(call_id="pbx-1", **overrides):
    payload = {
        "call_id": call_id,
        "event": "end",
        "direction": "incoming",
        "from": "+7 495 123-45-67",
        "to": "+74957654321",
        "started_at": "2026-01-15T10:00:00+03:00",
        "answered_at": "2026-01-15T10:00:10+03:00",
        "ended_at": "2026-01-15T10:02:00+03:00",
        "duration": 120,
        "talk_time": 110,
        "disposition": "answered",
    }
    payload.update(overrides)
    return payload


@pytest.mark.django_db
def test_signed_event_is_stored_and_enqueued_after_commit(
    browser, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        response = post_generic(browser, call())
    assert response.status_code == 202
    event = TelephonyEvent.objects.get()
    assert event.state == TelephonyEvent.State.PENDING
    assert (event.provider, event.external_id) == ("generic", "pbx-1")
    assert len(callbacks) == 1


@pytest.mark.django_db
def test_tampered_body_is_refused_and_nothing_is_written(browser):
    body = json.dumps(call()).encode()
    from interactions.telephony import generic

    headers = generic.signed_headers("generic-webhook-secret", body)
    tampered = body.replace(b"pbx-1", b"pbx-2")
    response = browser.post(
        "/api/v1/telephony/generic/", tampered, content_type="application/json", headers=headers
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "invalid_signature"
    assert not TelephonyEvent.objects.exists()
    assert not Interaction.objects.exists()


@pytest.mark.django_db
def test_wrong_secret_and_missing_signature_are_refused(browser):
    assert post_generic(browser, call(), secret="guess").status_code == 403
    response = browser.post("/api/v1/telephony/generic/", call(), content_type="application/json")
    assert response.status_code == 403
    assert response.json()["error"]["message"]
    assert not TelephonyEvent.objects.exists()


@pytest.mark.django_db
def test_stale_timestamp_is_refused(browser):
    response = post_generic(browser, call(), timestamp=int(time.time()) - 301)
    assert response.status_code == 403
    assert not TelephonyEvent.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "body",
    [
        b"{not json",
        json.dumps([1, 2]).encode(),
        json.dumps(call(direction="sideways")).encode(),
        json.dumps(call(call_id="")).encode(),
        json.dumps(call(started_at="yesterday")).encode(),
        json.dumps(call(duration=-5)).encode(),
    ],
)
def test_unparseable_payload_is_refused_with_a_reason(browser, body):
    response = post_generic(browser, body)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid_payload"
    assert error["message"]
    assert not TelephonyEvent.objects.exists()


@pytest.mark.django_db
def test_twilio_signature_tampering_is_refused(browser):
    params = {"CallSid": "CA1", "CallStatus": "ringing", "Direction": "inbound", "From": "+1"}
    assert post_twilio(browser, params, token="wrong").status_code == 403
    assert not TelephonyEvent.objects.exists()


@pytest.mark.django_db
def test_zadarma_signature_tampering_is_refused(browser):
    params = {
        "event": "NOTIFY_START",
        "call_start": "2026-01-15 10:00:00",
        "pbx_call_id": "in_1",
        "caller_id": "74951234567",
        "called_did": "74957654321",
    }
    assert post_zadarma(browser, params, secret="wrong").status_code == 403
    assert not TelephonyEvent.objects.exists()


@pytest.mark.django_db
def test_zadarma_echo_handshake(browser):
    response = browser.get("/api/v1/telephony/zadarma/", {"zd_echo": "abc123"})
    assert response.status_code == 200
    assert response.content == b"abc123"
    assert response["Content-Type"].startswith("text/plain")


@pytest.mark.django_db
def test_the_same_delivery_three_times_is_stored_once_and_logged_once(browser, statuses):
    responses = [post_generic(browser, call()) for _ in range(3)]
    assert [r.status_code for r in responses] == [202, 200, 200]
    assert [r.json()["duplicate"] for r in responses] == [False, True, True]
    assert TelephonyEvent.objects.count() == 1
    assert process_all() == ["done"]
    assert Interaction.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_deliveries_store_one_event_and_one_interaction(statuses):
    require_postgresql()
    from django.test import Client as BrowserClient

    codes = at_once(lambda: post_generic(BrowserClient(), call()).status_code)
    assert sorted(codes) == [200, 200, 202]
    assert TelephonyEvent.objects.count() == 1
    process_all()
    assert Interaction.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_broker_down_still_accepts_and_the_sweeper_dispatches_later(browser, statuses):
    from tests.conftest import require_redis

    redis_url = require_redis()
    with celery_broker(UNREACHABLE_BROKER):
        started = time.monotonic()
        response = post_generic(browser, call())
        assert time.monotonic() - started < 5
    assert response.status_code == 202
    event = TelephonyEvent.objects.get()
    assert event.state == TelephonyEvent.State.PENDING
    # A minute later the broker is back and the periodic sweeper re-dispatches the event.
    later = timezone.now() + datetime.timedelta(minutes=2)
    with celery_broker(redis_url):
        assert telephony_events_sweep(now=later) == 1
    event.refresh_from_db()
    assert event.dispatched_at == later
    assert process_all() == ["done"]
    assert Interaction.objects.count() == 1
