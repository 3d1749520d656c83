"""From a stored event to the journal: idempotency, matching, routing, call-backs, planned calls."""

import datetime
import threading

import pytest

from crm_project.core.models import AuditEntry
from interactions.models import Interaction
from interactions.tasks import call_event_process_task
from interactions.telephony.events import Outcome
from interactions.telephony.models import TelephonyEvent
from interactions.telephony.services import telephony_event_process
from tests.conftest import require_postgresql
from tests.factories import (
    ClientFactory,
    ContactPersonFactory,
    InteractionFactory,
    PhoneFactory,
    UserFactory,
    status,
)
from tests.telephony.conftest import post_generic, process_all
from tests.threads import at_once

pytestmark = [pytest.mark.urls("tests.telephony.urls"), pytest.mark.usefixtures("statuses")]

CALL_TIME = "2026-01-15T10:00:00+03:00"


def event(call_id="pbx-1", **overrides):
    payload = {
        "call_id": call_id,
        "event": "end",
        "direction": "incoming",
        "from": "+7 495 123-45-67",
        "to": "+74957654321",
        "started_at": CALL_TIME,
        "answered_at": "2026-01-15T10:00:10+03:00",
        "ended_at": "2026-01-15T10:02:00+03:00",
        "duration": 120,
        "talk_time": 110,
        "disposition": "answered",
    }
    payload.update(overrides)
    return {key: value for key, value in payload.items() if value is not None}


def deliver(browser, payload):
    response = post_generic(browser, payload)
    assert response.status_code in (200, 202), response.content
    return response.json()["id"]


@pytest.fixture
def known_client(manager):
    client = ClientFactory(responsible_manager=manager)
    contact = ContactPersonFactory(client=client)
    PhoneFactory(client=client, contact=contact, number_e164="+74951234567", number_raw="x")
    return client


@pytest.mark.django_db
def test_answered_call_from_a_known_client_is_logged_for_his_manager(
    browser, known_client, manager
):
    deliver(browser, event())
    assert process_all() == ["done"]
    call = Interaction.objects.get()
    assert call.kind == Interaction.Kind.INCOMING_CALL
    assert call.source == Interaction.Source.TELEPHONY
    assert (call.provider, call.external_id) == ("generic", "pbx-1")
    assert call.client == known_client
    assert call.contact == known_client.contacts.get()
    assert call.manager == manager
    assert call.team == manager.team
    assert call.phone_e164 == "+74951234567"
    assert call.occurred_at == datetime.datetime(2026, 1, 15, 7, 0, tzinfo=datetime.UTC)
    assert (call.duration_seconds, call.talk_seconds) == (120, 110)
    assert call.call_outcome == Outcome.ANSWERED
    assert call.provider_disposition == "answered"
    # Awaiting the manager's word in his inbox: no business status yet.
    assert call.status is None
    known_client.refresh_from_db()
    assert known_client.last_interaction_at == call.occurred_at
    entry = AuditEntry.objects.get(action="interactions.interaction.logged_by_telephony")
    assert entry.actor is None
    assert entry.object_id == str(call.pk)
    assert TelephonyEvent.objects.get().interaction == call


@pytest.mark.django_db
@pytest.mark.parametrize("typed", ["+7 495 123-45-67", "84951234567", "74951234567"])
def test_one_caller_in_any_format_resolves_to_one_client(browser, known_client, typed):
    deliver(browser, event(call_id=f"call-{typed}", **{"from": typed}))
    process_all()
    assert Interaction.objects.get().client == known_client


@pytest.mark.django_db
def test_three_spellings_of_one_number_give_three_calls_of_the_same_client(browser, known_client):
    for number, typed in enumerate(["+7 495 123-45-67", "84951234567", "74951234567"]):
        deliver(browser, event(call_id=f"call-{number}", **{"from": typed}))
    process_all()
    assert set(Interaction.objects.values_list("client", flat=True)) == {known_client.pk}
    assert Interaction.objects.count() == 3


@pytest.mark.django_db
def test_unknown_caller_is_kept_with_the_raw_number_in_the_queue(browser):
    deliver(browser, event(**{"from": "8 (812) 555-12-34"}))
    process_all()
    call = Interaction.objects.get()
    assert call.client is None
    assert call.phone_raw == "8 (812) 555-12-34"
    assert call.phone_e164 == "+78125551234"
    assert call.manager is None


