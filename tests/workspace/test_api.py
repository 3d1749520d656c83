"""/api/v1/: the calls inbox and tasks, through the same services as My day."""

import pytest
from django.urls import reverse

from crm_project.core.models import AuditEntry
from interactions.models import Interaction
from tests.api.conftest import Api, error_of
from tests.factories import ClientFactory, status
from tests.workspace.conftest import in_hours, planned, telephony_call

pytestmark = pytest.mark.django_db

CALL_IN = Interaction.Kind.INCOMING_CALL
CALL_OUT = Interaction.Kind.OUTGOING_CALL
MEETING = Interaction.Kind.MEETING


@pytest.fixture
def api(login):
    return lambda user: Api(login(user))


def test_the_inbox_lists_waiting_calls_with_repeat_counts(api, manager, own_client):
    telephony_call(manager=manager, phone="+74957770011", code="wrong_number")
    repeat = telephony_call(manager=manager, phone="+74957770011", code="missed")
    known = telephony_call(manager=manager, client=own_client, phone="+74951234567")

    body = api(manager).get(reverse("api:interaction-inbox")).json()

    rows = {row["id"]: row for row in body["results"]}
    assert set(rows) == {repeat.pk, known.pk}
    assert (rows[repeat.pk]["previous_calls"], rows[repeat.pk]["is_new_caller"]) == (1, True)
    assert (rows[known.pk]["previous_calls"], rows[known.pk]["is_new_caller"]) == (0, False)
    assert rows[repeat.pk]["status_code"] == "missed"


def test_a_call_leaves_the_inbox_once_its_status_is_set(api, manager):
    call = telephony_call(manager=manager, code="missed")
    browser = api(manager)
    response = browser.post(
        reverse("api:interaction-set-status", args=[call.pk]),
        {"status_code": "taken_into_work", "expected_status": call.status_id},
    )
    assert response.status_code == 200
    assert browser.get(reverse("api:interaction-inbox")).json()["results"] == []


def test_plan_a_task_through_the_api(api, manager, own_client, reachable_contact):
    response = api(manager).post(
        reverse("api:task-list"),
        {
            "kind": MEETING,
            "client": own_client.pk,
            "contact": reachable_contact.pk,
            "subject": "Presentation",
            "planned_at": in_hours(5).isoformat(),
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["status_code"], body["manager"], body["occurred_at"]) == (
        "planned",
        manager.pk,
        None,
    )
    assert AuditEntry.objects.get().action == "interactions.interaction.planned"


def test_planning_a_meeting_without_its_minimum_data_names_the_fields(api, manager, own_client):
    response = api(manager).post(
        reverse("api:task-list"),
        {"kind": MEETING, "client": own_client.pk, "planned_at": in_hours(5).isoformat()},
    )
    assert response.status_code == 400
    assert set(error_of(response)["fields"]) == {"contact", "subject"}


def test_a_note_cannot_be_planned(api, manager, own_client):
    response = api(manager).post(
        reverse("api:task-list"),
        {"kind": "note", "client": own_client.pk, "planned_at": in_hours(5).isoformat()},
    )
    assert response.status_code == 400
    assert "kind" in error_of(response)["fields"]


def test_complete_and_reschedule_through_the_api(api, manager, own_client, reachable_contact):
    meeting = planned(manager=manager, client=own_client, kind=MEETING, contact=reachable_contact)
    call = planned(manager=manager, client=own_client)
    browser = api(manager)

    moved = browser.post(
        reverse("api:task-reschedule", args=[call.pk]), {"planned_at": in_hours(30).isoformat()}
    )
    assert moved.status_code == 200, moved.content

    no_result = browser.post(
        reverse("api:task-complete", args=[meeting.pk]), {"status_code": "held"}
    )
    assert no_result.status_code == 400
    assert "result" in error_of(no_result)["fields"]

    held = browser.post(
        reverse("api:task-complete", args=[meeting.pk]),
        {"status_code": "held", "result": "Signed"},
    )
    assert held.status_code == 200
    assert (held.json()["status_code"], held.json()["result"]) == ("held", "Signed")

    again = browser.post(
        reverse("api:task-complete", args=[meeting.pk]),
        {"status_code": "not_held", "result": "x"},
    )
    assert again.status_code == 409
    assert error_of(again)["code"] == "conflict"


def test_another_managers_task_is_403_and_a_missing_one_404(
    api, manager, other_manager, own_client
):
    task = planned(manager=manager, client=own_client)
    browser = api(other_manager)

    complete = browser.post(
        reverse("api:task-complete", args=[task.pk]), {"status_code": "no_answer"}
    )
    reschedule = browser.post(
        reverse("api:task-reschedule", args=[task.pk]), {"planned_at": in_hours(3).isoformat()}
    )
    missing = browser.post(
        reverse("api:task-complete", args=[999999]), {"status_code": "no_answer"}
    )

    assert complete.status_code == 403
    assert reschedule.status_code == 403
    assert missing.status_code == 404
    task.refresh_from_db()
    assert task.occurred_at is None


def test_the_task_list_shows_open_tasks_in_scope(
    api, manager, other_manager, supervisor, foreign_manager, own_client
):
    mine = planned(manager=manager, client=own_client)
    colleagues = planned(manager=other_manager, client=own_client)
    foreign = planned(
        manager=foreign_manager, client=ClientFactory(responsible_manager=foreign_manager)
    )
    done = planned(manager=manager, client=own_client)
    done.status = status(CALL_OUT, "cancelled")
    done.save()

    def ids(user):
        return [row["id"] for row in api(user).get(reverse("api:task-list")).json()["results"]]

    assert ids(manager) == [mine.pk]
    assert set(ids(supervisor)) == {mine.pk, colleagues.pk}
    assert foreign.pk not in ids(supervisor)


@pytest.mark.parametrize("count", [1, 15])
def test_inbox_and_task_list_query_ceilings(count, api, manager, django_assert_max_num_queries):
    for number in range(count):
        client = ClientFactory(responsible_manager=manager)
        telephony_call(manager=manager, client=client, phone=f"+7495300{number:04d}", code="missed")
        planned(manager=manager, client=client)
    browser = api(manager)

    with django_assert_max_num_queries(3):
        inbox = browser.get(reverse("api:interaction-inbox"))
    with django_assert_max_num_queries(3):
        tasks = browser.get(reverse("api:task-list"))

    assert len(inbox.json()["results"]) == count
    assert len(tasks.json()["results"]) == count
