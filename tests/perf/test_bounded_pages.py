"""Fixes from the million-interaction benchmark (bench/pages.py): pages stay bounded and cheap."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from interactions.models import Interaction
from interactions.views.my_day import TASKS_LIMIT
from tests.factories import ClientFactory, InteractionFactory, PhoneFactory, status

pytestmark = pytest.mark.django_db


def overdue_tasks(manager, client, count):
    now = timezone.now()
    return [
        InteractionFactory(
            client=client,
            manager=manager,
            occurred_at=None,
            planned_at=now - datetime.timedelta(days=count - number),
            status=status(Interaction.Kind.OUTGOING_CALL, "planned"),
        )
        for number in range(count)
    ]


def test_my_day_lists_the_most_overdue_tasks_first_and_links_to_the_rest(manager, login):
    client = ClientFactory(responsible_manager=manager)
    tasks = overdue_tasks(manager, client, TASKS_LIMIT + 3)

    response = login(manager).get(reverse("core:home"))

    shown = [row.pk for row in response.context["tasks"]]
    assert shown == [task.pk for task in tasks[:TASKS_LIMIT]]
    page = response.content.decode()
    assert "More tasks are in the journal." in page
    assert f"manager={manager.pk}" in page


def test_my_day_says_nothing_of_more_tasks_when_all_are_shown(manager, login):
    client = ClientFactory(responsible_manager=manager)
    overdue_tasks(manager, client, 2)

    response = login(manager).get(reverse("core:home"))

    assert len(response.context["tasks"]) == 2
    assert "More tasks are in the journal." not in response.content.decode()


@pytest.mark.parametrize("count", [1, TASKS_LIMIT + 5])
def test_my_day_query_count_does_not_grow_with_tasks(
    count, manager, login, django_assert_max_num_queries
):
    client = ClientFactory(responsible_manager=manager)
    overdue_tasks(manager, client, count)
    browser = login(manager)

    with django_assert_max_num_queries(10):
        response = browser.get(reverse("core:home"))

    assert len(response.context["tasks"]) == min(count, TASKS_LIMIT)


@pytest.mark.parametrize("typed", ["8 (495) 123-45-67", "+7 495 123 45 67", "84951234567"])
def test_a_phone_typed_any_way_finds_its_client(typed, manager, login):
    client = ClientFactory(name="Romashka", responsible_manager=manager)
    PhoneFactory(client=client, number_e164="+74951234567", number_raw="8 495 123-45-67")
    ClientFactory(name="Vasilek", responsible_manager=manager)

    response = login(manager).get(reverse("clients:list"), {"q": typed})

    assert [row.pk for row in response.context["rows"]] == [client.pk]


def test_an_unknown_phone_finds_nobody(manager, login):
    PhoneFactory(client=ClientFactory(responsible_manager=manager), number_e164="+74951234567")

    response = login(manager).get(reverse("clients:list"), {"q": "8 (495) 765-43-21"})

    assert response.context["rows"] == []


def test_a_name_with_digits_is_still_found_by_name(manager, login):
    client = ClientFactory(name="Warehouse 2000", responsible_manager=manager)

    response = login(manager).get(reverse("clients:list"), {"q": "2000"})

    assert [row.pk for row in response.context["rows"]] == [client.pk]


@pytest.mark.parametrize("count", [1, 15])
def test_phone_search_query_count_does_not_grow_with_clients(
    count, manager, login, django_assert_max_num_queries
):
    for number in range(count):
        client = ClientFactory(responsible_manager=manager)
        PhoneFactory(client=client, number_e164=f"+7495100{number:04d}")
    browser = login(manager)

    with django_assert_max_num_queries(8):
        response = browser.get(reverse("clients:list"), {"q": "8 (495) 100-00-00"})

    assert len(response.context["rows"]) == 1
