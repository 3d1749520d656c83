"""Period against period, lead sources and plan fulfilment against records created here."""

import datetime

import pytest

from interactions.models import Interaction
from tests.factories import (
    ClientFactory,
    InteractionFactory,
    LeadSourceFactory,
    PlanFactory,
    status,
)
from tests.reports.conftest import (
    ZONE,
    assert_every_link_lists_its_figure,
    at,
    figures_of,
    log_every_kind_status_and_outcome,
)

pytestmark = pytest.mark.django_db

Kind = Interaction.Kind


def test_any_two_periods_side_by_side(build, supervisor, manager, statuses):
    client = ClientFactory(responsible_manager=manager)
    for day in (3, 4, 5):
        InteractionFactory(client=client, manager=manager, occurred_at=at(day))
    last_year = datetime.datetime(2024, 3, 4, 12, tzinfo=ZONE)
    InteractionFactory(client=client, manager=manager, occurred_at=last_year)
    InteractionFactory(
        client=client,
        manager=manager,
        kind=Kind.MEETING,
        status=status(Kind.MEETING, "held"),
        result="ok",
        occurred_at=last_year,
    )

    report = build(
        "comparison",
        supervisor,
        date_from="2025-03-01",
        date_to="2025-03-07",
        compare_from="2024-03-01",
        compare_to="2024-03-07",
    )
    rows = figures_of(report, "comparison")
    this_week, last_year_week, difference = report.sections[0].columns[1:]

    assert rows["All interactions"][this_week] == 3
    assert rows["All interactions"][last_year_week] == 2
    assert rows["All interactions"][difference] == 1
    assert rows["Meetings held"][last_year_week] == 1
    assert rows["Contacts taken"][this_week] == 3
    assert assert_every_link_lists_its_figure(report) == 2 * len(rows)


def test_comparison_defaults_to_the_same_days_a_year_before(build, supervisor, manager):
    report = build("comparison", supervisor)

    assert "2024" in report.sections[0].columns[2]


def test_lead_sources_count_clients_entered_and_contacts_taken(
    build, supervisor, manager, other_manager, foreign_manager, statuses
):
    advert = LeadSourceFactory(name="Radio advert")
    LeadSourceFactory(name="Exhibition")
    clients = [
        ClientFactory(responsible_manager=manager, lead_source=advert),
        ClientFactory(responsible_manager=other_manager, lead_source=advert),
        ClientFactory(responsible_manager=manager, lead_source=None),
        ClientFactory(responsible_manager=foreign_manager, lead_source=advert),
    ]
    from clients.models import Client

    Client.objects.filter(pk__in=[client.pk for client in clients]).update(created_at=at(10))
    InteractionFactory(client=clients[0], manager=manager, occurred_at=at(11))
    InteractionFactory(client=clients[0], manager=manager, kind=Kind.NOTE, occurred_at=at(11))

    report = build("lead-sources", supervisor)
    rows = figures_of(report, "lead_sources")

    assert rows["Radio advert"] == {
        "Clients entered": 2,
        "Contacts taken with them": 1,
        "Won deals": 0,
    }
    assert rows["Exhibition"] == {
        "Clients entered": 0,
        "Contacts taken with them": 0,
        "Won deals": 0,
    }
    assert rows["No source"]["Clients entered"] == 1
    assert assert_every_link_lists_its_figure(report) == 3 * len(rows)


def test_plan_fulfilment_per_manager_and_month(build, supervisor, manager, statuses):
    client = ClientFactory(responsible_manager=manager)
    PlanFactory(manager=manager, month=datetime.date(2025, 3, 1), contacts_target=4)
    for day in (3, 4, 5):
        InteractionFactory(client=client, manager=manager, occurred_at=at(day))
    InteractionFactory(client=client, manager=manager, occurred_at=at(2, month=4))

    report = build("fulfilment", supervisor, date_from="2025-03-10", date_to="2025-04-10")
    rows = figures_of(report, "fulfilment")
    march = next(
        label for label in rows if label.startswith("March 2025") and str(manager) in label
    )
    april = next(
        label for label in rows if label.startswith("April 2025") and str(manager) in label
    )

    assert rows[march]["Contacts taken"] == 3  # the whole month, not only from the 10th
    assert rows[march]["Contacts planned"] == 4
    assert rows[march]["Contacts, % of plan"] == 75.0
    assert rows[april]["Contacts taken"] == 1
    assert rows[april]["Contacts planned"] == 0
    assert rows[april]["Contacts, % of plan"] is None
    assert assert_every_link_lists_its_figure(report) > 0


def test_fulfilment_counts_exactly_the_records_behind_its_links(
    build, supervisor, manager, statuses
):
    """Every kind, status and phone outcome, with and without a client: each figure of the
    fulfilment report (one pass over the counted journal) is the list behind its link."""
    log_every_kind_status_and_outcome(manager, statuses, occurred_at=at(5))

    report = build("fulfilment", supervisor, date_from="2025-03-01", date_to="2025-03-31")
    march = next(iter(figures_of(report, "fulfilment").values()))

    assert assert_every_link_lists_its_figure(report) >= 2
    # Not everything counts, and not nothing: the conditions really sort the rows.
    assert 0 < march["Meetings held"] < march["Contacts taken"] < Interaction.objects.count()
