"""The points ledger: primary-contact credit, once per client and per won deal; who sees what."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.urls import reverse

from clients.models import PointsEntry
from clients.services import (
    ContactData,
    client_create,
    points_award_deal_won,
    points_award_primary_contact,
)
from crm_project.core.views import PAGE_SIZE
from tests.deals.factories import DealFactory
from tests.factories import ClientFactory, ContactPersonFactory

pytestmark = pytest.mark.django_db

IVANOV = ContactData(last_name="Ivanov", phones=["+7 495 123-45-67"], emails=["iv@example.com"])


def test_entering_a_client_with_its_primary_contact_earns_points(manager, settings):
    settings.POINTS_PRIMARY_CONTACT = 7
    client = client_create(actor=manager, name="Romashka", primary_contact=IVANOV)
    entry = PointsEntry.objects.get()
    assert (entry.user, entry.points, entry.client) == (manager, 7, client)
    assert entry.reason == PointsEntry.Reason.PRIMARY_CONTACT


def test_an_operator_entering_the_client_earns_the_points(operator, manager):
    client_create(
        actor=operator, name="Romashka", primary_contact=IVANOV, responsible_manager=manager
    )
    assert PointsEntry.objects.get().user == operator


def test_no_points_without_a_primary_contact(manager):
    client_create(actor=manager, name="Romashka")
    assert not PointsEntry.objects.exists()


def test_a_client_entered_twice_earns_nothing_the_second_time(manager, other_manager):
    client_create(actor=manager, name="Romashka", primary_contact=IVANOV)
    with pytest.raises(ValidationError):
        client_create(actor=other_manager, name="Romashka again", primary_contact=IVANOV)
    assert PointsEntry.objects.count() == 1


def test_each_credit_is_earned_once_even_when_run_again(manager):
    client = ClientFactory(responsible_manager=manager, created_by=manager)
    ContactPersonFactory(client=client, is_primary=True)
    deal = DealFactory(client=client)
    assert points_award_primary_contact(actor=manager, client=client) is not None
    assert points_award_primary_contact(actor=manager, client=client) is None
    assert points_award_deal_won(actor=manager, deal=deal) is not None
    assert points_award_deal_won(actor=manager, deal=deal) is None
    assert PointsEntry.objects.count() == 2


def test_the_ledger_refuses_a_second_primary_contact_credit(manager):
    client = ClientFactory(responsible_manager=manager)
    PointsEntry.objects.create(user=manager, points=1, reason="primary_contact", client=client)
    with pytest.raises(IntegrityError):
        PointsEntry.objects.create(user=manager, points=1, reason="primary_contact", client=client)


def _entry(user):
    client = ClientFactory(responsible_manager=user, created_by=user)
    return PointsEntry.objects.create(user=user, points=10, reason="primary_contact", client=client)


def test_who_sees_whose_points(manager, other_manager, foreign_manager, supervisor, admin):
    mine, colleagues, foreign = _entry(manager), _entry(other_manager), _entry(foreign_manager)
    assert set(PointsEntry.objects.visible_to(manager)) == {mine}
    assert set(PointsEntry.objects.visible_to(supervisor)) == {mine, colleagues}
    assert set(PointsEntry.objects.visible_to(admin)) == {mine, colleagues, foreign}


def test_points_page_shows_my_total_and_history(manager, other_manager, login):
    _entry(manager)
    _entry(manager)
    _entry(other_manager)
    response = login(manager).get(reverse("clients:points"))
    assert response.context["my_total"] == 20
    assert len(response.context["rows"]) == 2
    assert response.context["totals"] == []


@pytest.mark.parametrize("count", [1, 30])
def test_points_page_query_ceiling(
    count, supervisor, manager, other_manager, login, django_assert_max_num_queries
):
    for _number in range(count):
        _entry(manager)
        _entry(other_manager)
    browser = login(supervisor)
    # session, user, the filter's users, history page, my total, totals per user.
    with django_assert_max_num_queries(6):
        response = browser.get(reverse("clients:points"))
    assert {row["user"] for row in response.context["totals"]} == {manager.pk, other_manager.pk}
    assert len(response.context["rows"]) == min(2 * count, PAGE_SIZE)