@pytest.mark.django_db
def test_hidden_caller_id_is_kept_too(browser):
    deliver(browser, event(**{"from": ""}))
    process_all()
    assert Interaction.objects.get().phone_raw == "anonymous"


@pytest.mark.django_db
def test_the_extension_that_answered_gets_the_call(browser, known_client, other_manager):
    other_manager.phone_extension = "102"
    other_manager.save()
    deliver(browser, event(extension="102"))
    process_all()
    call = Interaction.objects.get()
    assert call.manager == other_manager
    assert call.extension == "102"


@pytest.mark.django_db
def test_a_client_without_manager_goes_to_his_teams_queue(browser, team):
    client = ClientFactory(responsible_manager=None, team=team, created_by=UserFactory())
    PhoneFactory(client=client, number_e164="+74951234567")
    deliver(browser, event(disposition="no_answer", answered_at=None, talk_time=0))
    process_all()
    call = Interaction.objects.get(kind=Interaction.Kind.INCOMING_CALL)
    assert call.manager is None
    assert call.team == team


@pytest.mark.django_db
def test_start_then_end_updates_one_interaction(browser, known_client):
    deliver(
        browser,
        event(event="start", disposition="ringing", answered_at=None, ended_at=None),
    )
    process_all()
    call = Interaction.objects.get()
    assert call.call_outcome == Outcome.IN_PROGRESS
    deliver(browser, event())
    process_all()
    call = Interaction.objects.get()
    assert call.call_outcome == Outcome.ANSWERED
    assert call.talk_seconds == 110
    assert AuditEntry.objects.filter(action="interactions.interaction.updated_by_telephony")


@pytest.mark.django_db
def test_end_arriving_before_start_is_not_undone_by_it(browser, known_client):
    deliver(browser, event())
    deliver(
        browser,
        event(event="start", disposition="ringing", answered_at=None, ended_at=None),
    )
    process_all()
    call = Interaction.objects.get()
    assert call.call_outcome == Outcome.ANSWERED
    assert call.talk_seconds == 110


@pytest.mark.django_db
def test_processing_the_same_event_twice_changes_nothing(browser, known_client):
    event_id = deliver(browser, event())
    assert call_event_process_task(event_id) == "done"
    assert call_event_process_task(event_id) == "skipped"
    assert Interaction.objects.count() == 1
    assert TelephonyEvent.objects.get().attempts == 1


@pytest.mark.django_db
def test_missed_call_starts_as_missed_and_plans_a_call_back(browser, known_client, manager):
    deliver(browser, event(disposition="no_answer", answered_at=None, talk_time=0))
    deliver(browser, event(disposition="no_answer", answered_at=None, talk_time=None))
    process_all()
    missed = Interaction.objects.get(kind=Interaction.Kind.INCOMING_CALL)
    assert missed.status == status(Interaction.Kind.INCOMING_CALL, "missed")
    assert missed.provider_disposition == "no_answer"
    callback = Interaction.objects.get(kind=Interaction.Kind.OUTGOING_CALL)
    assert callback.callback_for == missed
    assert callback.manager == manager
    assert callback.client == known_client
    assert callback.occurred_at is None
    assert (
        missed.occurred_at
        < callback.planned_at
        <= missed.occurred_at + datetime.timedelta(minutes=30)
    )
    assert callback.status == status(Interaction.Kind.OUTGOING_CALL, "planned")


@pytest.mark.django_db
def test_missed_then_answered_leg_cancels_the_call_back(browser, known_client):
    deliver(browser, event(disposition="no_answer", answered_at=None, talk_time=0))
    process_all()
    deliver(browser, event(extension="101"))
    process_all()
    missed = Interaction.objects.get(kind=Interaction.Kind.INCOMING_CALL)
    assert missed.call_outcome == Outcome.ANSWERED
    assert missed.status is None
    callback = Interaction.objects.get(kind=Interaction.Kind.OUTGOING_CALL)
    assert callback.status.code == "cancelled"


