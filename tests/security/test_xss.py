"""User text comes back escaped in pages, as plain data in the API, and inert in exports."""

from __future__ import annotations

import html

import pytest
from django.urls import reverse

from clients.views.privacy import csv_safe
from reports.exports import safe
from tests.factories import ClientFactory, ContactPersonFactory, InteractionFactory

PAYLOADS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "</textarea><svg onload=alert(1)>",
    "javascript:alert(1)",
    "{{7*7}}",
]
MARKUP_PAYLOADS = [payload for payload in PAYLOADS if "<" in payload]


@pytest.fixture
def hostile_client(manager):
    name = " ".join(MARKUP_PAYLOADS)
    client = ClientFactory(responsible_manager=manager, name=name)
    ContactPersonFactory(client=client, last_name=MARKUP_PAYLOADS[0], position=MARKUP_PAYLOADS[2])
    InteractionFactory(client=client, manager=manager, subject=MARKUP_PAYLOADS[1])
    return client


@pytest.mark.parametrize(
    "page",
    [
        lambda client: reverse("clients:list"),
        lambda client: reverse("clients:detail", kwargs={"pk": client.pk}),
        lambda client: reverse("interactions:list"),
    ],
    ids=["client list", "client card", "journal"],
)
def test_pages_show_markup_as_text(page, hostile_client, manager, login):
    response = login(manager).get(page(hostile_client))
    content = response.content.decode()

    assert response.status_code == 200
    for payload in MARKUP_PAYLOADS:
        assert payload not in content
    assert html.escape(MARKUP_PAYLOADS[0]) in content


def test_api_returns_the_text_as_data(hostile_client, manager, login):
    response = login(manager).get(reverse("api:client-detail", args=[hostile_client.pk]))

    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["name"] == hostile_client.name
    assert body["contacts"][0]["last_name"] == MARKUP_PAYLOADS[0]


FORMULAS = [
    "=1+1",
    "+1+1",
    "-1+1",
    "@SUM(A1)",
    "\t=1+1",
    "\r=1+1",
    " =1+1",
    "  @cmd",
    # Whitespace a spreadsheet skips as well: a line break, a no-break space.
    "\n=1+1",
    "\u00a0=1+1",
]


@pytest.mark.parametrize("value", FORMULAS)
@pytest.mark.parametrize("neutralise", [safe, csv_safe], ids=["reports", "segment and person"])
def test_exports_neutralise_formulas(neutralise, value):
    assert neutralise(value) == "'" + value


@pytest.mark.parametrize("neutralise", [safe, csv_safe], ids=["reports", "segment and person"])
def test_exports_keep_plain_text(neutralise):
    assert neutralise("Horns and Hooves") == "Horns and Hooves"
