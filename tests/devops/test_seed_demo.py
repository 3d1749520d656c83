import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Max
from django.test import Client as BrowserClient
from django.utils import timezone

from clients.models import (
    Client,
    ContactPerson,
    Deal,
    DealStageChange,
    Email,
    LeadSource,
    Phone,
    PointsEntry,
)
from crm_project.accounts.models import Team, User
from crm_project.core.phones import to_e164
from interactions.models import Interaction
from reports.models import Plan

pytestmark = pytest.mark.django_db

DEMO_PASSWORD = "demo-password-for-tests"
SMALL = ["--clients", "25", "--interactions", "300"]
MODELS = (User, Team, LeadSource, Client, ContactPerson, Phone, Email, Interaction, Plan)


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *SMALL, *args, stdout=out)
    return out.getvalue()


def test_creates_the_demo_team_with_roles_and_no_staff_managers():
    seed("--password", DEMO_PASSWORD)

    users = {user.username: user for user in User.objects.all()}
    assert set(users) == {"supervisor", "manager1", "manager2", "manager3", "operator", "admin"}
    team = Team.objects.get()
    assert users["supervisor"].role == User.Role.SUPERVISOR
    assert users["supervisor"].team == team
    for username in ("manager1", "manager2", "manager3"):
        assert users[username].role == User.Role.MANAGER
        assert users[username].team == team
    assert users["operator"].role == User.Role.OPERATOR
    assert users["admin"].role == User.Role.ADMIN
    assert users["admin"].is_staff and users["admin"].is_superuser
    for username in ("supervisor", "manager1", "manager2", "manager3", "operator"):
        assert not users[username].is_staff
        assert not users[username].is_superuser


def test_the_given_password_signs_every_demo_user_in():
    output = seed("--password", DEMO_PASSWORD)

    for username in ("supervisor", "manager1", "manager2", "manager3", "operator", "admin"):
        assert BrowserClient().login(username=username, password=DEMO_PASSWORD)
        assert username in output
    assert DEMO_PASSWORD in output


def test_without_password_prints_generated_passwords_that_work():
    output = seed()

    table = [line.split() for line in output.splitlines() if line.startswith("  manager")]
    assert len(table) == 3
    for username, _role, password in table:
        assert BrowserClient().login(username=username, password=password)


def test_a_second_run_creates_and_changes_nothing():
    seed("--password", DEMO_PASSWORD)
    counts = {model: model.objects.count() for model in MODELS}
    passwords = dict(User.objects.values_list("username", "password"))
    last_client_change = Client.objects.aggregate(last=Max("updated_at"))["last"]

    output = seed("--password", DEMO_PASSWORD)

    assert {model: model.objects.count() for model in MODELS} == counts
    assert dict(User.objects.values_list("username", "password")) == passwords
    assert Client.objects.aggregate(last=Max("updated_at"))["last"] == last_client_change
    assert "created 0 clients" in output
    assert BrowserClient().login(username="manager1", password=DEMO_PASSWORD)


def test_a_new_password_on_a_later_run_replaces_the_old_one():
    seed("--password", DEMO_PASSWORD)
    seed("--password", "another-demo-password")

    assert BrowserClient().login(username="manager2", password="another-demo-password")
    assert not BrowserClient().login(username="manager2", password=DEMO_PASSWORD)


def test_interactions_span_more_than_twelve_months_with_plans_for_each_month():
    seed()

    now = timezone.now()
    occurred = Interaction.objects.exclude(occurred_at=None)
    oldest = min(occurred.values_list("occurred_at", flat=True))
    assert oldest < now - datetime.timedelta(days=366)
    assert not occurred.filter(occurred_at__gt=now).exists()
    assert Interaction.objects.count() >= 250
    for manager in User.objects.filter(role=User.Role.MANAGER):
        assert Plan.objects.filter(manager=manager).count() == 14


def test_statuses_results_and_unknown_callers_respect_the_picklist():
    seed()

    for interaction in Interaction.objects.select_related("status"):
        assert interaction.status is not None
        assert interaction.status.kind == interaction.kind
        if interaction.status.requires_result:
            assert interaction.result.strip()
        assert interaction.created_by_id or interaction.client_id is None
    unknown = Interaction.objects.filter(client=None)
    assert unknown.exists()
    assert not unknown.filter(phone_raw="").exists()
    assert Interaction.objects.filter(status__code="wrong_number").exists()


def test_phones_are_stored_in_e164_including_international_numbers():
    seed()

    phones = list(Phone.objects.all())
    assert phones
    for phone in phones:
        assert phone.number_e164 == to_e164(phone.number_raw)
    assert any(not phone.number_e164.startswith("+7") for phone in phones)
    assert any(not phone.number_raw.startswith("+") for phone in phones)
    for interaction in Interaction.objects.exclude(phone_raw=""):
        assert interaction.phone_e164 == to_e164(interaction.phone_raw)


def test_clients_last_interaction_is_their_latest_interaction():
    seed()

    latest = dict(
        Interaction.objects.exclude(client=None)
        .values("client")
        .annotate(latest=Max("occurred_at"))
        .values_list("client", "latest")
    )
    for client in Client.objects.all():
        assert client.last_interaction_at == latest.get(client.pk)
        assert client.created_by_id is not None
        assert client.created_at <= timezone.now()


def test_the_data_is_deterministic():
    seed()
    names = sorted(Client.objects.values_list("name", flat=True))
    numbers = sorted(Phone.objects.values_list("number_e164", flat=True))
    PointsEntry.objects.all().delete()
    DealStageChange.objects.all().delete()
    Deal.objects.all().delete()
    Interaction.objects.all().delete()
    Phone.objects.all().delete()
    Email.objects.all().delete()
    Client.objects.all().delete()

    seed()

    assert sorted(Client.objects.values_list("name", flat=True)) == names
    assert sorted(Phone.objects.values_list("number_e164", flat=True)) == numbers


def test_a_fresh_demo_names_its_lead_sources_in_every_language():
    seed()

    website = LeadSource.objects.get(name="Website")

    assert website.name_translations["ru"] == "Сайт"
    assert set(website.name_translations) >= {"ru", "fr", "az", "hi"}
