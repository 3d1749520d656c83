"""clients.services: entering clients and contacts, and changing them."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from clients.models import Client, ContactPerson, Email, Phone
from clients.services import (
    ContactData,
    DuplicateContactError,
    client_create,
    client_update,
    contact_person_create,
)
from crm_project.accounts.models import User
from crm_project.core.models import AuditEntry
from tests.factories import ClientFactory, LeadSourceFactory, PhoneFactory, UserFactory

pytestmark = pytest.mark.django_db

IVANOV = ContactData(
    last_name=" Ivanov ",
    first_name="Ivan",
    position="Director",
    phones=["8 (495) 123-45-67", "+44 20 7946 0958"],
    emails=[" Ivanov@Example.COM "],
)


@pytest.fixture(autouse=True)
def russian_numbers(settings):
    settings.PHONE_DEFAULT_REGION = "RU"


def nothing_saved():
    return not (
        Client.objects.exists()
        or ContactPerson.objects.exists()
        or Phone.objects.exists()
        or Email.objects.exists()
        or AuditEntry.objects.exists()
    )


# client_create


def test_manager_enters_a_client_and_becomes_responsible(manager, team):
    source = LeadSourceFactory(name="Yandex.Direct")
    client = client_create(
        actor=manager, name="  Romashka LLC ", lead_source=source, primary_contact=IVANOV
    )
    client.refresh_from_db()
    assert client.name == "Romashka LLC"
    assert client.responsible_manager == manager
    assert client.team == team
    assert client.created_by == manager
    assert client.lead_source == source
    assert client.status == Client.Status.PROSPECT
    contact = client.contacts.get()
    assert contact.is_primary
    assert (contact.last_name, contact.first_name, contact.position) == (
        "Ivanov",
        "Ivan",
        "Director",
    )
    assert contact.created_by == manager
    assert sorted(client.phones.values_list("number_e164", "number_raw", "contact")) == [
        ("+442079460958", "+44 20 7946 0958", contact.pk),
        ("+74951234567", "8 (495) 123-45-67", contact.pk),
    ]
    assert list(client.emails.values_list("address", flat=True)) == ["ivanov@example.com"]


def test_client_create_writes_one_audit_entry(manager):
    client = client_create(actor=manager, name="Romashka", primary_contact=IVANOV)
    entry = AuditEntry.objects.get()
    assert entry.actor == manager
    assert entry.action == "clients.client.created"
    assert (entry.object_type, entry.object_id) == ("clients.client", str(client.pk))
    assert entry.changes["name"] == "Romashka"
    assert entry.changes["responsible_manager"] == manager.pk


def test_the_same_number_typed_twice_in_one_entry_is_kept_once(manager):
    data = ContactData(last_name="Petrov", phones=["84951234567", "+7 495 123-45-67"])
    client = client_create(actor=manager, name="Romashka", primary_contact=data)
    assert list(client.phones.values_list("number_e164", flat=True)) == ["+74951234567"]


def test_operator_enters_a_client_for_a_manager(operator, manager, team):
    client = client_create(
        actor=operator, name="Romashka", responsible_manager=manager, primary_contact=IVANOV
    )
    assert client.responsible_manager == manager
    assert client.team == team
    assert client.created_by == operator


def test_supervisor_enters_a_client_into_his_teams_queue(supervisor, team):
    client = client_create(actor=supervisor, name="Romashka")
    assert client.responsible_manager is None
    assert client.team == team
    assert client.created_by == supervisor


@pytest.mark.parametrize("role", [User.Role.SUPERVISOR, User.Role.OPERATOR, User.Role.ADMIN])
def test_responsible_manager_must_be_a_manager(operator, role):
    not_a_manager = UserFactory(role=role, team=None)
    with pytest.raises(ValidationError) as error:
        client_create(actor=operator, name="Romashka", responsible_manager=not_a_manager)
    assert "responsible_manager" in error.value.message_dict
    assert nothing_saved()


def test_responsible_manager_must_be_active(operator):
    gone = UserFactory(role=User.Role.MANAGER, is_active=False)
    with pytest.raises(ValidationError) as error:
        client_create(actor=operator, name="Romashka", responsible_manager=gone)
    assert "responsible_manager" in error.value.message_dict
    assert nothing_saved()


@pytest.mark.parametrize("name", ["", "   "])
def test_a_client_needs_a_name(manager, name):
    with pytest.raises(ValidationError) as error:
        client_create(actor=manager, name=name, primary_contact=IVANOV)
    assert "name" in error.value.message_dict
    assert nothing_saved()


@pytest.mark.parametrize("typed", ["12", "not a phone", "+7 495"])
def test_an_invalid_phone_is_refused_naming_the_field(manager, typed):
    data = ContactData(last_name="Petrov", phones=["84951234567", typed])
    with pytest.raises(ValidationError) as error:
        client_create(actor=manager, name="Romashka", primary_contact=data)
    assert "phones" in error.value.message_dict
    assert typed in " ".join(error.value.message_dict["phones"])
    assert nothing_saved()


@pytest.mark.parametrize("typed", ["ivanov", "ivanov@", "@example.com", "iv anov@example.com"])
def test_an_invalid_email_is_refused_naming_the_field(manager, typed):
    data = ContactData(last_name="Petrov", phones=["84951234567"], emails=[typed])
    with pytest.raises(ValidationError) as error:
        client_create(actor=manager, name="Romashka", primary_contact=data)
    assert "emails" in error.value.message_dict
    assert nothing_saved()


@pytest.mark.parametrize("typed", ["+7 495 123-45-67", "84951234567", "74951234567"])
@pytest.mark.parametrize("stored", ["+7 495 123-45-67", "84951234567", "74951234567"])
def test_a_phone_already_in_the_base_is_reported_with_its_client(
    manager, other_manager, typed, stored
):
    existing = client_create(
        actor=other_manager,
        name="Existing",
        primary_contact=ContactData(last_name="Sidorov", phones=[stored]),
    )
    before = (Client.objects.count(), ContactPerson.objects.count(), AuditEntry.objects.count())
    data = ContactData(last_name="Petrov", phones=[typed], emails=["new@example.com"])
    with pytest.raises(DuplicateContactError) as error:
        client_create(actor=manager, name="Newcomer", primary_contact=data)
    assert error.value.client == existing
    assert "phones" in error.value.message_dict
    assert "Existing" in error.value.message_dict["phones"][0]
    after = (Client.objects.count(), ContactPerson.objects.count(), AuditEntry.objects.count())
    assert after == before
    assert not Client.objects.filter(name="Newcomer").exists()
    assert not Email.objects.filter(address="new@example.com").exists()


def test_an_email_already_in_the_base_in_another_case_is_reported(manager, other_manager):
    existing = client_create(
        actor=other_manager,
        name="Existing",
        primary_contact=ContactData(last_name="Sidorov", emails=["sales@romashka.ru"]),
    )
    data = ContactData(last_name="Petrov", emails=["Sales@Romashka.RU"])
    with pytest.raises(DuplicateContactError) as error:
        client_create(actor=manager, name="Newcomer", primary_contact=data)
    assert error.value.client == existing
    assert "emails" in error.value.message_dict
    assert not Client.objects.filter(name="Newcomer").exists()


def test_a_contact_without_a_name_is_refused_and_nothing_saved(manager):
    with pytest.raises(ValidationError) as error:
        client_create(
            actor=manager, name="Romashka", primary_contact=ContactData(phones=["84951234567"])
        )
    assert "last_name" in error.value.message_dict
    assert nothing_saved()


def test_anonymous_like_inactive_user_cannot_enter_clients():
    gone = UserFactory(role=User.Role.MANAGER, is_active=False)
    with pytest.raises(PermissionDenied):
        client_create(actor=gone, name="Romashka")
    assert nothing_saved()


# contact_person_create


def test_managers_and_supervisors_cannot_add_contact_persons(manager, supervisor):
    client = ClientFactory(responsible_manager=manager)
    for actor in (manager, supervisor):
        with pytest.raises(PermissionDenied):
            contact_person_create(actor=actor, client=client, data=IVANOV)
    assert not ContactPerson.objects.exists()
    assert not AuditEntry.objects.exists()


def test_operator_adds_contact_persons(operator, manager):
    client = ClientFactory(responsible_manager=manager)
    first = contact_person_create(actor=operator, client=client, data=IVANOV)
    second = contact_person_create(
        actor=operator,
        client=client,
        data=ContactData(first_name="Olga", phones=["+7 (916) 000-11-22"]),
    )
    assert first.is_primary and not second.is_primary
    assert first.created_by == operator
    assert set(client.phones.values_list("number_e164", flat=True)) == {
        "+74951234567",
        "+442079460958",
        "+79160001122",
    }
    entries = AuditEntry.objects.filter(action="clients.contact.created")
    assert entries.count() == 2
    assert entries.filter(object_id=str(first.pk)).get().changes["phones"] == [
        "+74951234567",
        "+442079460958",
    ]


def test_operator_adding_a_duplicate_phone_saves_nothing(operator, manager):
    PhoneFactory(number_e164="+74951234567")
    client = ClientFactory(responsible_manager=manager)
    with pytest.raises(DuplicateContactError):
        contact_person_create(actor=operator, client=client, data=IVANOV)
    assert not client.contacts.exists()
    assert not AuditEntry.objects.exists()


# client_update


def test_manager_changes_status_and_lead_source_of_his_own_client(manager):
    client = ClientFactory(responsible_manager=manager)
    source = LeadSourceFactory()
    client_update(actor=manager, client=client, status=Client.Status.ACTIVE, lead_source=source)
    client.refresh_from_db()
    assert client.status == Client.Status.ACTIVE
    assert client.lead_source == source
    entry = AuditEntry.objects.get()
    assert entry.action == "clients.client.updated"
    assert entry.actor == manager
    assert entry.changes == {
        "status": ["prospect", "active"],
        "lead_source": [None, source.pk],
    }


def test_manager_cannot_change_a_colleagues_client(manager, other_manager):
    client = ClientFactory(responsible_manager=other_manager)
    with pytest.raises(PermissionDenied):
        client_update(actor=manager, client=client, status=Client.Status.ACTIVE)
    client.refresh_from_db()
    assert client.status == Client.Status.PROSPECT
    assert not AuditEntry.objects.exists()


@pytest.mark.parametrize("values", [{"name": "Renamed"}, {"kind": Client.Kind.PERSON}])
def test_manager_never_changes_personal_data_even_of_his_own_client(manager, values):
    client = ClientFactory(responsible_manager=manager, name="Original")
    with pytest.raises(PermissionDenied):
        client_update(actor=manager, client=client, **values)
    client.refresh_from_db()
    assert (client.name, client.kind) == ("Original", Client.Kind.COMPANY)


def test_supervisor_changes_work_fields_of_his_teams_clients_only(
    supervisor, other_manager, foreign_manager
):
    team_client = ClientFactory(responsible_manager=other_manager)
    client_update(actor=supervisor, client=team_client, status=Client.Status.ACTIVE)
    team_client.refresh_from_db()
    assert team_client.status == Client.Status.ACTIVE
    foreign = ClientFactory(responsible_manager=foreign_manager)
    with pytest.raises(PermissionDenied):
        client_update(actor=supervisor, client=foreign, status=Client.Status.ACTIVE)
    foreign.refresh_from_db()
    assert foreign.status == Client.Status.PROSPECT


def test_operator_renames_a_client_and_the_audit_has_the_diff(operator, manager):
    client = ClientFactory(responsible_manager=manager, name="Romashka")
    client_update(actor=operator, client=client, name=" Romashka LLC ")
    client.refresh_from_db()
    assert client.name == "Romashka LLC"
    entry = AuditEntry.objects.get()
    assert entry.actor == operator
    assert entry.changes == {"name": ["Romashka", "Romashka LLC"]}


def test_an_update_that_changes_nothing_writes_no_audit_entry(operator, manager):
    client = ClientFactory(responsible_manager=manager, name="Romashka")
    client_update(actor=operator, client=client, name="Romashka")
    assert not AuditEntry.objects.exists()


def test_renaming_to_an_empty_name_is_refused(operator, manager):
    client = ClientFactory(responsible_manager=manager, name="Romashka")
    with pytest.raises(ValidationError) as error:
        client_update(actor=operator, client=client, name="  ")
    assert "name" in error.value.message_dict
    client.refresh_from_db()
    assert client.name == "Romashka"
    assert not AuditEntry.objects.exists()


def test_an_unknown_status_is_refused(manager):
    client = ClientFactory(responsible_manager=manager)
    with pytest.raises(ValidationError) as error:
        client_update(actor=manager, client=client, status="vanished")
    assert "status" in error.value.message_dict


@pytest.mark.parametrize("field", ["created_by", "created_at", "responsible_manager", "team"])
def test_nobody_changes_the_author_or_reassigns_through_update(admin, manager, field):
    client = ClientFactory(responsible_manager=manager)
    with pytest.raises(PermissionDenied):
        client_update(actor=admin, client=client, **{field: None})
    client.refresh_from_db()
    assert client.created_by == manager
    assert client.responsible_manager == manager