@pytest.mark.django_db
def test_manager_status_is_never_overwritten_by_the_phone_system(browser, known_client):
    deliver(browser, event(event="start", disposition="ringing", answered_at=None))
    process_all()
    taken = status(Interaction.Kind.INCOMING_CALL, "taken_into_work")
    Interaction.objects.update(status=taken)
    deliver(browser, event(disposition="no_answer", answered_at=None, talk_time=0))
    process_all()
    assert Interaction.objects.get(kind=Interaction.Kind.INCOMING_CALL).status == taken


@pytest.mark.django_db
def test_planned_outgoing_call_is_marked_done_by_the_logged_call(browser, known_client, manager):
    manager.phone_extension = "101"
    manager.save()
    planned = InteractionFactory(
        client=known_client,
        manager=manager,
        occurred_at=None,
        planned_at=datetime.datetime(2026, 1, 15, 8, 0, tzinfo=datetime.UTC),
        status=status(Interaction.Kind.OUTGOING_CALL, "planned"),
    )
    deliver(
        browser,
        event(direction="outgoing", extension="101", **{"from": "101", "to": "84951234567"}),
    )
    process_all()
    assert Interaction.objects.count() == 1
    planned.refresh_from_db()
    assert planned.occurred_at == datetime.datetime(2026, 1, 15, 7, 0, tzinfo=datetime.UTC)
    assert (planned.provider, planned.external_id) == ("generic", "pbx-1")
    assert planned.source == Interaction.Source.TELEPHONY
    assert planned.talk_seconds == 110
    assert planned.status is None
    assert AuditEntry.objects.filter(action="interactions.interaction.performed_by_telephony")


@pytest.mark.django_db
def test_a_plan_far_from_the_call_or_of_another_manager_is_left_alone(
    browser, known_client, manager, other_manager
):
    other_manager.phone_extension = "102"
    other_manager.save()
    InteractionFactory(
        client=known_client,
        manager=manager,
        occurred_at=None,
        planned_at=datetime.datetime(2026, 1, 15, 8, 0, tzinfo=datetime.UTC),
    )
    InteractionFactory(
        client=known_client,
        manager=other_manager,
        occurred_at=None,
        planned_at=datetime.datetime(2026, 1, 20, 8, 0, tzinfo=datetime.UTC),
    )
    deliver(browser, event(direction="outgoing", extension="102", to="84951234567"))
    process_all()
    assert Interaction.objects.filter(occurred_at__isnull=True).count() == 2
    logged = Interaction.objects.get(external_id="pbx-1")
    assert logged.manager == other_manager


@pytest.mark.django_db
def test_unreached_outgoing_number_suggests_wrong_number(browser):
    deliver(
        browser,
        event(direction="outgoing", disposition="unallocated", answered_at=None, talk_time=0),
    )
    process_all()
    call = Interaction.objects.get()
    assert call.status == status(Interaction.Kind.OUTGOING_CALL, "wrong_number")


@pytest.mark.django_db
def test_a_payload_that_no_longer_parses_is_kept_as_failed_with_its_reason():
    broken = TelephonyEvent.objects.create(
        provider="generic", external_id="x", dedupe_key="k", payload={"direction": "up"}
    )
    assert telephony_event_process(event_id=broken.pk) == "failed"
    broken.refresh_from_db()
    assert broken.state == TelephonyEvent.State.FAILED
    assert "direction" in broken.last_error
    assert broken.attempts == 1
    assert not Interaction.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_workers_racing_for_one_event_process_it_once(browser, known_client):
    require_postgresql()
    event_id = deliver(browser, event())
    results = at_once(lambda: telephony_event_process(event_id=event_id))
    assert sorted(results) == ["done", "skipped", "skipped"]
    assert Interaction.objects.count() == 1
    assert TelephonyEvent.objects.get().attempts == 1


@pytest.mark.django_db(transaction=True)
def test_start_and_end_processed_at_once_give_one_interaction(browser, known_client):
    require_postgresql()
    ids = iter(
        [
            deliver(browser, event(event="start", disposition="ringing", answered_at=None)),
            deliver(browser, event(event="answer", disposition="in_progress")),
            deliver(browser, event()),
        ]
    )
    lock = threading.Lock()

    def process_next():
        with lock:
            event_id = next(ids)
        return telephony_event_process(event_id=event_id)

    assert at_once(process_next) == ["done", "done", "done"]
    call = Interaction.objects.get()
    assert call.call_outcome == Outcome.ANSWERED
    assert call.talk_seconds == 110
