"""Helpers for the report tests: a fixed past period, and the records behind a figure's link."""

import datetime
import zoneinfo
from urllib.parse import urlsplit

import pytest
from django.http import QueryDict
from django.urls import reverse

from clients.filters import ClientFilter, DealFilter, PointsEntryFilter
from clients.models import Client, Deal, PointsEntry
from interactions.filters import InteractionFilter
from interactions.models import Interaction

ZONE = zoneinfo.ZoneInfo("Europe/Moscow")
# A whole past month, so "now" never cuts into it.
DATE_FROM = datetime.date(2025, 3, 1)
DATE_TO = datetime.date(2025, 3, 31)
PERIOD = {"date_from": DATE_FROM.isoformat(), "date_to": DATE_TO.isoformat()}


def at(day: int, hour: int = 12, minute: int = 0, month: int = 3) -> datetime.datetime:
    return datetime.datetime(2025, month, day, hour, minute, tzinfo=ZONE)


def records_behind(url: str) -> int:
    """How many records the list at `url` shows: its own FilterSet over the whole table.

    Every parameter must be a filter of that list and valid, or a silently ignored filter
    would widen the list.
    """
    parts = urlsplit(url)
    query = QueryDict(parts.query)
    if parts.path == reverse("interactions:list"):
        filterset = InteractionFilter(query, queryset=Interaction.objects.all())
    elif parts.path == reverse("clients:list"):
        filterset = ClientFilter(query, queryset=Client.objects.all())
    elif parts.path == reverse("clients:deal_list"):
        filterset = DealFilter(query, queryset=Deal.objects.all())
    elif parts.path == reverse("clients:points"):
        filterset = PointsEntryFilter(query, queryset=PointsEntry.objects.all())
    else:
        raise AssertionError(f"not a list of records: {url}")
    assert set(query) <= set(filterset.filters), f"unknown filters in {url}"
    assert filterset.is_valid(), (url, filterset.errors)
    return filterset.qs.count()


def log_every_kind_status_and_outcome(manager, statuses, occurred_at) -> None:
    """A journal of every kind x status (and none) x phone outcome, with and without a client:
    the rows the counters' conditions must sort into counted and not counted."""
    from interactions.telephony.events import Outcome
    from tests.factories import ClientFactory, InteractionFactory

    client = ClientFactory(responsible_manager=manager)
    for kind in Interaction.Kind.values:
        for status in [None, *statuses.filter(kind=kind)]:
            for outcome in ("", Outcome.ANSWERED, Outcome.MISSED, Outcome.BUSY):
                for row_client in (client, None):
                    InteractionFactory(
                        client=row_client,
                        phone_raw="" if row_client else "+7 495 123-45-67",
                        manager=manager,
                        kind=kind,
                        status=status,
                        call_outcome=outcome,
                        occurred_at=occurred_at,
                    )


def assert_every_link_lists_its_figure(report) -> int:
    """Follow every figure's link that lists records; returns how many were checked."""
    checked = 0
    for figure in report.figures():
        if not figure.url or "/reports/" in figure.url:
            continue
        assert figure.records is not None, figure
        assert records_behind(figure.url) == figure.records, figure
        checked += 1
    return checked


def figures_of(report, section_key: str) -> dict[str, dict[str, object]]:
    """{row label: {column: value}} of one section."""
    section = next(section for section in report.sections if section.key == section_key)
    return {
        row.label: {
            column: cell.value for column, cell in zip(section.columns[1:], row.cells, strict=True)
        }
        for row in section.rows
    }


def cell(report, section_key: str, row_label: str, column: str):
    section = next(section for section in report.sections if section.key == section_key)
    index = section.columns.index(column) - 1
    row = next(row for row in section.rows if row.label == row_label)
    return row.cells[index]


@pytest.fixture
def build(settings):
    """build(key, user, **query) -> the Report the page would show (via the page's own view)."""
    from django.test import Client as Browser

    from tests.factories import PASSWORD

    def make(key, user, **query):
        browser = Browser()
        assert browser.login(username=user.username, password=PASSWORD)
        response = browser.get(reverse("reports:detail", args=[key]), {**PERIOD, **query})
        assert response.status_code == 200, response.content[:500]
        return response.context["report"]

    return make
