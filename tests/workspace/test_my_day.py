"""My day: the manager's home with the calls inbox, today's tasks and the plan counters."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from crm_project.core.models import AuditEntry
from interactions.models import Interaction
from interactions.services import interaction_set_status
from interactions.views.my_day import INBOX_LIMIT, TASKS_LIMIT
from tests.factories import (
    ClientFactory,
    ContactPersonFactory,
    InteractionFactory,
    PlanFactory,
    status,
)
from tests.workspace.conftest import in_hours, minutes_ago, planned, telephony_call

pytestmark = pytest.mark.django_db

CALL_IN = Interaction.Kind.INCOMING_CALL
CALL_OUT = Interaction.Kind.OUTGOING_CALL
MEETING = Interaction.Kind.MEETING
HTMX = {"HTTP_HX_REQUEST": "true"}


def home(browser):
    response = browser.get(reverse("core:home"))
    assert response.status_code == 200
    return response


def post_status(browser, call, code, htmx=True, **data):
    values = {
        "status": status(call.kind, code).pk,
        "expected_status": call.status_id or "",
        **data,
    }
    url = reverse("interactions:inbox_set_status", args=[call.pk])
    return browser.post(url, values, **(HTMX if htmx else {}))


# The page


def test_a_managers_home_is_my_day(manager, login):
    response = home(login(manager))
    html = response.content.decode()
    assert "interactions/my_day/my_day.html" in [t.name for t in response.templates]
    for section in ('id="inbox"', 'id="tasks"', 'id="plan-counters"'):
        assert section in html
    assert "/static/js/my_day.js" in html


@pytest.mark.parametrize("persona", ["supervisor", "operator", "admin"])
def test_other_roles_keep_their_home(persona, request, login):
    response = home(login(request.getfixturevalue(persona)))
    assert "core/home.html" in [t.name for t in response.templates]


def test_the_inbox_shows_a_known_caller_with_client_and_contact(
    manager, own_client, reachable_contact, login
):
    telephony_call(manager=manager, client=own_client, contact=reachable_contact)

    html = home(login(manager)).content.decode()

    assert "Romashka" in html
    assert "Ivanov Ivan" in html
    assert 'data-testid="new-caller"' not in html
    assert 'data-testid="repeat-caller"' not in html


def test_the_inbox_shows_a_new_caller_and_how_often_a_number_called_before(manager, login):
    number = "+74957770011"
    for minutes in (300, 200):
        telephony_call(
            manager=manager, phone=number, occurred_at=minutes_ago(minutes), code="wrong_number"
        )
    telephony_call(manager=manager, phone=number, code="missed")
    telephony_call(manager=manager, phone="+74957770022")

    response = home(login(manager))

    rows = response.context["inbox_rows"]
    assert [row.previous_calls for row in rows] == [2, 0] or [
        row.previous_calls for row in rows
    ] == [0, 2]
    html = response.content.decode()
    assert html.count('data-testid="new-caller"') == 2
    assert "called 2 times before" in html


def test_the_inbox_holds_the_managers_calls_and_his_teams_queue_only(
    manager, other_manager, foreign_manager, team, login
):
    mine = telephony_call(manager=manager, phone="+74950000001")
    queued = telephony_call(manager=None, team=team, phone="+74950000002")
    telephony_call(manager=other_manager, phone="+74950000003")
    telephony_call(manager=foreign_manager, phone="+74950000004")
    telephony_call(manager=manager, phone="+74950000005", code="taken_into_work")
    InteractionFactory(
        kind=CALL_IN, client=ClientFactory(responsible_manager=manager), manager=manager
    )  # typed in by hand: nothing to decide

    rows = home(login(manager)).context["inbox_rows"]

    assert {row.pk for row in rows} == {mine.pk, queued.pk}


def test_one_click_sets_the_status_and_the_row_leaves_the_inbox(manager, own_client, login):
    call = telephony_call(manager=manager, client=own_client, code="missed")
    browser = login(manager)

    response = post_status(browser, call, "call_back_later")

    assert response.status_code == 200
    assert response["HX-Trigger"] == "crm:counters-changed"
    html = response.content.decode()
    assert f'id="call-{call.pk}"' not in html
    assert 'hx-swap-oob="true"' in html
    call.refresh_from_db()
    assert call.status.code == "call_back_later"
    assert AuditEntry.objects.filter(action="interactions.interaction.status_changed").exists()
    assert not home(browser).context["inbox_rows"]


def test_wrong_number_takes_one_click_and_leaves_the_counts(manager, own_client, login):
    call = telephony_call(manager=manager, client=own_client)
    browser = login(manager)
    counters = browser.get(reverse("interactions:my_day_counters")).context["progress"]
    assert counters.counter("contacts_taken").done == 1

    assert post_status(browser, call, "wrong_number").status_code == 200

    counters = browser.get(reverse("interactions:my_day_counters")).context["progress"]
    assert counters.counter("contacts_taken").done == 0


def test_a_status_that_needs_a_result_opens_a_small_form_first(manager, own_client, login):
    call = telephony_call(manager=manager, client=own_client)
    browser = login(manager)

    asked = post_status(browser, call, "completed")

    assert asked.status_code == 200
    assert 'name="result"' in asked.content.decode()
    call.refresh_from_db()
    assert call.status is None

    empty = post_status(browser, call, "completed", result="  ")
    assert empty.status_code == 422
    assert "needs the result" in empty.content.decode()

    saved = post_status(browser, call, "completed", result="Ordered 10 boxes")
    assert saved.status_code == 200
    call.refresh_from_db()
    assert (call.status.code, call.result) == ("completed", "Ordered 10 boxes")


def test_a_stale_click_answers_409_with_a_message_in_the_row(
    manager, supervisor, own_client, login
):
    call = telephony_call(manager=manager, client=own_client, code="missed")
    seen = Interaction.objects.get(pk=call.pk)
    interaction_set_status(
        actor=supervisor, interaction=call, status=status(CALL_IN, "taken_into_work")
    )

    response = post_status(login(manager), seen, "wrong_number")

    assert response.status_code == 409
    html = response.content.decode()
    assert "Someone else has just changed" in html
    assert 'role="alert"' in html
    call.refresh_from_db()
    assert call.status.code == "taken_into_work"


def test_without_javascript_the_status_form_posts_and_redirects_back(manager, own_client, login):
    call = telephony_call(manager=manager, client=own_client, code="missed")
    browser = login(manager)

    response = post_status(browser, call, "no_answer", htmx=False)

    assert response.status_code == 302
    assert response["Location"] == reverse("core:home")
    call.refresh_from_db()
    assert call.status.code == "no_answer"
    followed = home(browser).content.decode()
    assert "saved" in followed


def test_without_javascript_a_status_needing_a_result_shows_its_form_on_a_page(
    manager, own_client, login
):
    call = telephony_call(manager=manager, client=own_client)
    response = post_status(login(manager), call, "completed", htmx=False)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" in html and 'name="result"' in html


def test_a_colleagues_call_is_403_and_an_unknown_one_404(other_manager, manager, login):
    call = telephony_call(manager=manager, phone="+74950000009")
    browser = login(other_manager)

    assert post_status(browser, call, "no_answer").status_code == 403
    missing = reverse("interactions:inbox_set_status", args=[999999])
    assert browser.post(missing, {"status": status(CALL_IN, "no_answer").pk}).status_code == 404
    call.refresh_from_db()
    assert call.status is None


# Tasks


def test_todays_and_overdue_tasks_are_listed_future_and_done_ones_are_not(
    manager, own_client, other_manager, login
):
    overdue = planned(manager=manager, client=own_client, when=minutes_ago(60 * 30))
    later_today = planned(
        manager=manager,
        client=own_client,
        when=min(
            in_hours(0.5),
            timezone.make_aware(
                datetime.datetime.combine(timezone.localdate(), datetime.time(23, 59))
            ),
        ),
    )
    planned(manager=manager, client=own_client, when=in_hours(48))
    planned(manager=other_manager, client=own_client)
    done = planned(manager=manager, client=own_client)
    done.occurred_at = timezone.now()
    done.save()

    rows = home(login(manager)).context["tasks"]

    assert [row.pk for row in rows] == [overdue.pk, later_today.pk]


def test_a_meeting_is_held_in_place_with_its_result(manager, own_client, reachable_contact, login):
    task = planned(manager=manager, client=own_client, kind=MEETING, contact=reachable_contact)
    browser = login(manager)
    url = reverse("interactions:task_complete", args=[task.pk])

    refused = browser.post(url, {"status": status(MEETING, "held").pk, "result": ""}, **HTMX)
    assert refused.status_code == 422
    assert "Write down the result of the meeting." in refused.content.decode()

    done = browser.post(url, {"status": status(MEETING, "held").pk, "result": "Signed"}, **HTMX)

    assert done.status_code == 200
    assert done["HX-Trigger"] == "crm:counters-changed"
    assert f'id="task-{task.pk}"' not in done.content.decode()
    task.refresh_from_db()
    assert (task.status.code, task.result) == ("held", "Signed")
    progress = browser.get(reverse("interactions:my_day_counters")).context["progress"]
    assert progress.counter("meetings_held").done == 1


def test_a_task_done_elsewhere_answers_409(manager, own_client, login):
    task = planned(manager=manager, client=own_client)
    task.occurred_at, task.status = timezone.now(), status(CALL_OUT, "no_answer")
    task.save()

    response = login(manager).post(
        reverse("interactions:task_complete", args=[task.pk]),
        {"status": status(CALL_OUT, "completed").pk, "result": "x"},
        **HTMX,
    )

    assert response.status_code == 409
    assert "already done" in response.content.decode()


def test_a_task_is_rescheduled_in_place(manager, own_client, login):
    task = planned(manager=manager, client=own_client)
    browser = login(manager)
    url = reverse("interactions:task_reschedule", args=[task.pk])
    tomorrow = timezone.localtime() + datetime.timedelta(days=1)

    response = browser.post(url, {"planned_at": tomorrow.strftime("%Y-%m-%dT%H:%M")}, **HTMX)

    assert response.status_code == 200
    assert f'id="task-{task.pk}"' not in response.content.decode()
    task.refresh_from_db()
    assert timezone.localtime(task.planned_at).replace(second=0, microsecond=0) == tomorrow.replace(
        second=0, microsecond=0
    )
    past = browser.post(url, {"planned_at": "2020-01-01T10:00"}, **HTMX)
    assert past.status_code == 422
    assert "Choose a time in the future." in past.content.decode()


def test_a_colleagues_task_is_403(manager, other_manager, own_client, login):
    task = planned(manager=manager, client=own_client)
    browser = login(other_manager)
    complete = reverse("interactions:task_complete", args=[task.pk])
    reschedule = reverse("interactions:task_reschedule", args=[task.pk])

    assert browser.post(complete, {"status": status(CALL_OUT, "no_answer").pk}).status_code == 403
    assert browser.post(reschedule, {"planned_at": "2099-01-01T10:00"}).status_code == 403


# Query ceilings


def fill_day(manager, own_client, count):
    for number in range(count):
        client = ClientFactory(responsible_manager=manager)
        telephony_call(manager=manager, client=client, phone=f"+7495100{number:04d}", code="missed")
        telephony_call(manager=manager, phone=f"+7495200{number:04d}")
        planned(manager=manager, client=client, kind=MEETING)
        InteractionFactory(client=client, manager=manager, occurred_at=minutes_ago(3))


@pytest.mark.parametrize("count", [1, 12])
def test_my_day_query_ceiling(count, manager, own_client, login, django_assert_max_num_queries):
    PlanFactory(manager=manager, month=timezone.localdate().replace(day=1))
    fill_day(manager, own_client, count)
    browser = login(manager)

    with django_assert_max_num_queries(10):
        response = home(browser)

    assert len(response.context["inbox_rows"]) == min(2 * count, INBOX_LIMIT)
    assert len(response.context["tasks"]) == min(count, TASKS_LIMIT)


@pytest.mark.parametrize("count", [1, 12])
def test_inbox_partial_query_ceiling(
    count, manager, own_client, login, django_assert_max_num_queries
):
    fill_day(manager, own_client, count)
    browser = login(manager)

    with django_assert_max_num_queries(5):
        response = browser.get(reverse("interactions:my_day_inbox"), **HTMX)

    assert len(response.context["inbox_rows"]) == min(2 * count, INBOX_LIMIT)


def test_a_queued_call_of_a_colleagues_client_shows_the_contact_masked(
    manager, other_manager, team, login
):
    client = ClientFactory(name="Vasilek", responsible_manager=other_manager)
    contact = ContactPersonFactory(client=client, last_name="Petrova", first_name="Anna")
    telephony_call(manager=None, team=team, client=client, contact=contact, phone="+74957654321")

    html = home(login(manager)).content.decode()

    assert "Vasilek" in html
    assert "P****** A***" in html and "Petrova" not in html
    assert "+7 *** ***-43-21" in html


@pytest.mark.parametrize("limit_in_union", [True, False])
def test_the_inbox_shows_the_newest_calls_of_his_own_and_his_queue(
    limit_in_union, manager, other_manager, team, login, monkeypatch
):
    """PostgreSQL reads his calls and his team's queue apart, each with a LIMIT inside a UNION;
    SQLite (the demo's database) allows no LIMIT there and reads both in one ordered pass. The
    inbox is the same either way: the newest calls, never another manager's."""
    from django.db import connection

    if limit_in_union and not connection.features.supports_slicing_ordering_in_compound:
        pytest.skip("this database allows no LIMIT inside a UNION")
    monkeypatch.setattr(
        connection.features, "supports_slicing_ordering_in_compound", limit_in_union
    )
    calls = []
    for minute in range(INBOX_LIMIT + 5):
        owner = {"manager": manager} if minute % 3 else {"manager": None, "team": team}
        calls.append(
            telephony_call(
                **owner, phone=f"+749500{minute:05d}", occurred_at=minutes_ago(minute + 1)
            )
        )
        telephony_call(manager=other_manager, phone="+74959999999", occurred_at=minutes_ago(0))

    rows = home(login(manager)).context["inbox_rows"]

    assert [row.pk for row in rows] == [call.pk for call in calls[:INBOX_LIMIT]]


def test_the_rows_link_to_their_own_client_and_actions(manager, own_client, login):
    """The row URLs are reversed once a page and given each row's id (views.my_day.RowUrls)."""
    call = telephony_call(manager=manager, client=own_client)
    task = InteractionFactory(
        client=own_client, manager=manager, occurred_at=None, planned_at=minutes_ago(5)
    )

    context = home(login(manager)).context

    [row] = context["inbox_rows"]
    assert row.pk == call.pk
    assert row.client_url == reverse("clients:detail", args=[own_client.pk])
    assert row.set_status_url == reverse("interactions:inbox_set_status", args=[call.pk])
    [task_row] = context["tasks"]
    assert task_row.complete_url == reverse("interactions:task_complete", args=[task.pk])
    assert task_row.reschedule_url == reverse("interactions:task_reschedule", args=[task.pk])
    html = home(login(manager)).content.decode()
    assert f'action="{row.set_status_url}"' in html and f'href="{row.client_url}"' in html
