"""ClientFilter: the search and filters shared by the client list and the API."""

import datetime

import pytest
from django.test import RequestFactory
from django.utils import timezone

from clients.filters import ClientFilter
from clients.models import Client
from tests.factories import ClientFactory, ContactPersonFactory, EmailFactory, PhoneFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def russian_numbers(settings):
    settings.PHONE_DEFAULT_REGION = "RU"


@pytest.fixture
def base(manager, other_manager):
    now = timezone.now()
    romashka = ClientFactory(
        name="Romashka LLC", responsible_manager=manager, last_interaction_at=now
    )
    PhoneFactory(client=romashka, number_e164="+74951234567")
    EmailFactory(client=romashka, address="sales@romashka.ru")
    ContactPersonFactory(client=romashka, last_name="Ivanov", first_name="Pyotr")
    vasilek = ClientFactory(
        name="Vasilek",
        responsible_manager=other_manager,
        last_interaction_at=now - datetime.timedelta(days=40),
    )
    EmailFactory(client=vasilek, address="info@vasilek.ru")
    ContactPersonFactory(client=vasilek, last_name="Smirnova", first_name="Anna")
    silent = ClientFactory(name="Silent", responsible_manager=manager, last_interaction_at=None)
    PhoneFactory(client=silent, number_e164="+79160001122")
    return {"romashka": romashka, "vasilek": vasilek, "silent": silent}


def names(data, user=None) -> set[str]:
    request = RequestFactory().get("/clients/")
    request.user = user
    filterset = ClientFilter(data=data, queryset=Client.objects.all(), request=request)
    assert filterset.is_valid(), filterset.errors
    return set(filterset.qs.values_list("name", flat=True))


@pytest.mark.parametrize(
    "typed", ["+7 495 123-45-67", "84951234567", "74951234567", "8 (495) 123-45-67"]
)
def test_search_by_any_spelling_of_a_phone(base, typed):
    assert names({"q": typed}) == {"Romashka LLC"}


@pytest.mark.parametrize("typed", ["sales@romashka.ru", "SALES@Romashka.RU"])
def test_search_by_email_in_any_case(base, typed):
    assert names({"q": typed}) == {"Romashka LLC"}


def test_search_by_company_name_part(base):
    assert names({"q": "romash"}) == {"Romashka LLC"}


@pytest.mark.parametrize("typed", ["Smirnova", "smirn", "Anna"])
def test_search_by_contact_persons_name(base, typed):
    assert names({"q": typed}) == {"Vasilek"}


def test_empty_search_shows_everyone(base):
    assert names({"q": "  "}) == {"Romashka LLC", "Vasilek", "Silent"}


def test_has_phone_and_has_email(base):
    assert names({"has_phone": "true"}) == {"Romashka LLC", "Silent"}
    assert names({"has_phone": "false"}) == {"Vasilek"}
    assert names({"has_email": "true"}) == {"Romashka LLC", "Vasilek"}
    assert names({"has_email": "false"}) == {"Silent"}
    assert names({"has_phone": "true", "has_email": "true"}) == {"Romashka LLC"}


def test_no_contact_days_includes_clients_never_contacted(base):
    assert names({"no_contact_days": "30"}) == {"Vasilek", "Silent"}
    assert names({"no_contact_days": "60"}) == {"Silent"}


def test_mine_shows_only_the_users_own_clients(base, manager, other_manager):
    assert names({"mine": "true"}, manager) == {"Romashka LLC", "Silent"}
    assert names({"mine": "true"}, other_manager) == {"Vasilek"}
    assert names({"mine": "false"}, manager) == {"Romashka LLC", "Vasilek", "Silent"}


@pytest.mark.parametrize("typed", ["8 916 000-11-22", "+79160001122"])
def test_phone_filter_in_any_format(base, typed):
    assert names({"phone": typed}) == {"Silent"}


def test_phone_filter_with_garbage_finds_nothing(base):
    assert names({"phone": "not a phone"}) == set()


def test_status_and_responsible_manager(base, other_manager):
    Client.objects.filter(pk=base["vasilek"].pk).update(status=Client.Status.ACTIVE)
    assert names({"status": "active"}) == {"Vasilek"}
    assert names({"responsible_manager": other_manager.pk}) == {"Vasilek"}
