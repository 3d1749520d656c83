import datetime

import pytest
from django.utils import timezone

from interactions.models import Interaction
from tests.api.conftest import api_url, error_of
from tests.factories import ClientFactory, InteractionFactory, status

pytestmark = pytest.mark.django_db

CALL = Interaction.Kind.OUTGOING_CALL


def ids(response):
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


@pytest.fixture
def call(manager, own_client):
    return InteractionFactory(client=own_client, manager=manager, kind=CALL)


def test_manager_reads_the_whole_journal(api, manager, call, colleague_client):
    colleague_call = InteractionFactory(client=colleague_client)

    assert ids(api(manager).get(api_url("interaction-list"))) == [colleague_call.pk, call.pk]


def test_colleagues_callers_number_is_masked(api, manager, colleague_client):
    InteractionFactory(
        client=colleague_client,
        kind=Interaction.Kind.INCOMING_CALL,
        phone_raw="+74957654321",
        phone_e164="+74957654321",
        contact=colleague_client.contacts.get(),
    )

    row = api(manager).get(api_url("interaction-list")).json()["results"][0]

    assert row["phone"] == "+7 *** ***-43-21"
    assert row["contact_name"] == "I***** I***"
    assert row["client_name"] == colleague_client.name


def test_supervisor_sees_his_teams_callers(api, supervisor, colleague_client):
    InteractionFactory(client=colleague_client, phone_raw="+74957654321", phone_e164="+74957654321")

    row = api(supervisor).get(api_url("interaction-list")).json()["results"][0]

    assert row["phone"] == "+74957654321"


def test_operator_gets_no_interactions(api, operator, call):
    browser = api(operator)

    for url in (
        api_url("interaction-list"),
        api_url("interaction-detail", call.pk),
        api_url("interaction-status-list"),
    ):
        response = browser.get(url)
        assert response.status_code == 403
        assert error_of(response)["code"] == "permission_denied"
    response = browser.post(api_url("interaction-list"), {"kind": CALL, "client": call.client_id})
    assert response.status_code == 403


