"""Fixtures for My day, the plan counters and the task services."""

import datetime
import itertools

import pytest
from django.utils import timezone

from interactions.models import Interaction
from tests.factories import (
    ClientFactory,
    ContactPersonFactory,
    EmailFactory,
    InteractionFactory,
    PhoneFactory,
    status,
)

_call_ids = itertools.count(1)


def minutes_ago(minutes: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(minutes=minutes)


def in_hours(hours: float) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(hours=hours)


@pytest.fixture
def own_client(manager):
    return ClientFactory(name="Romashka", responsible_manager=manager)


@pytest.fixture
def reachable_contact(own_client):
    """A contact person of the manager's client with a phone number."""
    contact = ContactPersonFactory(
        client=own_client, last_name="Ivanov", first_name="Ivan", is_primary=True
    )
    PhoneFactory(client=own_client, contact=contact, number_e164="+74951234567")
    return contact


@pytest.fixture
def unreachable_contact(own_client):
    """A contact person without a phone or an e-mail."""
    return ContactPersonFactory(client=own_client, last_name="Petrov", first_name="Petr")


@pytest.fixture
def emailed_contact(own_client):
    contact = ContactPersonFactory(client=own_client, last_name="Sidorov", first_name="Sidor")
    EmailFactory(client=own_client, contact=contact, address="sidorov@example.com")
    return contact


def telephony_call(*, manager, client=None, contact=None, phone="+74951234567", code=None, **extra):
    """An incoming call as the phone system logs it (status empty or pre-filled "missed")."""
    values = {
        "kind": Interaction.Kind.INCOMING_CALL,
        "client": client,
        "contact": contact,
        "manager": manager,
        "team": manager.team if manager else extra.pop("team", None),
        "phone_raw": phone,
        "phone_e164": phone,
        "source": Interaction.Source.TELEPHONY,
        "provider": "generic",
        "external_id": f"call-{next(_call_ids)}",
        "occurred_at": minutes_ago(10),
        "call_outcome": "missed" if code == "missed" else "answered",
        "subject": "",
        "created_by": None,
    }
    values.update(extra)
    if code:
        values["status"] = status(Interaction.Kind.INCOMING_CALL, code)
    return InteractionFactory(**values)


def planned(
    *, manager, client, kind=Interaction.Kind.OUTGOING_CALL, contact=None, when=None, **extra
):
    """A task: a planned call or meeting of `manager`."""
    return InteractionFactory(
        kind=kind,
        client=client,
        contact=contact,
        manager=manager,
        occurred_at=None,
        planned_at=when or minutes_ago(30),
        subject=extra.pop("subject", "Discuss the offer"),
        status=status(kind, "planned"),
        **extra,
    )
