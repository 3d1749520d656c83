"""Events logged a batch at a time: few queries, each event once, even with workers racing."""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from crm_project.celery import app as celery_app
from crm_project.core.models import AuditEntry
from interactions.models import Interaction
from interactions.telephony.events import Outcome
from interactions.telephony.models import TelephonyEvent
from interactions.telephony.services import (
    drain_request,
    telephony_events_drain,
    telephony_events_process_batch,
    telephony_events_sweep,
)
from interactions.telephony.services.processing import drain_key
from tests.conftest import require_postgresql, require_redis
from tests.factories import ClientFactory, PhoneFactory
from tests.telephony.conftest import celery_broker, post_generic, post_zadarma
from tests.telephony.test_providers import zadarma_params
from tests.threads import at_once

pytestmark = [pytest.mark.urls("tests.telephony.urls"), pytest.mark.usefixtures("statuses")]

CALL_TIME = "2026-01-15T10:00:00+03:00"


def event(call_id, number, **overrides):
    payload = {
        "call_id": call_id,
        "event": "end",
        "direction": "incoming",
        "from": number,
        "to": "+74957654321",
        "started_at": CALL_TIME,
        "disposition": "answered",
        "talk_time": 60,
    }
    payload.update(overrides)
    return payload


def deliver(browser, payload):
    response = post_generic(browser, payload)
    assert response.status_code == 202, response.content
    return response.json()["id"]


@pytest.fixture
def clients(manager):
    """Ten clients of the manager, each with its own number."""
    found = []
    for number in range(10):
        client = ClientFactory(responsible_manager=manager)
        PhoneFactory(client=client, number_e164=f"+7495123{number:04d}")
        found.append(client)
    return found


def deliver_calls(browser, count):
    """`count` calls: known and unknown callers, answered and missed, incoming and outgoing."""
    for number in range(count):
        caller = f"+7495123{number % 10:04d}" if number % 3 else f"+7812555{number:04d}"
        missed = {"disposition": "no_answer", "talk_time": 0} if number % 4 == 0 else {}
        outgoing = {"direction": "outgoing", "to": caller} if number % 5 == 0 else {}
        deliver(browser, event(f"call-{number}", caller, **missed, **outgoing))


@pytest.mark.django_db
@pytest.mark.parametrize("calls", [3, 40])
def test_a_batch_logs_every_call_with_the_same_number_of_queries(
    browser, clients, manager, calls, django_assert_max_num_queries
):
    deliver_calls(browser, calls)
    # Claim, lookups, locks, the inserts, call-backs, audit, clients, the events' outcomes. The
    # ceiling is PostgreSQL's, where production logs the calls: SQLite (the demo) splits a bulk
    # insert by its limit on parameters, so there the count grows with the batch.
    ceiling = 16 if connection.vendor == "postgresql" else 16 + calls
    with django_assert_max_num_queries(ceiling):
        outcomes = telephony_events_process_batch(limit=200)
    assert list(outcomes.values()) == ["done"] * calls
    logged = Interaction.objects.exclude(external_id="")
    assert logged.count() == calls
    assert {event.interaction.external_id for event in TelephonyEvent.objects.all()} == {
        f"call-{number}" for number in range(calls)
    }
    assert AuditEntry.objects.filter(
        action="interactions.interaction.logged_by_telephony"
    ).count() == (calls)
    missed_incoming = logged.filter(kind="incoming_call", call_outcome=Outcome.MISSED)
    assert Interaction.objects.filter(callback_for__isnull=False).count() == missed_incoming.count()
    known = logged.filter(client__isnull=False)
    assert set(known.values_list("manager", flat=True)) == {manager.pk}
    clients[1].refresh_from_db()
    assert clients[1].last_interaction_at == datetime.datetime(2026, 1, 15, 7, tzinfo=datetime.UTC)


