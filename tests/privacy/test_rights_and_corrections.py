"""Split edit rights, correction requests, the audit of displays, data-subject requests."""

import json

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from clients.models import Client, ContactPerson, CorrectionRequest, Email, Phone
from clients.services import (
    correction_request_resolve,
    person_erase,
    personal_record_save,
)
from crm_project.core.models import AuditEntry
from tests.factories import ClientFactory, ContactPersonFactory, EmailFactory, PhoneFactory


@pytest.mark.parametrize("persona", ["manager", "supervisor"])
@pytest.mark.parametrize(
    "field", [{"name": "New name"}, {"phones": ["+74951234567"]}, {"kind": "person"}]
)
def test_api_refuses_personal_data_changes(persona, field, request, login, manager):
    client = ClientFactory(responsible_manager=manager)
    user = request.getfixturevalue(persona)
    response = login(user).patch(
        reverse("api:client-detail", args=[client.pk]), field, content_type="application/json"
    )
    assert response.status_code == 400
    assert next(iter(field)) in response.json()["error"]["fields"]
    client.refresh_from_db()
    assert client.name != "New name"


def test_manager_may_still_change_work_fields(manager, login):
    client = ClientFactory(responsible_manager=manager)
    response = login(manager).patch(
        reverse("api:client-detail", args=[client.pk]),
        {"status": "active"},
        content_type="application/json",
    )
    assert response.status_code == 200


@pytest.mark.parametrize("persona", ["manager", "supervisor"])
def test_services_refuse_personal_data_writes(persona, request, manager):
    user = request.getfixturevalue(persona)
    phone = PhoneFactory(client=ClientFactory(responsible_manager=manager))
    phone.number_raw = "+74957654321"
    with pytest.raises(PermissionDenied):
        personal_record_save(actor=user, record=phone)


def test_api_contact_creation_is_refused_for_managers(manager, login):
    client = ClientFactory(responsible_manager=manager)
    response = login(manager).post(
        reverse("api:contact-list"),
        {"client": client.pk, "last_name": "X"},
        content_type="application/json",
    )
    assert response.status_code == 403


def test_correction_request_round_trip(manager, operator, login):
    client = ClientFactory(responsible_manager=manager)
    phone = PhoneFactory(client=client, number_e164="+74951234567")
    browser = login(manager)
    form = browser.get(reverse("clients:correction_create", args=[client.pk]))
    assert "8 (495) 123-45-67" in form.content.decode()  # his own client: unmasked
    response = browser.post(
        reverse("clients:correction_create", args=[client.pk]),
        {"target": f"phone:{phone.pk}", "proposed_value": "+7 495 000-00-00", "comment": "typo"},
    )
    assert response.status_code == 302
    correction = CorrectionRequest.objects.get()
    assert correction.requested_by == manager
    assert correction.current_value == "8 (495) 123-45-67"
    queue = login(operator).get(reverse("clients:correction_queue"))
    assert correction.proposed_value in queue.content.decode()
    resolved = login(operator).post(
        reverse("clients:correction_resolve", args=[correction.pk]), {"status": "done"}
    )
    assert resolved.status_code == 302
    correction.refresh_from_db()
    assert correction.status == "done" and correction.resolved_at is not None
    card = browser.get(client.get_absolute_url())
    assert card.context["my_corrections"][0].status == "done"
    mine = browser.get(reverse("clients:my_corrections"))
    assert "Done" in mine.content.decode()


def test_correction_shows_masked_value_to_a_colleague(manager, other_manager, login):
    client = ClientFactory(responsible_manager=manager)
    phone = PhoneFactory(client=client, number_e164="+74951234567")
    login(other_manager).post(
        reverse("clients:correction_create", args=[client.pk]),
        {"target": f"phone:{phone.pk}", "proposed_value": "x"},
    )
    assert CorrectionRequest.objects.get().current_value == "+7 *** ***-45-67"


def test_rejection_needs_a_note(manager, operator):
    correction = CorrectionRequest.objects.create(
        client=ClientFactory(), field="phone", proposed_value="x", requested_by=manager
    )
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        correction_request_resolve(actor=operator, request=correction, status="rejected")
    with pytest.raises(PermissionDenied):
        correction_request_resolve(actor=manager, request=correction, status="done")


def test_api_correction_requests(manager, operator, login):
    client = ClientFactory(responsible_manager=manager)
    response = login(manager).post(
        reverse("api:correction-request-list"),
        {"client": client.pk, "field": "phone", "proposed_value": "+74950000000"},
        content_type="application/json",
    )
    assert response.status_code == 201
    pk = response.json()["id"]
    refused = login(manager).post(
        reverse("api:correction-request-resolve", args=[pk]),
        {"status": "done"},
        content_type="application/json",
    )
    assert refused.status_code == 403
    done = login(operator).post(
        reverse("api:correction-request-resolve", args=[pk]),
        {"status": "done"},
        content_type="application/json",
    )
    assert done.status_code == 200 and done.json()["status"] == "done"


