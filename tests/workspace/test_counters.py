"""The plan counters: one definition, the same records behind each counter's link."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from interactions.models import Interaction
from interactions.services import interaction_set_status
from reports.selectors import DEALS_CLOSED, plan_progress, working_days_left
from tests.api.conftest import Api
from tests.factories import ClientFactory, InteractionFactory, PlanFactory, UserFactory, status
from tests.workspace.conftest import minutes_ago, telephony_call

pytestmark = pytest.mark.django_db

CALL_IN = Interaction.Kind.INCOMING_CALL
CALL_OUT = Interaction.Kind.OUTGOING_CALL
MEETING = Interaction.Kind.MEETING


def this_month():
    return timezone.localdate().replace(day=1)


@pytest.fixture
def journal(manager, own_client, other_manager):
    """A month of the manager's journal: what counts, what does not, and others' work."""
    at = minutes_ago(5)

    def make(kind, code=None, **extra):
        values = {"client": own_client, "manager": manager, "kind": kind, "occurred_at": at}
        values.update(extra)
        if code:
            values["status"] = status(kind, code)
        return InteractionFactory(**values)

    counted = {
        "call out": make(CALL_OUT, "completed", result="ok"),
        "call in, no status": make(CALL_IN, call_outcome="answered"),
        "call back later": make(CALL_OUT, "call_back_later"),
        "meeting held": make(MEETING, "held", result="ok"),
        "e-mail": make(Interaction.Kind.OUTGOING_EMAIL),
    }
    make(CALL_OUT, "no_answer")
    make(CALL_IN, "missed", call_outcome="missed")
    make(CALL_IN, "taken_into_work", call_outcome="missed")  # nobody talked
    make(CALL_OUT, "wrong_number")
    make(MEETING, "not_held", result="no show")
    make(MEETING, "planned", occurred_at=None, planned_at=at)
    make(Interaction.Kind.NOTE)
    make(CALL_OUT, client=None, phone_raw="+74951112233", phone_e164="+74951112233")
    make(CALL_OUT, "completed", occurred_at=at - datetime.timedelta(days=40))
    make(CALL_OUT, "completed", manager=other_manager)
    return counted


def test_the_counters_count_what_their_definition_says(manager, journal):
    PlanFactory(manager=manager, month=this_month(), contacts_target=10, meetings_target=4)

    progress = plan_progress(manager=manager, month=this_month())

    contacts = progress.counter("contacts_taken")
    assert (contacts.done, contacts.target) == (len(journal), 10)
    meetings = progress.counter("meetings_held")
    assert (meetings.done, meetings.target) == (1, 4)
    assert meetings.percent == 25


def test_each_counters_link_lists_exactly_the_records_it_counts(
    manager, journal, login, django_assert_max_num_queries
):
    progress = plan_progress(manager=manager, month=this_month())
    browser = login(manager)
    for key in ("contacts_taken", "meetings_held"):
        counter = progress.counter(key)
        page = browser.get(counter.url)
        assert page.status_code == 200
        assert len(page.context["rows"]) == counter.done, key
        api_rows = Api(browser).get(
            reverse("api:interaction-list") + "?" + counter.url.split("?", 1)[1]
        )
        assert len(api_rows.json()["results"]) == counter.done, key
    contacts_page = browser.get(progress.counter("contacts_taken").url)
    assert {row.pk for row in contacts_page.context["rows"]} == {
        interaction.pk for interaction in journal.values()
    }


def test_a_wrong_number_leaves_the_counts(manager, own_client):
    call = telephony_call(manager=manager, client=own_client)
    assert plan_progress(manager=manager, month=this_month()).counter("contacts_taken").done == 1

    interaction_set_status(actor=manager, interaction=call, status=status(CALL_IN, "wrong_number"))

    assert plan_progress(manager=manager, month=this_month()).counter("contacts_taken").done == 0


def test_without_a_plan_the_counters_say_so(manager, journal, login):
    progress = plan_progress(manager=manager, month=this_month())
    assert not progress.has_plan
    assert all(not counter.has_plan and counter.pace is None for counter in progress.counters)

    html = login(manager).get(reverse("interactions:my_day_counters")).content.decode()

    assert 'data-testid="no-plan"' in html
    assert "no plan" in html


def test_the_pace_is_what_is_left_per_working_day_left(manager):
    plan = PlanFactory(manager=manager, month=this_month(), contacts_target=100)
    progress = plan_progress(manager=manager, month=plan.month)
    counter = progress.counter("contacts_taken")
    days = working_days_left(this_month(), timezone.localdate())
    assert counter.working_days_left == days
    if days:
        assert counter.pace == (Decimal(100) / days).quantize(Decimal("0.1"))


def test_working_days_left_counts_monday_to_friday_from_today():
    month = datetime.date(2026, 3, 1)
    assert working_days_left(month, datetime.date(2026, 3, 30)) == 2  # Monday 30, Tuesday 31
    assert working_days_left(month, datetime.date(2026, 2, 10)) == 22
    assert working_days_left(month, datetime.date(2026, 4, 1)) == 0


def test_with_no_deal_won_the_deals_counter_is_zero_and_links_to_the_deals(manager):
    PlanFactory(manager=manager, month=this_month(), deals_target=5)
    deals = plan_progress(manager=manager, month=this_month()).counter(DEALS_CLOSED)
    assert (deals.done, deals.target) == (0, 5)
    assert deals.url.startswith(reverse("clients:deal_list"))


def test_the_counters_partial_shows_done_of_target_and_links(manager, journal, login):
    PlanFactory(manager=manager, month=this_month(), contacts_target=10, meetings_target=4)

    response = login(manager).get(reverse("interactions:my_day_counters"))

    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert f"{len(journal)} of 10" in html
    assert "1 of 4" in html
    assert 'hx-trigger="crm:counters-changed from:body, every 30s"' in html
    assert html.count("data-counter-link") == 3
    assert "a day" in html or "the month is over" in html


@pytest.mark.parametrize("count", [1, 25])
def test_counters_partial_query_ceiling(
    count, manager, own_client, login, django_assert_max_num_queries
):
    PlanFactory(manager=manager, month=this_month())
    for _number in range(count):
        InteractionFactory(client=own_client, manager=manager, occurred_at=minutes_ago(1))
    browser = login(manager)

    with django_assert_max_num_queries(4):
        response = browser.get(reverse("interactions:my_day_counters"))

    assert response.status_code == 200


# /api/v1/counters/


def counters_url(**query):
    from urllib.parse import urlencode

    return reverse("api:counters") + ("?" + urlencode(query) if query else "")


@pytest.fixture
def api(login):
    return lambda user: Api(login(user))


def test_api_counters_of_the_signed_in_manager(api, manager, journal):
    PlanFactory(manager=manager, month=this_month(), contacts_target=10)

    body = api(manager).get(counters_url(month=this_month().strftime("%Y-%m"))).json()

    assert body["manager"] == manager.pk
    assert body["month"] == this_month().isoformat()
    contacts = body["counters"][0]
    assert contacts["key"] == "contacts_taken"
    assert (contacts["done"], contacts["target"]) == (len(journal), 10)
    assert contacts["url"].startswith(reverse("interactions:list"))


def test_api_counters_of_a_past_month_have_no_pace(api, manager):
    PlanFactory(manager=manager, month=datetime.date(2020, 1, 1), contacts_target=10)
    body = api(manager).get(counters_url(month="2020-01")).json()
    assert body["working_days_left"] == 0
    assert body["counters"][0]["pace"] is None


def test_a_supervisor_reads_his_team_members_counters(api, supervisor, manager, journal):
    body = api(supervisor).get(counters_url(manager=manager.pk)).json()
    assert body["manager"] == manager.pk
    assert body["counters"][0]["done"] == len(journal)


def test_a_supervisor_does_not_read_another_teams_counters(api, supervisor, foreign_manager):
    response = api(supervisor).get(counters_url(manager=foreign_manager.pk))
    assert response.status_code == 404


def test_a_manager_reads_only_his_own_counters(api, manager, other_manager):
    response = api(manager).get(counters_url(manager=other_manager.pk))
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"


@pytest.mark.parametrize("month", ["2026-13", "March", "2026-3"])
def test_a_bad_month_is_a_validation_error(api, manager, month):
    response = api(manager).get(counters_url(month=month))
    assert response.status_code == 400
    assert "month" in response.json()["error"]["fields"]


def test_an_operator_has_no_counters(api, operator):
    assert api(operator).get(counters_url()).status_code == 403


def test_counters_api_query_ceiling(api, manager, own_client, django_assert_max_num_queries):
    PlanFactory(manager=manager, month=this_month())
    for _number in range(20):
        InteractionFactory(client=own_client, manager=manager, occurred_at=minutes_ago(1))
    browser = api(manager)
    with django_assert_max_num_queries(4):
        assert browser.get(counters_url()).status_code == 200


def test_other_teams_do_not_leak_into_the_counts(manager, journal):
    stranger = UserFactory()
    InteractionFactory(client=ClientFactory(responsible_manager=stranger), manager=stranger)
    assert plan_progress(manager=manager, month=this_month()).counter("contacts_taken").done == len(
        journal
    )
