import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from clients.models import Client
from clients.services import ContactData, DuplicateContactError, client_create
from clients.services import base as services
from interactions.models import Interaction
from interactions.services import interaction_log, interaction_set_status
from tests.factories import ClientFactory, InteractionFactory, PhoneFactory, status


def test_a_manager_cannot_enter_a_client_for_a_colleague(manager, other_manager):
    with pytest.raises(PermissionDenied):
        client_create(actor=manager, name="Acme", responsible_manager=other_manager)
    assert not Client.objects.exists()


def test_a_supervisor_assigns_a_new_client_to_a_manager(supervisor, manager):
    client = client_create(actor=supervisor, name="Acme", responsible_manager=manager)
    assert client.responsible_manager == manager


@pytest.mark.parametrize(("field", "value"), [("kind", "planet"), ("status", "asleep")])
def test_an_unknown_kind_or_status_is_refused_with_the_field_named(manager, field, value):
    with pytest.raises(ValidationError) as error:
        client_create(actor=manager, name="Acme", **{field: value})
    assert field in error.value.message_dict
    assert not Client.objects.exists()


def test_a_phone_entered_concurrently_is_reported_as_a_duplicate(
    manager, other_manager, monkeypatch
):
    """The race: both checks pass, the second insert hits the unique index."""
    existing = ClientFactory(responsible_manager=other_manager, name="First Ltd")
    real_check = services._check_phone_is_new
    calls = []

    def check_that_misses_the_first_time(e164, *, field_name):
        calls.append(e164)
        if len(calls) == 1:
            PhoneFactory(client=existing, number_e164=e164)  # the other transaction wins
            return
        real_check(e164, field_name=field_name)

    monkeypatch.setattr(services, "_check_phone_is_new", check_that_misses_the_first_time)
    with pytest.raises(DuplicateContactError) as error:
        client_create(
            actor=manager,
            name="Second Ltd",
            primary_contact=ContactData(last_name="Petrov", phones=["8 495 123-45-67"]),
        )
    assert error.value.client == existing
    assert "phones" in error.value.message_dict
    assert not Client.objects.filter(name="Second Ltd").exists()


def test_an_unparseable_phone_on_an_interaction_is_refused(manager):
    with pytest.raises(ValidationError) as error:
        interaction_log(
            actor=manager, kind=Interaction.Kind.INCOMING_CALL, client=None, phone="not a phone"
        )
    assert "phone" in error.value.message_dict
    assert not Interaction.objects.exists()


def test_a_supervisor_cannot_set_the_status_of_another_teams_call(supervisor, foreign_manager):
    call = InteractionFactory(
        client=ClientFactory(responsible_manager=foreign_manager), kind="incoming_call"
    )
    with pytest.raises(PermissionDenied):
        interaction_set_status(
            actor=supervisor, interaction=call, status=status("incoming_call", "taken_into_work")
        )
    call.refresh_from_db()
    assert call.status is None
