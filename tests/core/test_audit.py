"""The audit trail: one entry per service write, in the same transaction, append-only."""

import datetime
import decimal

import pytest
from django.db import DatabaseError, transaction

from clients.models import Client
from clients.services import ContactData, client_create, client_update
from crm_project.core.audit import audit_record, diff, snapshot
from crm_project.core.models import AuditEntry
from interactions.models import Interaction
from interactions.services import interaction_log, interaction_set_status
from tests.conftest import require_postgresql
from tests.factories import ClientFactory, status

pytestmark = pytest.mark.django_db


def test_each_service_call_writes_exactly_one_entry(manager, operator):
    client = client_create(
        actor=manager,
        name="Romashka",
        primary_contact=ContactData(last_name="Ivanov", phones=["+7 495 123-45-67"]),
    )
    client_update(actor=manager, client=client, status=Client.Status.ACTIVE)
    client_update(actor=operator, client=client, name="Romashka LLC")
    call = interaction_log(actor=manager, kind=Interaction.Kind.OUTGOING_CALL, client=client)
    interaction_set_status(
        actor=manager, interaction=call, status=status("outgoing_call", "no_answer")
    )
    assert list(AuditEntry.objects.order_by("id").values_list("action", "actor")) == [
        ("clients.client.created", manager.pk),
        ("clients.client.updated", manager.pk),
        ("clients.client.updated", operator.pk),
        ("interactions.interaction.logged", manager.pk),
        ("interactions.interaction.status_changed", manager.pk),
    ]
    assert AuditEntry.objects.for_object(client).count() == 3
    assert AuditEntry.objects.for_object(call).count() == 2
    assert all(entry.count(".") == 2 for entry in AuditEntry.objects.values_list("action", flat=1))


def test_the_entry_is_part_of_the_services_transaction(manager):
    # If anything after the service fails in the caller's transaction, the entry goes too.
    with pytest.raises(RuntimeError), transaction.atomic():
        client_create(actor=manager, name="Romashka")
        raise RuntimeError("the caller failed after the service")
    assert not Client.objects.exists()
    assert not AuditEntry.objects.exists()


def test_record_keeps_who_what_which_and_the_changes(manager):
    client = ClientFactory(responsible_manager=manager, name="Romashka")
    entry = audit_record(
        actor=manager,
        action="clients.client.exported",
        target=client,
        changes={"when": datetime.date(2025, 1, 31), "amount": decimal.Decimal("1.50")},
        ip_address="10.0.0.1",
    )
    entry.refresh_from_db()
    assert entry.actor == manager
    assert (entry.object_type, entry.object_id, entry.object_repr) == (
        "clients.client",
        str(client.pk),
        "Romashka",
    )
    assert entry.changes == {"when": "2025-01-31", "amount": "1.50"}
    assert entry.ip_address == "10.0.0.1"


def test_the_system_is_recorded_as_no_actor(manager):
    from django.contrib.auth.models import AnonymousUser

    client = ClientFactory(responsible_manager=manager)
    assert audit_record(actor=None, action="x.y.z", target=client).actor is None
    assert audit_record(actor=AnonymousUser(), action="x.y.z", target=client).actor is None


def test_snapshot_and_diff(manager, other_manager):
    client = ClientFactory(responsible_manager=manager, name="Romashka")
    before = snapshot(client, ["name", "responsible_manager", "created_at"])
    assert before["responsible_manager"] == manager.pk
    assert isinstance(before["created_at"], str)
    client.name = "Vasilek"
    client.responsible_manager = other_manager
    after = snapshot(client, ["name", "responsible_manager", "created_at"])
    assert diff(before, after) == {
        "name": ["Romashka", "Vasilek"],
        "responsible_manager": [manager.pk, other_manager.pk],
    }


def test_the_trail_refuses_update_and_delete_in_the_database(manager):
    require_postgresql()
    client = ClientFactory(responsible_manager=manager)
    entry = audit_record(actor=manager, action="clients.client.created", target=client)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(action="clients.client.nothing")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).delete()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        entry.changes = {"forged": True}
        entry.save()
    entry.refresh_from_db()
    assert entry.action == "clients.client.created"
    assert entry.changes == {}