@pytest.mark.django_db
def test_missed_then_answered_in_one_batch_is_one_answered_call_without_a_call_back(
    browser, clients
):
    deliver(browser, event("pbx-1", "+74951230001", disposition="no_answer", talk_time=0))
    deliver(browser, event("pbx-1", "+74951230001", extension="101"))
    assert list(telephony_events_process_batch().values()) == ["done", "done"]
    call = Interaction.objects.get()
    assert call.call_outcome == Outcome.ANSWERED
    assert call.status is None
    actions = list(AuditEntry.objects.order_by("id").values_list("action", flat=True))
    assert actions == [
        "interactions.interaction.logged_by_telephony",
        "interactions.interaction.updated_by_telephony",
    ]


@pytest.mark.django_db
def test_a_recording_stored_before_its_call_is_logged_with_it_in_one_batch(browser, clients):
    record = {"event": "NOTIFY_RECORD", "pbx_call_id": "in_7", "call_id_with_rec": "rec-7"}
    assert post_zadarma(browser, record).status_code == 202
    start = zadarma_params("NOTIFY_START", pbx_call_id="in_7", caller_id="74951230001")
    assert post_zadarma(browser, start).status_code == 202
    assert list(telephony_events_process_batch().values()) == ["done", "done"]
    call = Interaction.objects.get()
    assert call.recording_ref == "rec-7"
    assert call.client == clients[1]


@pytest.mark.django_db
def test_a_deferred_event_waits_its_turn_and_is_logged_once_its_call_is(browser, clients):
    record = {"event": "NOTIFY_RECORD", "pbx_call_id": "in_8", "call_id_with_rec": "rec-8"}
    post_zadarma(browser, record)
    assert list(telephony_events_process_batch().values()) == ["deferred"]
    waiting = TelephonyEvent.objects.get()
    assert waiting.state == TelephonyEvent.State.PENDING
    assert waiting.retry_at > timezone.now()
    # Not due yet: the next batches leave it alone.
    assert telephony_events_process_batch() == {}
    post_zadarma(browser, zadarma_params("NOTIFY_START", pbx_call_id="in_8"))
    assert list(telephony_events_process_batch().values()) == ["done"]
    # Its call is logged now, so it is due at once.
    assert list(telephony_events_process_batch().values()) == ["done"]
    assert Interaction.objects.get().recording_ref == "rec-8"
    assert TelephonyEvent.objects.get(pk=waiting.pk).attempts == 2


@pytest.mark.django_db
def test_a_deferred_event_is_failed_after_ten_tries(browser):
    record = {"event": "NOTIFY_RECORD", "pbx_call_id": "in_9", "call_id_with_rec": "rec-9"}
    post_zadarma(browser, record)
    outcomes = []
    for _try in range(10):
        TelephonyEvent.objects.update(retry_at=timezone.now())
        outcomes += telephony_events_process_batch().values()
    assert outcomes == ["deferred"] * 9 + ["failed"]
    failed = TelephonyEvent.objects.get()
    assert failed.state == TelephonyEvent.State.FAILED
    assert failed.last_error
    assert not Interaction.objects.exists()


@pytest.mark.django_db
def test_the_sweeper_counts_due_retries_and_old_events_but_not_fresh_ones(browser):
    record = {"event": "NOTIFY_RECORD", "pbx_call_id": "in_5", "call_id_with_rec": "rec-5"}
    post_zadarma(browser, record)
    telephony_events_process_batch()
    deliver(browser, event("fresh", "+74951230001"))
    with celery_broker("redis://127.0.0.1:1/0"):
        # Nothing is due: the sweeper does not even ask the (unreachable) broker.
        assert telephony_events_sweep() == 0
    later = timezone.now() + datetime.timedelta(seconds=40)
    assert telephony_events_sweep(now=later) == 1
    assert TelephonyEvent.objects.get(event_type="NOTIFY_RECORD").dispatched_at == later


