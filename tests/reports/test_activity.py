"""The activity report: figures against the records created here, each link lists its figure."""

import pytest
from django.urls import reverse

from interactions.models import Interaction
from tests.factories import ClientFactory, InteractionFactory, status
from tests.reports.conftest import (
    PERIOD,
    assert_every_link_lists_its_figure,
    at,
    cell,
    figures_of,
)

pytestmark = pytest.mark.django_db

Kind = Interaction.Kind


@pytest.fixture
def journal(manager, other_manager, foreign_manager, statuses):
    own = ClientFactory(responsible_manager=manager)
    colleague = ClientFactory(responsible_manager=other_manager)
    log = InteractionFactory
    rows = [
        log(client=own, manager=manager, kind=Kind.OUTGOING_CALL, occurred_at=at(3)),
        log(
            client=own,
            manager=manager,
            kind=Kind.OUTGOING_CALL,
            occurred_at=at(4),
            status=status(Kind.OUTGOING_CALL, "completed"),
            result="ok",
        ),
        log(
            client=own,
            manager=manager,
            kind=Kind.OUTGOING_CALL,
            occurred_at=at(5),
            status=status(Kind.OUTGOING_CALL, "taken_into_work"),
        ),
        log(client=own, manager=manager, kind=Kind.INCOMING_CALL, occurred_at=at(6)),
        log(
            client=own,
            manager=manager,
            kind=Kind.MEETING,
            occurred_at=at(7),
            status=status(Kind.MEETING, "held"),
            result="signed",
        ),
        log(client=own, manager=manager, kind=Kind.OUTGOING_EMAIL, occurred_at=at(8)),
        # A wrong number counts nowhere.
        log(
            client=own,
            manager=manager,
            kind=Kind.INCOMING_CALL,
            occurred_at=at(9),
            status=status(Kind.INCOMING_CALL, "wrong_number"),
        ),
        # Outside the period, and another team's manager: not in the report.
        log(client=own, manager=manager, kind=Kind.OUTGOING_CALL, occurred_at=at(1, month=4)),
        log(client=own, manager=foreign_manager, kind=Kind.OUTGOING_CALL, occurred_at=at(3)),
        log(client=colleague, manager=other_manager, kind=Kind.INCOMING_CALL, occurred_at=at(10)),
        log(client=colleague, manager=other_manager, kind=Kind.NOTE, occurred_at=at(11)),
        # Planned calls and meetings: one done, one never done, one not yet due... in March.
        log(
            client=own,
            manager=manager,
            kind=Kind.OUTGOING_CALL,
            occurred_at=None,
            planned_at=at(12),
        ),
        log(
            client=own,
            manager=manager,
            kind=Kind.OUTGOING_CALL,
            occurred_at=at(14),
            planned_at=at(13),
        ),
        log(
            client=own,
            manager=manager,
            kind=Kind.MEETING,
            occurred_at=None,
            planned_at=at(20),
            status=status(Kind.MEETING, "planned"),
        ),
    ]
    return rows


def test_interactions_by_kind_and_direction_per_manager(
    build, supervisor, manager, other_manager, journal
):
    report = build("activity", supervisor)
    by_kind = figures_of(report, "by_kind")
    mine = by_kind[str(manager)]

    assert mine["Outgoing call"] == 4  # three logged calls and the planned one made on the 14th
    assert mine["Incoming call"] == 1  # the wrong number is left out
    assert mine["Meeting"] == 1
    assert mine["Outgoing e-mail"] == 1
    assert mine["Total"] == 7
    assert mine["Incoming"] == 1
    assert mine["Outgoing"] == 5
    assert mine["Share of outgoing calls, %"] == 80.0
    colleague = by_kind[str(other_manager)]
    assert colleague["Total"] == 2
    assert colleague["Note"] == 1
    assert by_kind["Total"]["Total"] == 9


def test_interactions_by_status(build, supervisor, manager, journal):
    by_status = figures_of(build("activity", supervisor), "by_status")

    assert by_status[str(manager)]["Completed"] == 1
    assert by_status[str(manager)]["Taken into work"] == 1
    assert by_status[str(manager)]["Held"] == 1
    assert by_status[str(manager)]["No status"] == 4


def test_planned_against_performed(build, supervisor, manager, journal):
    planned = figures_of(build("activity", supervisor), "planned")[str(manager)]

    assert planned["Calls planned"] == 2
    assert planned["Calls made"] == 1
    assert planned["Calls never made"] == 1
    assert planned["Meetings planned"] == 1
    assert planned["Meetings that took place"] == 0
    assert planned["Meetings never held"] == 1


def test_every_figure_links_to_exactly_its_records(build, supervisor, journal):
    report = build("activity", supervisor)

    assert assert_every_link_lists_its_figure(report) > 40


def test_following_a_figure_in_the_browser_lands_on_that_many_rows(
    build, supervisor, manager, journal, login
):
    report = build("activity", supervisor)
    figure = cell(report, "by_kind", str(manager), "Outgoing call")

    response = login(supervisor).get(figure.url)

    assert response.status_code == 200
    assert len(response.context["rows"]) == figure.value == 4


def test_a_manager_sees_his_own_activity_only(build, manager, journal):
    report = build("activity", manager)

    assert list(figures_of(report, "by_kind")) == [str(manager)]
    assert report.scope_label == str(manager)


@pytest.mark.parametrize("count", [1, 12])
def test_monthly_activity_runs_a_fixed_number_of_queries(
    count, supervisor, team, statuses, login, django_assert_max_num_queries
):
    from tests.factories import UserFactory

    browser = login(supervisor)
    for number in range(count):
        member = UserFactory(role="manager", team=team)
        client = ClientFactory(responsible_manager=member)
        for day in (2, 9, 16):
            InteractionFactory(client=client, manager=member, occurred_at=at(day + number % 5))

    with django_assert_max_num_queries(12):
        response = browser.get(reverse("reports:detail", args=["activity"]), PERIOD)

    assert response.status_code == 200
