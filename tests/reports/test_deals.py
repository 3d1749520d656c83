"""The deals report, the won deals of lead sources and plan fulfilment, and the SVG charts."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from clients.models import Deal, DealStageChange, PointsEntry
from interactions.models import Interaction
from reports.builders.base import day_start
from reports.selectors import deals_closed
from tests.deals.factories import DealFactory, overdue_deal, stage
from tests.factories import ClientFactory, InteractionFactory, LeadSourceFactory, PlanFactory
from tests.reports.conftest import (
    ZONE,
    assert_every_link_lists_its_figure,
    at,
    cell,
    figures_of,
)

pytestmark = pytest.mark.django_db

MARCH = (day_start(datetime.date(2025, 3, 1), ZONE), day_start(datetime.date(2025, 4, 1), ZONE))


def closed_deal(manager, state, when, *, amount="100000", currency="RUB", **kwargs):
    won = state == Deal.State.WON
    return DealFactory(
        manager=manager,
        client=kwargs.pop("client", None) or ClientFactory(responsible_manager=manager),
        stage=stage("won" if won else "lost"),
        state=state,
        closed_at=when,
        close_reason="" if won else "Too expensive",
        amount=Decimal(amount),
        currency=currency,
        **kwargs,
    )


def reached(deal, code, when):
    DealStageChange.objects.create(
        deal=deal, to_stage=stage(code), changed_by=deal.manager, changed_at=when
    )


@pytest.fixture
def deals(manager, other_manager, foreign_manager):
    """Open, overdue, won and lost deals of two managers of the team and one outsider."""
    advert = LeadSourceFactory(name="Radio advert")
    advert_client = ClientFactory(responsible_manager=manager, lead_source=advert)
    first = DealFactory(manager=manager, client=advert_client)
    second = DealFactory(manager=manager, stage=stage("presentation_sent"))
    overdue_deal(manager=other_manager, client=ClientFactory(responsible_manager=other_manager))
    DealFactory(manager=foreign_manager, client=ClientFactory(responsible_manager=foreign_manager))
    won = [
        closed_deal(manager, Deal.State.WON, at(5), client=advert_client),
        closed_deal(manager, Deal.State.WON, at(20), amount="500.50", currency="USD"),
        closed_deal(manager, Deal.State.WON, at(2, month=4)),  # the next month
        closed_deal(foreign_manager, Deal.State.WON, at(6)),
    ]
    lost = closed_deal(other_manager, Deal.State.LOST, at(7), amount="2000")
    reached(first, "new", at(3))
    reached(first, "presentation_sent", at(4))
    reached(second, "new", at(4))
    reached(second, "presentation_sent", at(6))
    reached(second, "presentation_sent", at(8))  # moved back and forth: still one deal
    reached(won[0], "won", at(5))
    reached(lost, "lost", at(7))
    reached(won[2], "won", at(2, month=4))
    return {"advert": advert, "won": won, "lost": lost}


def test_deals_report_figures_and_their_lists(build, supervisor, manager, other_manager, deals):
    report = build("deals", supervisor)

    funnel = figures_of(report, "funnel")
    assert funnel[str(manager)]["New"] == 2
    assert funnel[str(manager)]["Presentation sent"] == 2
    assert funnel[str(manager)]["Won"] == 1
    assert funnel["Total"]["Lost"] == 1
    assert funnel["Total"]["Contract sent"] == 0

    open_deals = figures_of(report, "open_by_stage")
    assert open_deals[str(manager)]["New"] == 1
    assert open_deals[str(manager)]["Presentation sent"] == 1
    assert open_deals[str(manager)]["Open deals"] == 2
    assert open_deals["Total"]["Open deals"] == 3  # not the other team's deal

    overdue = figures_of(report, "overdue")
    assert overdue[str(other_manager)]["New"] == 1
    assert overdue[str(manager)]["Overdue deals"] == 0
    assert overdue["Total"]["Overdue deals"] == 1

    won_lost = figures_of(report, "won_lost")
    assert won_lost[str(manager)]["Won"] == 2
    assert won_lost[str(manager)]["Won, RUB"] == 100000
    assert won_lost[str(manager)]["Won, USD"] == 500.5  # never added to the roubles
    assert won_lost[str(other_manager)]["Lost"] == 1
    assert won_lost["Total"]["Lost, RUB"] == 2000
    assert cell(report, "won_lost", str(manager), "Won, USD").records == 1

    assert assert_every_link_lists_its_figure(report) > 40


def test_won_deals_agree_with_the_plan_counter_fulfilment_and_lead_sources(
    build, supervisor, manager, deals
):
    PlanFactory(manager=manager, month=datetime.date(2025, 3, 1), deals_target=4)

    counter = deals_closed(manager=manager, start=MARCH[0], end=MARCH[1])
    report = build("deals", supervisor)
    fulfilment = build("fulfilment", supervisor)
    sources = build("lead-sources", supervisor)

    march = next(label for label in figures_of(fulfilment, "fulfilment") if str(manager) in label)
    row = figures_of(fulfilment, "fulfilment")[march]
    assert counter == 2
    assert figures_of(report, "won_lost")[str(manager)]["Won"] == counter
    assert row["Deals closed"] == counter
    assert row["Deals planned"] == 4
    assert row["Deals, % of plan"] == 50.0
    won_by_source = {
        label: row["Won deals"] for label, row in figures_of(sources, "lead_sources").items()
    }
    assert won_by_source["Radio advert"] == 1
    assert won_by_source["No source"] == 1
    for each in (fulfilment, sources):
        assert assert_every_link_lists_its_figure(each) > 0


def test_primary_contact_points_per_user_in_the_period(
    build, supervisor, manager, other_manager, operator, deals
):
    client = ClientFactory(responsible_manager=manager, created_by=manager)
    entries = [
        PointsEntry.objects.create(
            user=manager, points=10, reason=PointsEntry.Reason.PRIMARY_CONTACT, client=client
        ),
        PointsEntry.objects.create(
            user=manager,
            points=25,
            reason=PointsEntry.Reason.PRIMARY_CONTACT_DEAL_WON,
            client=client,
            deal=deals["won"][0],
        ),
        PointsEntry.objects.create(
            user=other_manager,
            points=10,
            reason=PointsEntry.Reason.PRIMARY_CONTACT,
            client=ClientFactory(responsible_manager=other_manager),
        ),
    ]
    PointsEntry.objects.filter(pk__in=[entry.pk for entry in entries]).update(created_at=at(9))
    PointsEntry.objects.create(  # earned today: outside March 2025
        user=manager,
        points=10,
        reason=PointsEntry.Reason.PRIMARY_CONTACT,
        client=ClientFactory(responsible_manager=manager),
    )

    report = build("deals", supervisor)
    points = figures_of(report, "points")

    assert points[str(manager)]["Points in total"] == 35
    assert points[str(manager)]["Deal won with your client"] == 25
    assert points[str(other_manager)]["Primary contact entered"] == 10
    assert points["Total"]["Points in total"] == 45
    assert cell(report, "points", str(manager), "Points in total").records == 2
    assert assert_every_link_lists_its_figure(report) > 0


def test_a_manager_sees_only_his_own_deals(build, manager, other_manager, deals):
    report = build("deals", manager)

    for key in ("funnel", "open_by_stage", "overdue", "won_lost", "points"):
        assert list(figures_of(report, key)) == [str(manager)], key
    assert assert_every_link_lists_its_figure(report) > 0


def test_a_manager_asking_for_a_colleagues_deals_gets_403(login, manager, other_manager):
    browser = login(manager)
    response = browser.get(
        reverse("reports:detail", args=["deals"]),
        {"date_from": "2025-03-01", "date_to": "2025-03-31", "manager": other_manager.pk},
    )

    assert response.status_code == 403


def test_deals_report_exports_identical_to_the_page(login, supervisor, manager, deals):
    browser = login(supervisor)
    response = browser.get(
        reverse("reports:export", args=["deals", "csv"]),
        {"date_from": "2025-03-01", "date_to": "2025-03-31"},
    )
    text = response.content.decode("utf-8-sig")

    assert response.status_code == 200
    assert "Won, USD" in text
    assert "500.5" in text


def test_the_report_pages_draw_accessible_svg_charts_without_inline_styles(
    login, supervisor, manager, statuses, deals
):
    client = ClientFactory(responsible_manager=manager)
    for day in (3, 4, 4, 5):
        InteractionFactory(
            client=client, manager=manager, kind=Interaction.Kind.OUTGOING_CALL, occurred_at=at(day)
        )
    PlanFactory(manager=manager, month=datetime.date(2025, 3, 1), contacts_target=8)
    browser = login(supervisor)
    expected = {
        "activity": "by_kind",
        "fulfilment": "fulfilment",
        "calls": "per_day",
        "deals": "funnel",
    }
    for key, chart in expected.items():
        response = browser.get(
            reverse("reports:detail", args=[key]),
            {"date_from": "2025-03-01", "date_to": "2025-03-31"},
        )
        html = response.content.decode()
        assert response.status_code == 200
        assert f'data-chart="{chart}"' in html, key
        assert f'aria-labelledby="chart-{chart}-title' in html
        assert re.search(rf'<title id="chart-{chart}-title">Chart: ', html)
        assert "<rect" in html
        assert " style=" not in html and "<style" not in html, key
        # Coordinates are never localised (a decimal comma would break the SVG).
        assert not re.search(r'(x|y|width|height)="\d+,\d', html), key


def test_charts_are_left_out_when_there_is_nothing_to_draw(login, supervisor, manager):
    browser = login(supervisor)
    response = browser.get(
        reverse("reports:detail", args=["deals"]),
        {"date_from": "2025-03-01", "date_to": "2025-03-31"},
    )

    assert "data-chart=" not in response.content.decode()
    assert timezone.now()  # the page renders with no deals at all
