"""Factories for deals, transfers and points (tests/factories.py holds the shared ones)."""

import datetime
import importlib
from decimal import Decimal

import factory
from django.utils import timezone

from clients.models import ClientTransfer, Deal, DealStage, DealStageChange, TransferRule
from tests.factories import ClientFactory, UserFactory


def seed_stages() -> None:
    """The seeded stage picklist and transfer rules (re-seeded after a transactional flush)."""
    from django.apps import apps

    seeding = importlib.import_module("clients.migrations.0003_seed_deal_stages")
    seeding.seed(apps, None)


def stage(code: str) -> DealStage:
    if not DealStage.objects.exists():
        seed_stages()
    return DealStage.objects.get(code=code)


class DealFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Deal
        skip_postgeneration_save = True

    client = factory.SubFactory(ClientFactory)
    manager = factory.LazyAttribute(lambda deal: deal.client.responsible_manager)
    title = factory.Sequence(lambda n: f"Deal {n}")
    amount = Decimal("100000.00")
    currency = Deal.Currency.RUB
    stage = factory.LazyFunction(lambda: stage("new"))
    stage_entered_at = factory.LazyFunction(timezone.now)
    stage_due_at = factory.LazyAttribute(lambda deal: deal.stage.due_at(deal.stage_entered_at))
    created_by = factory.LazyAttribute(lambda deal: deal.manager)

    @factory.post_generation
    def history(obj, create, extracted, **kwargs):
        if create:
            DealStageChange.objects.create(
                deal=obj, to_stage=obj.stage, changed_by=obj.created_by, changed_at=obj.created_at
            )


def overdue_deal(*, days: int = 2, **kwargs) -> Deal:
    """A deal in "new" whose due date passed `days` ago."""
    entered = timezone.now() - datetime.timedelta(days=stage("new").standard_days + days)
    return DealFactory(stage_entered_at=entered, **kwargs)


class TransferRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TransferRule

    kind = TransferRule.Kind.NO_INTERACTION
    days = 30
    warn_days = 7


class ClientTransferFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ClientTransfer

    client = factory.SubFactory(ClientFactory)
    from_manager = factory.SubFactory(UserFactory)
    to_manager = factory.LazyAttribute(lambda transfer: transfer.client.responsible_manager)
    reason = "Handover"
    transferred_by = factory.SubFactory(UserFactory)