def test_unmasked_card_display_is_audited_masked_is_not(manager, other_manager, login):
    client = ClientFactory(responsible_manager=manager)
    login(manager).get(client.get_absolute_url(), REMOTE_ADDR="10.0.0.7")
    entry = AuditEntry.objects.get(action="clients.client.personal_data_viewed")
    assert (entry.actor, entry.ip_address, entry.changes["via"]) == (manager, "10.0.0.7", "card")
    login(other_manager).get(client.get_absolute_url())
    assert AuditEntry.objects.filter(action="clients.client.personal_data_viewed").count() == 1


def test_api_detail_display_is_audited(manager, other_manager, login):
    client = ClientFactory(responsible_manager=manager)
    login(manager).get(reverse("api:client-detail", args=[client.pk]))
    login(other_manager).get(reverse("api:client-detail", args=[client.pk]))
    entries = AuditEntry.objects.filter(action="clients.client.personal_data_viewed")
    assert [e.actor for e in entries] == [manager]


def test_supervisor_sees_the_clients_history_manager_does_not(manager, supervisor, operator, login):
    client = ClientFactory(responsible_manager=manager)
    phone = PhoneFactory(client=client)
    phone.number_raw = "+74957654321"
    personal_record_save(actor=operator, record=phone)
    card = login(supervisor).get(client.get_absolute_url())
    actions = [entry.action for entry in card.context["personal_data_history"]]
    assert "clients.phone.updated" in actions
    assert b"card-history" in card.content
    assert b"card-history" not in login(manager).get(client.get_absolute_url()).content


def test_audit_entries_cannot_be_changed_in_the_admin(admin, login, manager):
    client = ClientFactory(responsible_manager=manager)
    login(manager).get(client.get_absolute_url())
    entry = AuditEntry.objects.get()
    browser = login(admin)
    assert (
        browser.get(reverse("admin:core_auditentry_changelist"), {"q": "viewed"}).status_code == 200
    )
    assert browser.post(reverse("admin:core_auditentry_delete", args=[entry.pk])).status_code == 403


def test_data_subject_export_and_erase(admin, manager, login):
    client = ClientFactory(responsible_manager=manager, kind=Client.Kind.PERSON, name="Ivan Petrov")
    contact = ContactPersonFactory(client=client, last_name="Petrov", first_name="Ivan")
    PhoneFactory(client=client, contact=contact, number_e164="+74951234567")
    EmailFactory(client=client, contact=contact, address="=cmd@example.com")
    from tests.factories import InteractionFactory

    interaction = InteractionFactory(client=client, manager=manager, phone_e164="+74951234567")
    browser = login(admin)
    exported = browser.post(reverse("clients:person_export", args=["client", client.pk, "json"]))
    data = json.loads(exported.content)
    assert data["phones"][0]["number_e164"] == "+74951234567"
    csv_export = browser.post(reverse("clients:person_export", args=["contact", contact.pk, "csv"]))
    assert b"'=cmd@example.com" in csv_export.content
    assert AuditEntry.objects.filter(action="clients.person.exported").count() == 2
    browser.post(reverse("clients:person_erase", args=["client", client.pk]))
    client.refresh_from_db()
    contact.refresh_from_db()
    interaction.refresh_from_db()
    assert client.name == "Erased" and contact.last_name == "Erased"
    assert not Phone.objects.exists() and not Email.objects.exists()
    assert interaction.client_id == client.pk and interaction.phone_e164 == ""
    assert AuditEntry.objects.filter(action="clients.person.erased").exists()


def test_data_subject_is_for_admins_only(manager, operator):
    contact = ContactPersonFactory(client=ClientFactory(responsible_manager=manager))
    for user in (manager, operator):
        with pytest.raises(PermissionDenied):
            person_erase(actor=user, subject=contact)
    assert ContactPerson.objects.get().last_name != "Erased"


def test_correction_queue_query_ceiling(operator, manager, login, django_assert_max_num_queries):
    browser = login(operator)
    url = reverse("clients:correction_queue")

    def add(count):
        for _ in range(count):
            CorrectionRequest.objects.create(
                client=ClientFactory(), field="phone", proposed_value="x", requested_by=manager
            )

    add(1)
    with django_assert_max_num_queries(8):
        browser.get(url)
    add(20)
    with django_assert_max_num_queries(8):
        browser.get(url)
