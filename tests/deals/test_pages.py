"""Deal pages: the list, the card with its history, entering and editing, the card's panel."""

import pytest
from django.urls import reverse

from clients.models import Deal
from crm_project.core.views import PAGE_SIZE
from tests.deals.factories import DealFactory, stage
from tests.factories import ClientFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("count", [1, 30])
def test_deal_list_query_ceiling(count, manager, own_client, login, django_assert_max_num_queries):
    for _number in range(count):
        DealFactory(client=own_client)
    browser = login(manager)
    # session, user, the filter's managers and stages, the page of deals.
    with django_assert_max_num_queries(6):
        response = browser.get(reverse("clients:deal_list"), {"scope": "mine"})
    assert len(response.context["rows"]) == min(count, PAGE_SIZE)


def test_mine_and_team_scopes(manager, other_manager, own_client, login):
    mine = DealFactory(client=own_client)
    theirs = DealFactory(client=ClientFactory(responsible_manager=other_manager))
    browser = login(manager)
    assert browser.get(reverse("clients:deal_list"), {"scope": "mine"}).context["rows"] == [mine]
    team = browser.get(reverse("clients:deal_list"), {"scope": "team"}).context["rows"]
    assert set(team) == {mine, theirs}


def test_deal_card_shows_history_and_only_the_next_stages(manager, own_client, login):
    deal = DealFactory(client=own_client)
    response = login(manager).get(deal.get_absolute_url())
    offered = {stage.code for stage in response.context["stage_form"].fields["stage"].queryset}
    assert offered == {"presentation_sent", "lost"}
    assert len(response.context["history"]) == 1


def test_deal_card_of_a_colleague_is_read_only(other_manager, own_client, login):
    deal = DealFactory(client=own_client)
    response = login(other_manager).get(deal.get_absolute_url())
    assert response.status_code == 200
    assert response.context["stage_form"] is None
    assert response.context["may_change"] is False


def test_moving_a_stage_from_the_card(manager, own_client, login):
    deal = DealFactory(client=own_client)
    response = login(manager).post(
        reverse("clients:deal_move_stage", args=[deal.pk]),
        {f"deal{deal.pk}-stage": stage("presentation_sent").pk},
    )
    assert response.status_code == 302
    assert response["HX-Trigger"] == "crm:counters-changed"
    deal.refresh_from_db()
    assert deal.stage.code == "presentation_sent"


def test_lost_without_reason_answers_422_with_the_field_named(manager, own_client, login):
    deal = DealFactory(client=own_client)
    response = login(manager).post(
        reverse("clients:deal_move_stage", args=[deal.pk]),
        {f"deal{deal.pk}-stage": stage("lost").pk},
    )
    assert response.status_code == 422
    assert response.context["stage_form"].errors["reason"]


def test_entering_a_deal_from_the_client(manager, own_client, login):
    response = login(manager).post(
        reverse("clients:deal_create", args=[own_client.pk]),
        {"title": "Pumps", "amount": "10", "currency": "EUR"},
    )
    deal = Deal.objects.get()
    assert response.status_code == 302 and response["Location"] == deal.get_absolute_url()
    assert (deal.manager, deal.currency) == (manager, "EUR")


def test_negative_amount_is_named_next_to_the_field(manager, own_client, login):
    response = login(manager).post(
        reverse("clients:deal_create", args=[own_client.pk]),
        {"title": "Pumps", "amount": "-10", "currency": "RUB"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["amount"]
    assert not Deal.objects.exists()


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("manager", 302),
        ("other_manager", 403),
        ("supervisor", 302),
        ("operator", 403),
        ("admin", 302),
        ("anonymous", 302),
    ],
)
def test_post_permissions_of_the_deal_forms(persona, expected, request, own_client, login):
    deal = DealFactory(client=own_client)
    browser = login(request.getfixturevalue(persona))
    data = {"title": "Renamed", "amount": "1", "currency": "RUB", "version": deal.version}
    assert browser.post(reverse("clients:deal_update", args=[deal.pk]), data).status_code == (
        expected
    )
    created = browser.post(reverse("clients:deal_create", args=[own_client.pk]), data)
    assert created.status_code == expected


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("manager", 403),
        ("other_manager", 403),
        ("supervisor", 200),
        ("operator", 403),
        ("admin", 200),
        ("anonymous", 302),
    ],
)
def test_post_permissions_of_the_transfer_forms(persona, expected, request, own_client, login):
    browser = login(request.getfixturevalue(persona))
    # An empty POST: a form with errors (200) for those allowed to transfer.
    assert browser.post(reverse("clients:transfer", args=[own_client.pk])).status_code == expected
    assert browser.post(reverse("clients:transfer_bulk")).status_code == expected


def test_client_card_fetches_the_deals_panel(manager, own_client, login):
    DealFactory(client=own_client, title="Pumps")
    browser = login(manager)
    card = browser.get(own_client.get_absolute_url()).content.decode()
    assert reverse("clients:client_deals_panel", args=[own_client.pk]) in card
    panel = browser.get(reverse("clients:client_deals_panel", args=[own_client.pk]))
    assert "Pumps" in panel.content.decode()
    assert panel.context["may_open_deal"] is True


def test_a_deal_list_opened_from_a_report_names_and_keeps_its_filters(supervisor, login):
    url = reverse("clients:deal_list") + "?currency=EUR&closed_after=2026-01-01"

    html = login(supervisor).get(url).content.decode()

    assert 'data-testid="hidden-filters"' in html
    assert 'name="currency" value="EUR"' in html
    assert 'name="closed_after" value="2026-01-01"' in html
