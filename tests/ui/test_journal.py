import pytest
from django.urls import reverse

from crm_project.core import phones
from crm_project.core.views import PAGE_SIZE
from interactions.models import Interaction
from interactions.views.journal import InteractionListView
from tests.factories import ClientFactory, InteractionFactory, UserFactory


def test_operator_gets_403(operator, login):
    assert login(operator).get(reverse("interactions:list")).status_code == 403


def test_anonymous_is_sent_to_login(anonymous, login):
    response = login(anonymous).get(reverse("interactions:list"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_journal_shows_every_managers_interactions(manager, other_manager, login):
    InteractionFactory(client=ClientFactory(responsible_manager=other_manager), subject="Demo")

    html = login(manager).get(reverse("interactions:list")).content.decode()

    assert "Demo" in html


def test_journal_filters_by_client_and_kind(manager, login):
    wanted = InteractionFactory(
        client=ClientFactory(responsible_manager=manager),
        kind=Interaction.Kind.MEETING,
        subject="Wanted meeting",
    )
    InteractionFactory(client=wanted.client, subject="Some call")
    InteractionFactory(kind=Interaction.Kind.MEETING, subject="Elsewhere")

    response = login(manager).get(
        reverse("interactions:list"),
        {"client": wanted.client_id, "kind": Interaction.Kind.MEETING},
    )

    assert [row.subject for row in response.context["rows"]] == ["Wanted meeting"]
    assert response.context["filtered_client"] == wanted.client


def test_unknown_callers_number_is_shown_so_it_can_be_called_back(manager, login):
    InteractionFactory(
        client=None,
        manager=manager,
        team=manager.team,
        created_by=manager,
        kind=Interaction.Kind.INCOMING_CALL,
        phone_raw="+74951112233",
        phone_e164="+74951112233",
    )

    html = login(manager).get(reverse("interactions:list")).content.decode()

    assert phones.format_for_display("+74951112233") in html
    assert phones.mask("+74951112233") not in html


def test_journal_pages_by_keyset(manager, login, monkeypatch):
    monkeypatch.setattr(InteractionListView, "page_size", 2)
    client = ClientFactory(responsible_manager=manager)
    for number in range(3):
        InteractionFactory(client=client, subject=f"Call {number}")
    browser = login(manager)

    first = browser.get(reverse("interactions:list"))
    second = browser.get(reverse("interactions:list") + "?" + first.context["next_query"])

    assert [row.subject for row in first.context["rows"]] == ["Call 2", "Call 1"]
    assert [row.subject for row in second.context["rows"]] == ["Call 0"]


@pytest.mark.parametrize("count", [1, 30])
def test_journal_query_ceiling(count, manager, login, django_assert_max_num_queries):
    for _number in range(count):
        colleague = UserFactory(team=manager.team)
        InteractionFactory(client=ClientFactory(responsible_manager=colleague))
    browser = login(manager)

    with django_assert_max_num_queries(5):
        response = browser.get(reverse("interactions:list"))

    assert len(response.context["rows"]) == min(count, PAGE_SIZE)


def test_a_followed_figure_says_which_filters_narrow_the_journal(manager, login):
    url = reverse("interactions:list") + "?counter=meetings_held&occurred_after=2026-01-01T00:00"

    html = login(manager).get(url).content.decode()

    assert 'data-testid="hidden-filters"' in html
    assert 'name="counter" value="meetings_held"' in html
    assert "Meetings held" in html


def test_a_plain_journal_lists_no_hidden_filter(manager, login):
    html = login(manager).get(reverse("interactions:list")).content.decode()

    assert 'data-testid="hidden-filters"' not in html