@pytest.mark.django_db
def test_an_event_the_database_refuses_fails_alone_and_its_batch_is_logged(browser, clients):
    require_postgresql()
    with connection.cursor() as cursor:
        # A stand-in for any row the database refuses (a constraint, a value out of range).
        cursor.execute(
            "CREATE FUNCTION refuse_poison() RETURNS trigger LANGUAGE plpgsql AS $$"
            " BEGIN RAISE EXCEPTION 'refused by the database'; END $$;"
            " CREATE TRIGGER refuse_poison BEFORE INSERT ON interactions_interaction"
            " FOR EACH ROW WHEN (NEW.external_id = 'poison') EXECUTE FUNCTION refuse_poison();"
        )
    before = deliver(browser, event("before", "+74951230001"))
    poison = deliver(browser, event("poison", "+74951230002"))
    after = deliver(browser, event("after", "+74951230003"))
    outcomes = telephony_events_process_batch()
    assert outcomes == {before: "done", poison: "failed", after: "done"}
    assert set(Interaction.objects.values_list("external_id", flat=True)) == {"before", "after"}
    refused = TelephonyEvent.objects.get(pk=poison)
    assert refused.state == TelephonyEvent.State.FAILED
    assert "refused by the database" in refused.last_error
    assert refused.attempts == 1


@pytest.mark.django_db(transaction=True)
def test_workers_claiming_batches_at_once_log_each_event_once(browser, clients):
    require_postgresql()
    # Two events a call, 35 calls, stored so that the starts of seven calls fill one batch and
    # their ends the next: three workers taking batches of seven at once race for each call.
    for group in range(0, 35, 7):
        for number in range(group, group + 7):
            start = event(f"race-{number}", f"+7495123{number % 10:04d}", event="start")
            deliver(browser, {**start, "disposition": "ringing", "talk_time": None})
        for number in range(group, group + 7):
            deliver(browser, event(f"race-{number}", f"+7495123{number % 10:04d}"))

    def drain_in_small_batches():
        outcomes = []
        while batch := telephony_events_process_batch(limit=7):
            outcomes += batch.values()
        return outcomes

    results = at_once(drain_in_small_batches, 3)
    assert sorted(outcome for outcomes in results for outcome in outcomes) == ["done"] * 70
    assert set(TelephonyEvent.objects.values_list("state", "attempts")) == {("done", 1)}
    assert Interaction.objects.exclude(external_id="").count() == 35
    for call in Interaction.objects.exclude(external_id=""):
        assert call.call_outcome == Outcome.ANSWERED
        assert call.talk_seconds == 60
        assert set(call.telephony_events.values_list("external_id", flat=True)) == {
            call.external_id
        }
    assert (
        AuditEntry.objects.filter(action="interactions.interaction.logged_by_telephony").count()
        == 35
    )


@pytest.mark.django_db(transaction=True)
def test_two_drains_at_once_log_everything_once(browser, clients):
    require_postgresql()
    for number in range(25):
        deliver(browser, event(f"both-{number}", f"+7495123{number % 10:04d}"))
    cache.delete_many([drain_key("requested"), drain_key("running")])
    results = at_once(lambda: telephony_events_drain(batch_size=5), 2)
    assert sum(outcomes["done"] for outcomes in results) == 25
    assert Interaction.objects.exclude(external_id="").count() == 25
    assert not TelephonyEvent.objects.exclude(state="done").exists()


@pytest.mark.django_db
def test_one_drain_request_waits_in_the_queue_at_a_time():
    redis_url = require_redis()
    cache.delete_many([drain_key("requested"), drain_key("running")])
    with celery_broker(redis_url):
        assert drain_request() is True
        assert drain_request() is False
        # A drain that has started and finished lets the next event ask again.
        telephony_events_drain()
        assert drain_request() is True
        with celery_broker("redis://127.0.0.1:1/0"):
            cache.delete(drain_key("requested"))
            assert drain_request() is False
        # The request the broker refused does not hold the next one back.
        assert drain_request() is True
        with celery_app.connection_for_write() as broker:
            broker.default_channel.queue_purge("celery")
    cache.delete(drain_key("requested"))
