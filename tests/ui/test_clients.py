import pytest
from django.urls import reverse

from clients.models import Client, ContactPerson, Phone
from clients.views import ClientListView
from crm_project.core import phones
from crm_project.core.views import PAGE_SIZE
from tests.factories import ClientFactory, InteractionFactory, LeadSourceFactory, UserFactory
from tests.ui.conftest import OTHER_PHONE, OWN_PHONE, make_client_with_contacts

SHOWN_OWN = phones.format_for_display(OWN_PHONE)
SHOWN_OTHER = phones.format_for_display(OTHER_PHONE)


def test_client_list_masks_another_managers_client_and_not_mine(
    manager, own_client, colleagues_client, login
):
    html = login(manager).get(reverse("clients:list")).content.decode()

    assert "Romashka" in html and "Vasilek" in html
    assert SHOWN_OWN in html
    assert "ivanov@romashka.example" in html
    assert phones.mask(OTHER_PHONE) in html
    assert SHOWN_OTHER not in html
    assert "petrova@vasilek.example" not in html
    assert phones.mask_email("petrova@vasilek.example") in html


def test_supervisor_sees_his_team_unmasked(supervisor, own_client, colleagues_client, login):
    html = login(supervisor).get(reverse("clients:list")).content.decode()

    assert SHOWN_OWN in html and SHOWN_OTHER in html


def test_manager_of_another_team_sees_masked(foreign_manager, own_client, login):
    html = login(foreign_manager).get(reverse("clients:list")).content.decode()

    assert phones.mask(OWN_PHONE) in html
    assert SHOWN_OWN not in html


@pytest.mark.parametrize("spelling", ["8 (495) 123-45-67", "74951234567", "+7 495 123 45 67"])
def test_search_finds_a_client_by_any_phone_spelling(
    spelling, manager, own_client, colleagues_client, login
):
    html = login(manager).get(reverse("clients:list"), {"q": spelling}).content.decode()

    assert "Romashka" in html
    assert "Vasilek" not in html


def test_filters_mine_and_status(manager, own_client, colleagues_client, login):
    browser = login(manager)

    mine = browser.get(reverse("clients:list"), {"mine": "true"}).content.decode()
    active = browser.get(reverse("clients:list"), {"status": "active"}).content.decode()

    assert "Romashka" in mine and "Vasilek" not in mine
    assert "No client matches." in active


def test_client_list_pages_by_keyset_without_counting(manager, login, monkeypatch):
    monkeypatch.setattr(ClientListView, "page_size", 2)
    for number in range(3):
        ClientFactory(name=f"Client {number}", responsible_manager=manager)
    browser = login(manager)

    first = browser.get(reverse("clients:list"), {"status": "prospect"})
    next_query = first.context["next_query"]
    second = browser.get(reverse("clients:list") + "?" + next_query)

    assert [c.name for c in first.context["rows"]] == ["Client 2", "Client 1"]
    assert "status=prospect" in next_query
    assert [c.name for c in second.context["rows"]] == ["Client 0"]
    assert second.context["next_query"] == ""


def test_htmx_request_gets_only_the_results(manager, own_client, login):
    response = login(manager).get(reverse("clients:list"), HTTP_HX_REQUEST="true")

    html = response.content.decode()
    assert "Romashka" in html
    assert "<html" not in html
    assert "HX-Request" in response["Vary"]


