"""The client card: the whole journal, filterable by manager and kind, and the quick-log panel."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from clients.views import ClientDetailView
from interactions.models import Interaction
from tests.factories import InteractionFactory

DAY = datetime.timedelta(days=1)
YEAR = datetime.timedelta(days=365)


@pytest.fixture
def journal(own_client, manager, other_manager):
    """Three interactions with the manager's own client, by two managers."""
    return {
        "my_call": InteractionFactory(client=own_client, manager=manager, subject="My call"),
        "my_meeting": InteractionFactory(
            client=own_client,
            manager=manager,
            kind=Interaction.Kind.MEETING,
            subject="My meeting",
        ),
        "their_call": InteractionFactory(
            client=own_client, manager=other_manager, subject="Their call"
        ),
    }


def subjects(response):
    return [row.subject for row in response.context["journal"]]


def test_card_shows_every_managers_interactions_newest_first(manager, own_client, journal, login):
    response = login(manager).get(own_client.get_absolute_url())

    assert subjects(response) == ["Their call", "My meeting", "My call"]


def test_card_journal_filters_by_manager(manager, other_manager, own_client, journal, login):
    response = login(manager).get(own_client.get_absolute_url(), {"manager": other_manager.pk})

    assert subjects(response) == ["Their call"]
    assert f'<option value="{other_manager.pk}" selected>' in response.content.decode()


def test_card_journal_filters_by_kind(manager, own_client, journal, login):
    response = login(manager).get(
        own_client.get_absolute_url(), {"kind": Interaction.Kind.OUTGOING_CALL}
    )

    assert subjects(response) == ["Their call", "My call"]


def test_card_journal_filters_by_manager_and_kind(manager, own_client, journal, login):
    response = login(manager).get(
        own_client.get_absolute_url(),
        {"manager": manager.pk, "kind": Interaction.Kind.OUTGOING_CALL},
    )

    assert subjects(response) == ["My call"]


def test_card_journal_filter_offers_the_managers_who_worked_with_the_client(
    manager, other_manager, supervisor, own_client, journal, login
):
    response = login(manager).get(own_client.get_absolute_url())

    assert set(response.context["journal_managers"]) == {manager, other_manager}


def test_htmx_filter_gets_only_the_journal(manager, own_client, journal, login):
    response = login(manager).get(
        own_client.get_absolute_url(),
        {"kind": Interaction.Kind.MEETING},
        HTTP_HX_REQUEST="true",
    )

    html = response.content.decode()
    assert "<html" not in html
    assert 'id="client-journal-rows"' in html
    assert "My meeting" in html and "My call" not in html
    assert "HX-Request" in response["Vary"]


def test_card_journal_says_when_nothing_matches(manager, own_client, journal, login):
    html = (
        login(manager)
        .get(own_client.get_absolute_url(), {"kind": Interaction.Kind.NOTE})
        .content.decode()
    )

    assert "No interaction matches." in html


def test_card_journal_pages_by_keyset_keeping_the_filter(manager, own_client, login, monkeypatch):
    monkeypatch.setattr(ClientDetailView, "page_size", 2)
    for number in range(3):
        InteractionFactory(client=own_client, manager=manager, subject=f"Call {number}")
    browser = login(manager)

    first = browser.get(own_client.get_absolute_url(), {"kind": Interaction.Kind.OUTGOING_CALL})
    second = browser.get(own_client.get_absolute_url() + "?" + first.context["next_query"])

    assert subjects(first) == ["Call 2", "Call 1"]
    assert "kind=outgoing_call" in first.context["next_query"]
    assert subjects(second) == ["Call 0"]


def test_card_shows_last_contact_as_date_and_days(manager, own_client, login):
    InteractionFactory(client=own_client, manager=manager)
    own_client.last_interaction_at = own_client.interactions.get().occurred_at
    own_client.save()

    html = login(manager).get(own_client.get_absolute_url()).content.decode()

    assert 'data-testid="last-contact"' in html
    assert "today" in html


def test_quick_log_panel_on_another_managers_card(manager, colleagues_client, login):
    html = login(manager).get(colleagues_client.get_absolute_url()).content.decode()

    assert 'id="quick-log"' in html
    for form_kind in ("call", "meeting", "email", "note"):
        url = reverse("interactions:quick_log", args=[colleagues_client.pk, form_kind])
        assert f'hx-post="{url}"' in html


def test_quick_log_panel_opens_the_asked_kind(manager, own_client, login):
    response = login(manager).get(own_client.get_absolute_url(), {"log": "meeting"})

    assert response.context["quick_log_active"] == "meeting"
    assert 'class="tab-pane show active" id="quick-log-pane-meeting"' in response.content.decode()
    assert "autofocus" in str(response.context["quick_log_forms"]["meeting"]["when"])


def test_operator_sees_no_quick_log_panel(operator, own_client, login):
    html = login(operator).get(own_client.get_absolute_url()).content.decode()

    assert 'id="quick-log"' not in html


def test_card_journal_orders_by_when_it_happened_across_pages(
    manager, own_client, login, monkeypatch
):
    monkeypatch.setattr(ClientDetailView, "page_size", 2)
    now = timezone.now()
    InteractionFactory(client=own_client, manager=manager, subject="Yesterday")
    InteractionFactory(
        client=own_client, manager=manager, subject="Last year", occurred_at=now - YEAR
    )
    InteractionFactory(client=own_client, manager=manager, subject="Today")
    first_row = own_client.interactions.get(subject="Yesterday")
    first_row.occurred_at = now - DAY
    first_row.save()
    browser = login(manager)

    first = browser.get(own_client.get_absolute_url())
    second = browser.get(own_client.get_absolute_url() + "?" + first.context["next_query"])

    assert subjects(first) == ["Today", "Yesterday"]
    assert subjects(second) == ["Last year"]