def test_manager_logs_a_call(api, manager, colleague_client):
    completed = status(CALL, "completed")

    response = api(manager).post(
        api_url("interaction-list"),
        {
            "kind": CALL,
            "client": colleague_client.pk,
            "subject": "Offer",
            "result": "Agreed to a meeting",
            "status": completed.pk,
            "duration_seconds": 95,
        },
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["manager"] == manager.pk
    assert body["status_code"] == "completed"
    assert body["direction"] == "outgoing"
    interaction = Interaction.objects.get(pk=body["id"])
    assert interaction.created_by == manager
    colleague_client.refresh_from_db()
    assert colleague_client.last_interaction_at == interaction.occurred_at


def test_log_by_status_code(api, manager, own_client):
    response = api(manager).post(
        api_url("interaction-list"),
        {"kind": CALL, "client": own_client.pk, "status_code": "no_answer"},
    )

    assert response.status_code == 201, response.content
    assert response.json()["status"] == status(CALL, "no_answer").pk


def test_log_an_unknown_caller_by_phone(api, manager):
    response = api(manager).post(
        api_url("interaction-list"),
        {"kind": Interaction.Kind.INCOMING_CALL, "phone": "8 (916) 555-44-33"},
    )

    assert response.status_code == 201, response.content
    assert response.json()["phone"] == "+79165554433"


def test_log_for_a_missing_client_names_the_field(api, manager):
    response = api(manager).post(api_url("interaction-list"), {"kind": CALL, "client": 999999})

    assert response.status_code == 400
    assert "client" in error_of(response)["fields"]


def test_log_with_a_status_of_another_kind_is_refused(api, manager, own_client):
    held = status(Interaction.Kind.MEETING, "held")

    response = api(manager).post(
        api_url("interaction-list"),
        {"kind": CALL, "client": own_client.pk, "status": held.pk, "result": "x"},
    )

    assert response.status_code == 400
    assert "status" in error_of(response)["fields"]
    assert not Interaction.objects.exists()


def test_log_in_the_future_is_refused(api, manager, own_client):
    tomorrow = timezone.now() + datetime.timedelta(days=1)

    response = api(manager).post(
        api_url("interaction-list"),
        {"kind": CALL, "client": own_client.pk, "occurred_at": tomorrow.isoformat()},
    )

    assert "occurred_at" in error_of(response)["fields"]


def test_set_status(api, manager, call):
    taken = status(CALL, "taken_into_work")

    response = api(manager).post(
        api_url("interaction-set-status", call.pk),
        {"status": taken.pk, "expected_status": None},
    )

    assert response.status_code == 200, response.content
    assert response.json()["status_code"] == "taken_into_work"
    call.refresh_from_db()
    assert call.status == taken


def test_set_status_by_code_with_the_required_result(api, manager, call):
    browser = api(manager)
    url = api_url("interaction-set-status", call.pk)

    missing = browser.post(url, {"status_code": "completed"})
    done = browser.post(url, {"status_code": "completed", "result": "Signed"})

    assert missing.status_code == 400
    assert "result" in error_of(missing)["fields"]
    assert done.status_code == 200
    assert done.json()["result"] == "Signed"


def test_set_status_of_another_kind_is_refused(api, manager, call):
    browser = api(manager)
    url = api_url("interaction-set-status", call.pk)

    by_id = browser.post(url, {"status": status(Interaction.Kind.MEETING, "held").pk})
    by_code = browser.post(url, {"status_code": "held"})

    assert by_id.status_code == 400
    assert "status" in error_of(by_id)["fields"]
    assert by_code.status_code == 400
    assert "status_code" in error_of(by_code)["fields"]
    call.refresh_from_db()
    assert call.status is None


def test_set_status_needs_a_status(api, manager, call):
    response = api(manager).post(api_url("interaction-set-status", call.pk), {})

    assert response.status_code == 400
    assert "status" in error_of(response)["fields"]


def test_second_of_two_concurrent_status_changes_gets_409(api, manager, supervisor, call):
    url = api_url("interaction-set-status", call.pk)
    # Both saw the call without a status.
    first = api(manager).post(
        url, {"status": status(CALL, "taken_into_work").pk, "expected_status": None}
    )
    second = api(supervisor).post(
        url, {"status": status(CALL, "call_back_later").pk, "expected_status": None}
    )

    assert first.status_code == 200
    assert second.status_code == 409
    assert error_of(second)["code"] == "conflict"
    call.refresh_from_db()
    assert call.status.code == "taken_into_work"


def test_manager_may_not_set_the_status_of_a_colleagues_call(api, other_manager, call):
    response = api(other_manager).post(
        api_url("interaction-set-status", call.pk), {"status_code": "no_answer"}
    )

    assert response.status_code == 403
    assert error_of(response)["code"] == "permission_denied"


def test_set_status_of_a_missing_interaction_is_404(api, manager):
    response = api(manager).post(
        api_url("interaction-set-status", 999999), {"status_code": "no_answer"}
    )

    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"


@pytest.mark.parametrize("spelling", ["8 (495) 123-45-67", "+7 495 1234567", "84951234567"])
def test_filter_by_phone_in_any_format(api, manager, own_client, call, spelling):
    unknown = InteractionFactory(
        client=None,
        manager=manager,
        team=manager.team,
        created_by=manager,
        kind=Interaction.Kind.INCOMING_CALL,
        phone_raw="84951234567",
        phone_e164="+74951234567",
    )
    InteractionFactory(client=ClientFactory(responsible_manager=manager))

    found = ids(api(manager).get(api_url("interaction-list", phone=spelling)))

    assert found == [unknown.pk, call.pk]


def test_filter_by_direction_and_kind(api, manager, own_client, call):
    incoming = InteractionFactory(client=own_client, kind=Interaction.Kind.INCOMING_EMAIL)
    meeting = InteractionFactory(client=own_client, kind=Interaction.Kind.MEETING)
    browser = api(manager)

    assert ids(browser.get(api_url("interaction-list", direction="incoming"))) == [incoming.pk]
    assert ids(browser.get(api_url("interaction-list", direction="outgoing"))) == [call.pk]
    assert ids(browser.get(api_url("interaction-list", kind="meeting"))) == [meeting.pk]
    assert ids(browser.get(api_url("interaction-list", kind=["meeting", CALL]))) == [
        meeting.pk,
        call.pk,
    ]


def test_filter_by_period(api, manager, own_client):
    now = timezone.now()
    old = InteractionFactory(client=own_client, occurred_at=now - datetime.timedelta(days=40))
    recent = InteractionFactory(client=own_client, occurred_at=now - datetime.timedelta(days=2))
    week_ago = (now - datetime.timedelta(days=7)).isoformat()
    browser = api(manager)

    assert ids(browser.get(api_url("interaction-list", occurred_after=week_ago))) == [recent.pk]
    assert ids(browser.get(api_url("interaction-list", occurred_before=week_ago))) == [old.pk]


def test_filter_by_client_and_status_code(api, manager, own_client, colleague_client, call):
    other = InteractionFactory(client=colleague_client, status=status(CALL, "missed"))
    browser = api(manager)

    assert ids(browser.get(api_url("interaction-list", client=own_client.pk))) == [call.pk]
    assert ids(browser.get(api_url("interaction-list", status_code="missed"))) == [other.pk]


def test_status_picklist_filtered_by_kind(api, manager):
    response = api(manager).get(api_url("interaction-status-list", kind="meeting"))

    assert response.status_code == 200
    codes = [row["code"] for row in response.json()]
    assert codes == ["planned", "held", "not_held", "cancelled"]


def _journal(api, manager, django_assert_max_num_queries):
    browser = api(manager)
    with django_assert_max_num_queries(3):
        response = browser.get(api_url("interaction-list"))
    return response.json()["results"]


def test_journal_query_ceiling_with_one_row(api, manager, call, django_assert_max_num_queries):
    assert len(_journal(api, manager, django_assert_max_num_queries)) == 1


def test_journal_query_ceiling_with_many_rows(
    api, manager, own_client, colleague_client, django_assert_max_num_queries
):
    for n in range(30):
        client = own_client if n % 2 else colleague_client
        InteractionFactory(
            client=client,
            contact=client.contacts.get(),
            status=status(CALL, "missed"),
            phone_e164=f"+7495777{n:04d}",
        )
    InteractionFactory(client=None, phone_raw="8 495 000", manager=manager, created_by=manager)

    assert len(_journal(api, manager, django_assert_max_num_queries)) == 31


def test_status_picklist_query_ceiling(api, manager, django_assert_max_num_queries):
    browser = api(manager)
    with django_assert_max_num_queries(3):
        assert len(browser.get(api_url("interaction-status-list")).json()) > 10
