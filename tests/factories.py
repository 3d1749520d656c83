import importlib

import factory
from django.utils import timezone

from clients.models import Client, ContactPerson, Email, LeadSource, Phone
from crm_project.accounts.models import Team, User
from interactions.models import Interaction, InteractionStatus
from reports.models import Plan

PASSWORD = "correct-horse-battery"


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Team {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.com")
    role = User.Role.MANAGER
    team = factory.SubFactory(TeamFactory)
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class LeadSourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LeadSource
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Advert {n}")


class ClientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Client

    name = factory.Sequence(lambda n: f"Company {n}")
    responsible_manager = factory.SubFactory(UserFactory)
    team = factory.LazyAttribute(
        lambda client: client.responsible_manager.team if client.responsible_manager else None
    )
    created_by = factory.LazyAttribute(
        lambda client: client.responsible_manager or UserFactory(role=User.Role.OPERATOR, team=None)
    )


class ContactPersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContactPerson

    client = factory.SubFactory(ClientFactory)
    last_name = factory.Faker("last_name")
    first_name = factory.Faker("first_name")
    created_by = factory.LazyAttribute(lambda contact: contact.client.created_by)


class PhoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Phone

    client = factory.SubFactory(ClientFactory)
    number_e164 = factory.Sequence(lambda n: f"+7495{n:07d}")
    number_raw = factory.LazyAttribute(lambda phone: phone.number_e164)


class EmailFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Email

    client = factory.SubFactory(ClientFactory)
    address = factory.Sequence(lambda n: f"contact{n}@example.com")


def status(kind: str, code: str) -> InteractionStatus:
    """A seeded status; re-seeds the picklist if a transactional test flushed it."""
    if not InteractionStatus.objects.exists():
        seed_statuses()
    return InteractionStatus.objects.get(kind=kind, code=code)


def seed_statuses() -> None:
    from django.apps import apps

    seeding = importlib.import_module("interactions.migrations.0002_seed_statuses")
    seeding.seed(apps, None)


class InteractionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Interaction

    kind = Interaction.Kind.OUTGOING_CALL
    client = factory.SubFactory(ClientFactory)
    manager = factory.LazyAttribute(lambda interaction: interaction.client.responsible_manager)
    team = factory.LazyAttribute(
        lambda interaction: interaction.manager.team if interaction.manager else None
    )
    occurred_at = factory.LazyFunction(timezone.now)
    subject = factory.Sequence(lambda n: f"Call {n}")
    created_by = factory.LazyAttribute(lambda interaction: interaction.manager)


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Plan

    manager = factory.SubFactory(UserFactory)
    month = factory.LazyFunction(lambda: timezone.localdate().replace(day=1))
    contacts_target = 40
    meetings_target = 10
    deals_target = 5
