"""InteractionFilter: the journal's filters shared by the HTML journal and the API."""

import datetime

import pytest
from django.utils import timezone

from interactions.filters import InteractionFilter
from interactions.models import Interaction
from tests.factories import ClientFactory, InteractionFactory, PhoneFactory

pytestmark = pytest.mark.django_db

NOW = timezone.now()


@pytest.fixture(autouse=True)
def russian_numbers(settings):
    settings.PHONE_DEFAULT_REGION = "RU"


@pytest.fixture
def journal(manager):
    client = ClientFactory(responsible_manager=manager)
    PhoneFactory(client=client, number_e164="+74951234567")
    return {
        "incoming": InteractionFactory(
            client=client,
            kind=Interaction.Kind.INCOMING_CALL,
            subject="incoming",
            occurred_at=NOW - datetime.timedelta(days=40),
        ),
        "outgoing": InteractionFactory(
            client=client,
            kind=Interaction.Kind.OUTGOING_CALL,
            subject="outgoing",
            occurred_at=NOW - datetime.timedelta(days=10),
        ),
        "email": InteractionFactory(
            client=client,
            kind=Interaction.Kind.INCOMING_EMAIL,
            subject="email",
            occurred_at=NOW - datetime.timedelta(days=1),
        ),
        "meeting": InteractionFactory(
            client=ClientFactory(responsible_manager=manager),
            kind=Interaction.Kind.MEETING,
            subject="meeting",
            occurred_at=NOW,
        ),
        "unknown": InteractionFactory(
            client=None,
            manager=manager,
            kind=Interaction.Kind.INCOMING_CALL,
            subject="unknown",
            phone_raw="8 916 000-11-22",
            phone_e164="+79160001122",
            occurred_at=NOW,
        ),
    }


def subjects(data) -> set[str]:
    filterset = InteractionFilter(data=data, queryset=Interaction.objects.all())
    assert filterset.is_valid(), filterset.errors
    return set(filterset.qs.values_list("subject", flat=True))


def test_direction(journal):
    assert subjects({"direction": "incoming"}) == {"incoming", "email", "unknown"}
    assert subjects({"direction": "outgoing"}) == {"outgoing"}


def test_kind_one_or_several(journal):
    assert subjects({"kind": ["meeting"]}) == {"meeting"}
    assert subjects({"kind": ["meeting", "outgoing_call"]}) == {"meeting", "outgoing"}


@pytest.mark.parametrize(
    "typed", ["+7 495 123-45-67", "84951234567", "74951234567", "8 (495) 123-45-67"]
)
def test_phone_in_any_format_finds_the_clients_journal(journal, typed):
    assert subjects({"phone": typed}) == {"incoming", "outgoing", "email"}


@pytest.mark.parametrize("typed", ["+7 916 000 11 22", "89160001122"])
def test_phone_in_any_format_finds_an_unknown_caller(journal, typed):
    assert subjects({"phone": typed}) == {"unknown"}


def test_phone_that_is_not_a_phone_finds_nothing(journal):
    assert subjects({"phone": "hello"}) == set()


def test_period(journal):
    after = (NOW - datetime.timedelta(days=20)).isoformat()
    before = (NOW - datetime.timedelta(hours=1)).isoformat()
    assert subjects({"occurred_after": after, "occurred_before": before}) == {"outgoing", "email"}
    assert subjects({"occurred_before": before}) == {"incoming", "outgoing", "email"}


def test_status_code(journal):
    from tests.factories import status

    journal["outgoing"].status = status("outgoing_call", "no_answer")
    journal["outgoing"].save()
    assert subjects({"status_code": "no_answer"}) == {"outgoing"}
