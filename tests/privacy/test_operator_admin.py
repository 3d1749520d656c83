"""/operator/: the operators' admin, its search, duplicate warnings, merge, and its audit."""

import pytest
from django.urls import reverse

from clients.models import Client, Consent, ContactPerson, Phone, PointsEntry
from crm_project.core.models import AuditEntry
from tests.deals.factories import DealFactory
from tests.factories import (
    ClientFactory,
    ContactPersonFactory,
    EmailFactory,
    InteractionFactory,
    PhoneFactory,
)


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("anonymous", 302),
        ("manager", 302),
        ("other_manager", 302),
        ("supervisor", 302),
        ("operator", 200),
        ("admin", 200),
    ],
)
def test_operator_admin_is_for_operators(persona, expected, request, login):
    user = request.getfixturevalue(persona)
    response = login(user).get(reverse("operator_admin:index"))
    assert response.status_code == expected
    if expected == 302:
        assert response["Location"].startswith(reverse("operator_admin:login"))


def test_operator_cannot_use_the_full_admin(operator, login):
    response = login(operator).get(reverse("admin:index"))
    assert response.status_code == 302


def test_operator_admin_holds_personal_data_only(operator, login):
    response = login(operator).get(reverse("operator_admin:index"))
    models = {
        model["object_name"] for app in response.context["app_list"] for model in app["models"]
    }
    assert models == {
        "Client",
        "ContactPerson",
        "Phone",
        "Email",
        "PostalAddress",
        "LeadSource",
        "CorrectionRequest",
    }


def test_operator_can_sign_in_on_the_operator_login(operator, manager):
    from django.test import Client as Browser

    from tests.factories import PASSWORD

    browser = Browser()
    url = reverse("operator_admin:login")
    response = browser.post(url, {"username": "operator", "password": PASSWORD})
    assert response.status_code == 302
    refused = Browser().post(url, {"username": "manager", "password": PASSWORD})
    assert refused.status_code == 200  # the form again, with an error


@pytest.mark.parametrize("spelling", ["8 (495) 123-45-67", "+7 495 1234567", "74951234567"])
def test_search_by_any_phone_spelling(operator, login, spelling):
    client = ClientFactory(name="Acme")
    PhoneFactory(client=client, number_e164="+74951234567")
    ClientFactory(name="Other")
    response = login(operator).get(
        reverse("operator_admin:clients_client_changelist"), {"q": spelling}
    )
    assert [c.pk for c in response.context["cl"].result_list] == [client.pk]


def test_operator_edits_a_phone_and_the_audit_has_before_and_after(operator, login):
    phone = PhoneFactory(number_e164="+74951234567", number_raw="+74951234567")
    url = reverse("operator_admin:clients_phone_change", args=[phone.pk])
    response = login(operator).post(
        url,
        {
            "client": phone.client_id,
            "contact": "",
            "number_raw": "8 495 765-43-21",
            "kind": "work",
            "consent": "unknown",
            "consent_at_0": "",
            "consent_at_1": "",
            "consent_source": "",
        },
        REMOTE_ADDR="10.1.2.3",
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    phone.refresh_from_db()
    assert phone.number_e164 == "+74957654321"
    entry = AuditEntry.objects.get(action="clients.phone.updated")
    assert entry.actor == operator
    assert entry.ip_address == "10.1.2.3"
    assert entry.object_id == str(phone.client_id)
    assert entry.changes["fields"]["number_e164"] == ["+74951234567", "+74957654321"]


def test_duplicate_phone_is_refused_with_a_link_to_the_existing_client(operator, login):
    existing = PhoneFactory(number_e164="+74951234567")
    other = ClientFactory()
    response = login(operator).post(
        reverse("operator_admin:clients_phone_add"),
        {
            "client": other.pk,
            "number_raw": "8 495 123 45 67",
            "kind": "work",
            "consent": "unknown",
            "consent_source": "",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    link = reverse("operator_admin:clients_client_change", args=[existing.client_id])
    assert f'href="{link}"' in html
    assert Phone.objects.count() == 1


def test_duplicate_email_is_refused(operator, login):
    EmailFactory(address="ivanov@example.com")
    response = login(operator).post(
        reverse("operator_admin:clients_email_add"),
        {"client": ClientFactory().pk, "address": "IVANOV@example.com", "consent": "unknown"},
    )
    assert response.status_code == 200
    assert "already in the base" in response.content.decode()


def test_malformed_phone_is_refused_with_the_field_named(operator, login):
    response = login(operator).post(
        reverse("operator_admin:clients_phone_add"),
        {"client": ClientFactory().pk, "number_raw": "12", "kind": "work", "consent": "unknown"},
    )
    assert response.status_code == 200
    assert "number_raw" in response.context["adminform"].form.errors


def test_consent_without_date_and_source_is_refused(operator, login):
    response = login(operator).post(
        reverse("operator_admin:clients_email_add"),
        {"client": ClientFactory().pk, "address": "a@example.com", "consent": Consent.GIVEN},
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "consent_at" in errors and "consent_source" in errors


def test_merge_moves_everything(operator, manager, login):
    keep = ClientFactory(responsible_manager=manager, name="Acme")
    drop = ClientFactory(responsible_manager=manager, name="ACME Ltd")
    ContactPersonFactory(client=keep, is_primary=True)
    contact = ContactPersonFactory(client=drop, is_primary=True)
    phone = PhoneFactory(client=drop)
    email = EmailFactory(client=drop)
    interaction = InteractionFactory(client=drop, manager=manager)
    deal = DealFactory(client=drop, manager=manager)
    PointsEntry.objects.create(user=manager, points=10, reason="primary_contact", client=keep)
    PointsEntry.objects.create(user=manager, points=10, reason="primary_contact", client=drop)
    browser = login(operator)
    url = reverse("operator_admin:clients_client_changelist")
    confirm = browser.post(url, {"action": "merge_clients", "_selected_action": [keep.pk, drop.pk]})
    assert confirm.status_code == 200
    assert b"Which client to keep?" in confirm.content
    response = browser.post(
        url,
        {
            "action": "merge_clients",
            "_selected_action": [keep.pk, drop.pk],
            "confirm": "yes",
            "keep": keep.pk,
        },
    )
    assert response.status_code == 302
    assert not Client.objects.filter(pk=drop.pk).exists()
    for obj in (contact, phone, email, interaction, deal):
        obj.refresh_from_db()
        assert obj.client_id == keep.pk
    assert ContactPerson.objects.filter(client=keep, is_primary=True).count() == 1
    assert PointsEntry.objects.filter(client=keep).count() == 1
    entry = AuditEntry.objects.get(action="clients.client.merged")
    assert entry.changes["merged_from"] == drop.pk


def test_operator_admin_changelist_query_ceiling(operator, login, django_assert_max_num_queries):
    browser = login(operator)
    url = reverse("operator_admin:clients_client_changelist")
    ClientFactory()
    with django_assert_max_num_queries(12):
        browser.get(url)
    for _ in range(20):
        ClientFactory()
    with django_assert_max_num_queries(12):
        browser.get(url)


def test_full_admin_edits_clients_through_the_same_services(admin, login):
    client = ClientFactory()
    PhoneFactory(client=client)
    response = login(admin).get(reverse("admin:clients_client_change", args=[client.pk]))
    assert response.status_code == 200
    assert response.context["adminform"].form.admin_site_name == "admin"
