"""Rules the database keeps for the journal."""

import pytest
from django.db import IntegrityError, transaction

from interactions.models import Interaction
from tests.factories import InteractionFactory

pytestmark = pytest.mark.django_db


def test_an_interaction_needs_a_planned_or_an_occurred_time():
    with pytest.raises(IntegrityError), transaction.atomic():
        InteractionFactory(occurred_at=None, planned_at=None)


def test_an_unknown_caller_keeps_the_raw_phone_number(manager):
    with pytest.raises(IntegrityError), transaction.atomic():
        InteractionFactory(client=None, manager=manager, phone_raw="")
    unknown = InteractionFactory(client=None, manager=manager, phone_raw="8 495 123-45-67")
    assert unknown.client is None


def test_a_providers_call_id_is_unique_per_provider(manager):
    def call(provider: str, external_id: str) -> Interaction:
        return InteractionFactory(
            client=None,
            manager=manager,
            phone_raw="+74951234567",
            source=Interaction.Source.TELEPHONY,
            provider=provider,
            external_id=external_id,
        )

    call("mango", "call-1")
    call("zadarma", "call-1")
    call("mango", "call-2")
    with pytest.raises(IntegrityError), transaction.atomic():
        call("mango", "call-1")


def test_manual_interactions_without_an_external_id_are_not_unique_by_it():
    InteractionFactory()
    InteractionFactory()
    assert Interaction.objects.count() == 2


def test_only_telephony_rows_carry_a_provider():
    with pytest.raises(IntegrityError), transaction.atomic():
        InteractionFactory(source=Interaction.Source.MANUAL, provider="mango", external_id="x")
