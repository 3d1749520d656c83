"""The seeded status picklist (interactions/migrations/0002_seed_statuses)."""

import importlib

import pytest
from django.apps import apps

from interactions.models import Interaction, InteractionStatus
from tests.factories import InteractionFactory

pytestmark = pytest.mark.django_db

seed_migration = importlib.import_module("interactions.migrations.0002_seed_statuses")

CALL_CODES = {
    "taken_into_work",
    "completed",
    "wrong_number",
    "missed",
    "call_back_later",
    "no_answer",
    "planned",
    "cancelled",
}


@pytest.mark.parametrize("kind", [Interaction.Kind.INCOMING_CALL, Interaction.Kind.OUTGOING_CALL])
def test_calls_have_the_statuses_the_business_asked_for(kind):
    codes = set(InteractionStatus.objects.for_kind(kind).values_list("code", flat=True))
    assert codes >= CALL_CODES


def test_meetings_can_be_planned_held_or_cancelled():
    codes = set(InteractionStatus.objects.for_kind("meeting").values_list("code", flat=True))
    assert codes >= {"planned", "held", "cancelled"}


def test_every_kind_has_a_status():
    for kind in Interaction.Kind.values:
        assert InteractionStatus.objects.for_kind(kind).exists(), kind


def test_flags_of_the_seeded_statuses():
    wrong = InteractionStatus.objects.get(kind="incoming_call", code="wrong_number")
    assert wrong.is_excluded_from_counts and wrong.is_final
    completed = InteractionStatus.objects.get(kind="outgoing_call", code="completed")
    assert completed.requires_result and completed.is_final
    assert not InteractionStatus.objects.get(kind="incoming_call", code="missed").is_final
    assert InteractionStatus.objects.filter(is_excluded_from_counts=True).count() == 2


def test_statuses_are_ordered_within_a_kind():
    codes = list(InteractionStatus.objects.for_kind("incoming_call").values_list("code", flat=1))
    assert codes.index("taken_into_work") < codes.index("completed")


def test_the_seed_is_reversible_and_keeps_statuses_in_use():
    seeded = InteractionStatus.objects.count()
    in_use = InteractionStatus.objects.get(kind="outgoing_call", code="no_answer")
    InteractionFactory(status=in_use)
    seed_migration.unseed(apps, None)
    assert list(InteractionStatus.objects.all()) == [in_use]
    seed_migration.seed(apps, None)
    assert InteractionStatus.objects.count() == seeded
    # Running the seed again changes nothing (admins' edits are kept).
    InteractionStatus.objects.filter(pk=in_use.pk).update(name="Renamed by the admin")
    seed_migration.seed(apps, None)
    assert InteractionStatus.objects.count() == seeded
    assert InteractionStatus.objects.get(pk=in_use.pk).name == "Renamed by the admin"
