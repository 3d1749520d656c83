"""Data quality and calls: figures against the records created here, links list the figures."""

import datetime

import pytest
from django.utils import timezone

from clients.models import Consent
from interactions.models import Interaction
from tests.factories import (
    ClientFactory,
    EmailFactory,
    InteractionFactory,
    PhoneFactory,
    status,
)
from tests.reports.conftest import assert_every_link_lists_its_figure, at, figures_of

pytestmark = pytest.mark.django_db

Kind = Interaction.Kind


@pytest.fixture
def base(manager, other_manager, statuses):
    now = timezone.now()
    complete = ClientFactory(responsible_manager=manager, last_interaction_at=now)
    PhoneFactory(client=complete, consent=Consent.GIVEN, consent_at=now, consent_source="call")
    EmailFactory(client=complete)
    no_email = ClientFactory(
        responsible_manager=manager, last_interaction_at=now - datetime.timedelta(days=45)
    )
    PhoneFactory(client=no_email)
    ClientFactory(responsible_manager=manager)  # nothing at all, never contacted
    colleague = ClientFactory(responsible_manager=other_manager, last_interaction_at=now)
    EmailFactory(client=colleague, consent=Consent.GIVEN, consent_at=now, consent_source="email")
    held = status(Kind.MEETING, "held")
    InteractionFactory(
        client=complete,
        manager=manager,
        kind=Kind.MEETING,
        status=held,
        result="",
        occurred_at=at(5),
    )
    InteractionFactory(
        client=complete,
        manager=manager,
        kind=Kind.MEETING,
        status=held,
        result="fine",
        occurred_at=at(6),
    )
    taken = status(Kind.INCOMING_CALL, "taken_into_work")
    InteractionFactory(
        client=complete,
        manager=manager,
        kind=Kind.INCOMING_CALL,
        status=taken,
        status_changed_at=now - datetime.timedelta(hours=30),
    )
    InteractionFactory(
        client=complete,
        manager=manager,
        kind=Kind.INCOMING_CALL,
        status=taken,
        status_changed_at=now - datetime.timedelta(hours=2),
    )
    return complete


def test_data_quality_per_manager(build, supervisor, manager, other_manager, base):
    report = build("quality", supervisor, idle_days=30, stale_hours=24)
    quality = figures_of(report, "quality")
    mine = quality[str(manager)]

    assert mine["Clients"] == 3
    assert mine["Without a phone"] == 1
    assert mine["Without an e-mail"] == 2
    assert mine["Without a mailing consent"] == 2
    assert mine["No interaction for 30 days"] == 2
    assert mine["Meetings held without a result"] == 1
    assert mine["Calls “taken into work” for more than 24 hours"] == 1
    assert quality[str(other_manager)]["Without a mailing consent"] == 0
    assert quality["Total"]["Clients"] == 4
    assert assert_every_link_lists_its_figure(report) == 3 * 7


def test_data_quality_parameters_change_the_figures(build, supervisor, manager, base):
    report = build("quality", supervisor, idle_days=60, stale_hours=1)
    mine = figures_of(report, "quality")[str(manager)]

    assert mine["No interaction for 60 days"] == 1
    assert mine["Calls “taken into work” for more than 1 hour"] == 2
    assert assert_every_link_lists_its_figure(report) > 0


@pytest.fixture
def calls(manager, statuses):
    client = ClientFactory(responsible_manager=manager)
    other = ClientFactory(responsible_manager=manager)
    log = InteractionFactory

    def incoming(when, number, **extra):
        return log(
            client=extra.pop("client", None) or client,
            manager=manager,
            kind=Kind.INCOMING_CALL,
            occurred_at=when,
            phone_raw=number,
            phone_e164=number,
            **extra,
        )

    incoming(at(3, 9), "+74950000001")  # first time
    incoming(at(4, 9), "+74950000001")  # repeat
    # Missed, called back within the hour (same client).
    incoming(at(5, 10), "+74950000002", client=other, call_outcome="missed")
    log(client=other, manager=manager, kind=Kind.OUTGOING_CALL, occurred_at=at(5, 10, 40))
    # Missed, called back the next morning (by number).
    incoming(
        at(10, 18),
        "+74950000003",
        client=None,
        call_outcome="missed",
        status=status(Kind.INCOMING_CALL, "missed"),
    )
    log(
        client=None,
        manager=manager,
        kind=Kind.OUTGOING_CALL,
        occurred_at=at(11, 9),
        phone_raw="+74950000003",
        phone_e164="+74950000003",
    )
    # Missed, never called back.
    incoming(at(20, 12), "+74950000004", client=None, call_outcome="busy")
    return client


def test_calls_first_time_repeat_missed_and_callbacks(build, supervisor, manager, calls):
    report = build("calls", supervisor)
    mine = figures_of(report, "callers")[str(manager)]

    assert mine["Incoming calls"] == 5
    assert mine["From first-time callers"] == 4
    assert mine["From repeat callers"] == 1
    assert mine["Missed calls"] == 3
    assert mine["Called back within an hour"] == 1
    assert mine["Called back within a day"] == 1
    assert mine["Called back later"] == 0
    assert mine["Not called back"] == 1
    assert mine["Outgoing calls"] == 2


def test_calls_per_day_and_week(build, supervisor, manager, calls):
    # March 2025 starts on a Saturday: the week of the 2nd began in February.
    InteractionFactory(client=calls, manager=manager, kind=Kind.OUTGOING_CALL, occurred_at=at(2))
    report = build("calls", supervisor)
    per_day = figures_of(report, "per_day")
    per_week = figures_of(report, "per_week")

    assert sum(day["Calls"] for day in per_day.values()) == 8
    assert len(per_day) == 7
    assert [week["Calls"] for week in per_week.values()] == [1, 4, 2, 1]
    first_week = report.sections[2].rows[0]
    assert "occurred_after=2025-03-01T00" in first_week.cells[2].url
    assert assert_every_link_lists_its_figure(report) > 15


def test_every_calls_figure_links_to_its_records(build, supervisor, calls):
    report = build("calls", supervisor)

    assert assert_every_link_lists_its_figure(report) > 15
