"""generate_data: the benchmark's data at scale, in the demo's shape, and the pages that read it."""

import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, Max
from django.test import Client as BrowserClient
from django.utils import timezone

from clients.models import Client, ContactPerson, Deal, Email, Phone
from crm_project.accounts.models import Team, User
from crm_project.core import datagen
from crm_project.core.phones import to_e164
from crm_project.core.views import PAGE_SIZE
from interactions.models import Interaction
from reports.models import Plan
from tests.conftest import require_postgresql

pytestmark = pytest.mark.django_db

PASSWORD = "generated-password-for-tests"
CLIENTS = 40
INTERACTIONS = 600


@pytest.fixture
def generated(statuses):
    require_postgresql()
    out = StringIO()
    call_command(
        "generate_data",
        "--clients",
        str(CLIENTS),
        "--interactions",
        str(INTERACTIONS),
        "--password",
        PASSWORD,
        stdout=out,
    )
    return out.getvalue()


def signed_in(username: str) -> BrowserClient:
    browser = BrowserClient()
    assert browser.login(username=username, password=PASSWORD)
    return browser


def test_fills_the_requested_sizes_in_the_demo_shape(generated):
    assert Client.objects.count() == CLIENTS
    assert Interaction.objects.count() == INTERACTIONS
    assert User.objects.filter(role=User.Role.MANAGER).count() == 3
    assert User.objects.filter(role=User.Role.SUPERVISOR).count() == Team.objects.count() == 1
    assert ContactPerson.objects.count() >= CLIENTS
    assert Email.objects.exists()
    assert Deal.objects.exists()
    assert Plan.objects.count() == 3 * 14
    # Several phones a client on average, spelled in more than one way.
    assert Phone.objects.count() > CLIENTS
    assert Phone.objects.filter(number_raw__startswith="8").exists()
    assert Phone.objects.filter(number_raw__startswith="+").exists()
    kinds = dict(Interaction.objects.values_list("kind").annotate(n=Count("id")))
    assert set(kinds) == {kind.value for kind in Interaction.Kind}
    assert Interaction.objects.filter(source=Interaction.Source.TELEPHONY).exists()
    assert Interaction.objects.filter(client__isnull=True).exists()  # unknown callers
    assert Interaction.objects.filter(occurred_at__isnull=True, planned_at__gt=timezone.now())
    oldest = Interaction.objects.exclude(occurred_at=None).order_by("occurred_at").first()
    assert timezone.now() - oldest.occurred_at > datetime.timedelta(days=365)
    assert "Generated 40 clients" in generated


def test_phones_are_normalised_as_the_services_store_them(generated):
    for raw, e164 in Phone.objects.values_list("number_raw", "number_e164"):
        assert to_e164(raw) == e164
    for client in Client.objects.annotate(last=Max("interactions__occurred_at")):
        assert client.last_interaction_at == client.last


def test_new_rows_take_ids_after_the_generated_ones(generated, manager):
    from tests.factories import ClientFactory

    client = ClientFactory(responsible_manager=manager)

    assert client.pk > Client.objects.exclude(pk=client.pk).aggregate(Max("pk"))["pk__max"]


def test_phone_search_finds_a_generated_number_typed_another_way(generated):
    phone = Phone.objects.filter(number_e164__startswith="+7").select_related("client").first()
    national = "8" + phone.number_e164[2:]
    browser = signed_in("gen-manager-001")

    by_search = browser.get("/clients/", {"q": national})
    by_filter = browser.get("/clients/", {"phone": phone.number_e164})

    assert by_search.status_code == by_filter.status_code == 200
    assert phone.client.name in by_search.content.decode()
    assert phone.client.name in by_filter.content.decode()


def test_the_pages_render_with_the_generated_data(generated):
    client = Client.objects.exclude(responsible_manager=None).order_by("pk").first()
    manager = client.responsible_manager.username
    browser = signed_in(manager)

    card = browser.get(f"/clients/{client.pk}/")
    assert card.status_code == 200
    assert client.name in card.content.decode()
    last = Interaction.objects.order_by("-id").first()
    journal = browser.get("/journal/")
    assert journal.status_code == 200
    assert f"after={last.pk - PAGE_SIZE + 1}" in journal.content.decode()  # the next page's link
    assert browser.get("/journal/", {"after": last.pk - 100}).status_code == 200
    assert browser.get("/").status_code == 200  # My day
    assert browser.get("/journal/my-day/counters/").status_code == 200
    api = browser.get("/api/v1/interactions/")
    assert api.status_code == 200
    assert len(api.json()["results"]) == 50
    supervisor = signed_in("gen-supervisor-01")
    assert supervisor.get("/clients/").status_code == 200


def test_a_second_run_changes_nothing(generated):
    out = StringIO()
    call_command("generate_data", "--clients", "5", "--interactions", "10", stdout=out)

    assert "nothing generated" in out.getvalue()
    assert Client.objects.count() == CLIENTS
    assert Interaction.objects.count() == INTERACTIONS


def test_regenerate_starts_again(generated):
    call_command(
        "generate_data", "--clients", "5", "--interactions", "30", "--regenerate", stdout=StringIO()
    )

    assert Client.objects.count() == 5
    assert Interaction.objects.count() == 30


@pytest.mark.parametrize(
    ("host", "name"),
    [("db.example.com", "crm_bench"), ("10.0.0.5", "crm_bench"), ("127.0.0.1", "crm")],
)
def test_refuses_a_database_not_meant_for_it(host, name):
    database = {"ENGINE": "django.db.backends.postgresql", "HOST": host, "NAME": name}

    with pytest.raises(datagen.UnsafeTarget):
        datagen.check_target(database)


def test_the_command_refuses_the_development_database(settings, monkeypatch):
    from django.db import connection

    require_postgresql()  # elsewhere it stops sooner: it needs PostgreSQL at all

    monkeypatch.setitem(connection.settings_dict, "NAME", "crm")

    with pytest.raises(CommandError, match="bench"):
        call_command("generate_data", "--clients", "1", "--interactions", "1", stdout=StringIO())

    assert not Client.objects.exists()