def test_client_list_needs_sign_in(anonymous, login):
    response = login(anonymous).get(reverse("clients:list"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_client_detail_404_for_a_missing_id(manager, login):
    assert login(manager).get(reverse("clients:detail", args=[999999])).status_code == 404


def test_client_detail_masks_another_managers_client_but_shows_its_journal(
    manager, colleagues_client, other_manager, login
):
    InteractionFactory(client=colleagues_client, subject="Price talk", result="Wants a discount")

    html = login(manager).get(colleagues_client.get_absolute_url()).content.decode()

    assert phones.mask(OTHER_PHONE) in html
    assert SHOWN_OTHER not in html
    assert 'data-testid="masked-note"' in html
    assert "Price talk" in html and "Wants a discount" in html


def test_client_detail_shows_own_client_in_full(manager, own_client, login):
    html = login(manager).get(own_client.get_absolute_url()).content.decode()

    assert SHOWN_OWN in html
    assert "ivanov@romashka.example" in html
    assert 'data-testid="masked-note"' not in html


def test_operator_sees_contact_data_but_no_journal(operator, own_client, login):
    InteractionFactory(client=own_client, subject="Secret talk")

    html = login(operator).get(own_client.get_absolute_url()).content.decode()

    assert SHOWN_OWN in html
    assert "Secret talk" not in html


def _create_payload(**overrides):
    payload = {
        "name": "Lyutik LLC",
        "kind": Client.Kind.COMPANY,
        "status": Client.Status.PROSPECT,
        "lead_source": "",
        "last_name": "Sokolov",
        "first_name": "Ilya",
        "middle_name": "",
        "position": "Buyer",
        "phone": "8 812 555-12-34",
        "email": "sokolov@lyutik.example",
    }
    payload.update(overrides)
    return payload


def test_create_client(manager, login):
    source = LeadSourceFactory(name="Exhibition")

    response = login(manager).post(
        reverse("clients:create"), _create_payload(lead_source=source.pk)
    )

    client = Client.objects.get(name="Lyutik LLC")
    assert response.status_code == 302
    assert response["Location"] == client.get_absolute_url()
    assert client.responsible_manager == manager
    assert client.lead_source == source
    assert client.contacts.get().full_name == "Sokolov Ilya"
    assert Phone.objects.get(client=client).number_e164 == "+78125551234"


def test_create_form_renders_for_an_operator(operator, login):
    response = login(operator).get(reverse("clients:create"))

    assert response.status_code == 200
    assert 'name="phone"' in response.content.decode()


def test_create_client_with_an_invalid_phone_names_the_field(manager, login):
    response = login(manager).post(reverse("clients:create"), _create_payload(phone="12"))

    assert response.status_code == 200
    assert "phone" in response.context["form"].errors
    assert 'data-error-for="phone"' in response.content.decode()
    assert not Client.objects.filter(name="Lyutik LLC").exists()


def test_create_client_with_a_duplicate_phone_links_to_the_existing_client(
    manager, colleagues_client, login
):
    contacts_before = ContactPerson.objects.count()

    response = login(manager).post(
        reverse("clients:create"), _create_payload(phone="8 (495) 765-43-21")
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert f'href="{colleagues_client.get_absolute_url()}"' in html
    assert 'data-error-for="phone"' in html
    assert not Client.objects.filter(name="Lyutik LLC").exists()
    assert ContactPerson.objects.count() == contacts_before


def test_duplicate_error_escapes_the_existing_clients_name(manager, login):
    evil = make_client_with_contacts(
        manager, name="<script>x</script>", phone="+74950000001", email="evil@example.com"
    )

    html = (
        login(manager)
        .post(reverse("clients:create"), _create_payload(email="EVIL@example.com"))
        .content.decode()
    )

    assert "<script>x</script>" not in html
    assert "&lt;script&gt;x&lt;/script&gt;" in html
    assert f'href="{evil.get_absolute_url()}"' in html


def test_create_client_without_a_name_is_refused(manager, login):
    response = login(manager).post(reverse("clients:create"), _create_payload(name=""))

    assert "name" in response.context["form"].errors
    assert Client.objects.count() == 0


def _many_clients(manager, other_manager, count):
    for number in range(count):
        owner = manager if number % 2 else other_manager
        make_client_with_contacts(
            owner,
            name=f"Client {number}",
            phone=f"+7495100{number:04d}",
            email=f"client{number}@example.com",
        )


@pytest.mark.parametrize("count", [1, 30])
def test_client_list_query_ceiling(
    count, manager, other_manager, login, django_assert_max_num_queries
):
    _many_clients(manager, other_manager, count)
    browser = login(manager)

    with django_assert_max_num_queries(7):
        response = browser.get(reverse("clients:list"), {"q": "Client"})

    assert len(response.context["rows"]) == min(count, PAGE_SIZE)


@pytest.mark.parametrize("count", [1, 30])
def test_client_detail_query_ceiling(
    count, manager, own_client, login, django_assert_max_num_queries
):
    for _number in range(count):
        colleague = UserFactory(team=manager.team)
        InteractionFactory(client=own_client, manager=colleague)
    browser = login(manager)

    # session, user, client, phones, e-mails, contacts, journal page, the journal's managers,
    # the status picklist of the quick-log panel, the audit entry for the unmasked view, the
    # user's correction requests: the same with 1 row as with a full page.
    with django_assert_max_num_queries(11):
        response = browser.get(own_client.get_absolute_url())

    assert len(response.context["journal"]) == min(count, PAGE_SIZE)
    assert 'id="quick-log"' in response.content.decode()
