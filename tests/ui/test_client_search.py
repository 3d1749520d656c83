"""The one search box of the client base: known or not, whose client, last contact."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from clients.views import ClientListView
from tests.factories import ClientFactory, ContactPersonFactory, EmailFactory, PhoneFactory
from tests.ui.conftest import make_client_with_contacts


@pytest.fixture(autouse=True)
def russian_numbers(settings):
    settings.PHONE_DEFAULT_REGION = "RU"


@pytest.fixture
def known(other_manager):
    """A colleague's client last in touch three days ago."""
    client = make_client_with_contacts(
        other_manager, name="Vasilek", phone="+74951234567", email="petrova@vasilek.example"
    )
    client.last_interaction_at = timezone.now() - datetime.timedelta(days=3)
    client.save()
    return client


@pytest.mark.parametrize("spelling", ["+7 495 123-45-67", "84951234567", "74951234567"])
def test_search_by_any_phone_spelling_says_known_whose_and_last_contact(
    spelling, manager, other_manager, known, login
):
    response = login(manager).get(reverse("clients:list"), {"q": spelling})

    html = response.content.decode()
    assert [client.name for client in response.context["rows"]] == ["Vasilek"]
    assert 'data-testid="search-verdict"' in html
    assert f"client of {other_manager}" in html
    assert "3 days ago" in html
    assert timezone.localdate(known.last_interaction_at).strftime("%m/%d/%Y") in html
    assert 'data-testid="not-in-base"' not in html


def test_search_says_it_is_my_client(manager, own_client, login):
    html = login(manager).get(reverse("clients:list"), {"q": "84951234567"}).content.decode()

    assert "your client" in html
    assert "never in touch" in html


@pytest.mark.parametrize("text", ["PETROVA@vasilek.example", "vasil", "Petrova"])
def test_search_by_email_company_or_person(text, manager, known, login):
    known.contacts.update(last_name="Petrova")

    response = login(manager).get(reverse("clients:list"), {"q": text})

    assert [client.name for client in response.context["rows"]] == ["Vasilek"]
    assert 'data-testid="search-verdict"' in response.content.decode()


def test_another_managers_client_is_masked_in_the_answer(manager, known, login):
    html = login(manager).get(reverse("clients:list"), {"q": "84951234567"}).content.decode()

    assert "+7 495 123 45 67" not in html
    assert "petrova@vasilek.example" not in html


def test_search_says_today_for_a_contact_today(manager, known, login):
    known.last_interaction_at = timezone.now()
    known.save()

    html = login(manager).get(reverse("clients:list"), {"q": "Vasilek"}).content.decode()

    assert "today" in html


@pytest.mark.parametrize(
    ("text", "field", "value"),
    [
        ("8 (812) 555-12-34", "phone", "8 (812) 555-12-34"),
        ("new@lyutik.example", "email", "new@lyutik.example"),
        ("Lyutik", "name", "Lyutik"),
    ],
)
def test_unknown_search_says_not_in_the_base_and_offers_to_enter_it(
    text, field, value, manager, known, login
):
    browser = login(manager)

    response = browser.get(reverse("clients:list"), {"q": text})

    html = response.content.decode()
    assert 'data-testid="not-in-base"' in html
    assert "is not in the base" in html
    assert 'data-testid="enter-client"' in html
    form = browser.get(response.context["new_client_url"]).context["form"]
    assert form[field].value() == value


def test_unknown_search_under_filters_does_not_claim_not_in_the_base(manager, known, login):
    html = (
        login(manager)
        .get(reverse("clients:list"), {"q": "Vasilek", "status": "inactive"})
        .content.decode()
    )

    assert 'data-testid="not-in-base"' not in html
    assert 'data-testid="search-filtered-out"' in html


def test_filters_last_contact_older_than_and_no_phone_no_email(manager, known, login):
    ClientFactory(name="Silent", responsible_manager=manager, last_interaction_at=None)
    fresh = ClientFactory(name="Fresh", responsible_manager=manager)
    fresh.last_interaction_at = timezone.now()
    fresh.save()
    PhoneFactory(client=fresh)
    EmailFactory(client=fresh)
    browser = login(manager)

    def names(**query):
        return {
            client.name for client in browser.get(reverse("clients:list"), query).context["rows"]
        }

    assert names(no_contact_days=2) == {"Vasilek", "Silent"}
    assert names(no_contact_days=5) == {"Silent"}
    assert names(has_phone="false") == {"Silent"}
    assert names(has_email="false") == {"Silent"}
    assert names(mine="true") == {"Silent", "Fresh"}


def test_search_answer_names_at_most_a_few_and_points_to_the_table(manager, login, monkeypatch):
    monkeypatch.setattr(ClientListView, "verdict_size", 2)
    for number in range(3):
        client = ClientFactory(name=f"Romashka {number}", responsible_manager=manager)
        ContactPersonFactory(client=client)

    response = login(manager).get(reverse("clients:list"), {"q": "Romashka"})

    assert len(response.context["verdict_rows"]) == 2
    assert "More matches are in the table below." in response.content.decode()


def test_create_form_ignores_prefill_for_other_fields(manager, login):
    form = login(manager).get(reverse("clients:create"), {"status": "active"}).context["form"]

    assert form["status"].value() == "prospect"
