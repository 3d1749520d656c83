"""Querysets compiled once and run with other values (crm_project.core.compiled)."""

import datetime

import pytest
from django.db import connection, models
from django.db.models import Count, Exists, OuterRef
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from crm_project.accounts.models import User
from crm_project.core.compiled import CompiledQuery
from interactions.models import Interaction
from reports.models import Plan
from reports.selectors import plan_progress
from tests.factories import ClientFactory, InteractionFactory, PlanFactory, UserFactory

pytestmark = pytest.mark.django_db

MONTH = datetime.date(2026, 3, 1)
DAY = datetime.timedelta(days=1)


def at(day: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(2026, 3, day, 12))


def per_manager(ids, month, start, end):
    """Each manager's calls in [start, end) and whether he has a plan for `month`."""
    return (
        User.objects.filter(pk__in=ids)
        .annotate(
            calls=Count(
                "interactions",
                filter=models.Q(
                    interactions__occurred_at__gte=start, interactions__occurred_at__lt=end
                ),
            ),
            planned=Exists(Plan.objects.filter(manager=OuterRef("pk"), month=month)),
        )
        .values("pk", "calls", "planned")
        .order_by("pk")
    )


def compiled(build=per_manager):
    return CompiledQuery(
        User,
        build,
        ids=models.IntegerField(),
        month=models.DateField(),
        start=models.DateTimeField(),
        end=models.DateTimeField(),
    )


@pytest.fixture
def journal(team):
    managers = UserFactory.create_batch(3, team=team)
    for index, manager in enumerate(managers):
        client = ClientFactory(responsible_manager=manager, team=team)
        for day in range(1, 4 + index * 3):
            InteractionFactory(client=client, occurred_at=at(day))
    PlanFactory(manager=managers[1], month=MONTH)
    return managers


def test_rows_are_the_querysets_for_every_set_of_values(journal):
    query = compiled()
    ids = [manager.pk for manager in journal]
    cases = [
        {"ids": ids, "month": MONTH, "start": at(1) - DAY, "end": at(5)},
        {"ids": ids[:1], "month": MONTH, "start": at(2), "end": at(9)},
        {"ids": ids[1:], "month": MONTH.replace(month=4), "start": at(3), "end": at(30)},
        {"ids": ids, "month": MONTH, "start": at(20), "end": at(21)},
    ]
    for values in cases:
        assert query.rows(**values) == list(per_manager(**values)), values
    # Something to tell the cases apart: the calls counted really differ.
    assert [row["calls"] for row in query.rows(**cases[0])] == [3, 4, 4]
    assert [row["planned"] for row in query.rows(**cases[0])] == [False, True, False]


def test_the_query_is_built_once_per_list_length(journal):
    built = []

    def build(**values):
        built.append(len(values["ids"]))
        return per_manager(**values)

    query = compiled(build)
    for manager in journal:
        query.rows(ids=[manager.pk], month=MONTH, start=at(1), end=at(9))
    query.rows(ids=[journal[0].pk, journal[1].pk], month=MONTH, start=at(1), end=at(9))
    query.rows(ids=[journal[1].pk, journal[2].pk], month=MONTH, start=at(1), end=at(9))
    assert built == [1, 2]


def test_data_written_after_compiling_is_counted(journal):
    query = compiled()
    values = {"ids": [journal[0].pk], "month": MONTH, "start": at(1), "end": at(9)}
    assert query.rows(**values)[0]["calls"] == 3
    InteractionFactory(client=journal[0].clients.first(), occurred_at=at(8))
    PlanFactory(manager=journal[0], month=MONTH)
    assert query.rows(**values)[0] | {"pk": None} == {"pk": None, "calls": 4, "planned": True}


def test_an_empty_list_gives_no_rows_as_the_queryset_does(journal):
    values = {"ids": [], "month": MONTH, "start": at(1), "end": at(9)}
    assert compiled().rows(**values) == list(per_manager(**values)) == []


def test_a_run_is_one_query(journal):
    query = compiled()
    values = {"ids": [journal[0].pk], "month": MONTH, "start": at(1), "end": at(9)}
    query.rows(**values)
    with CaptureQueriesContext(connection) as queries:
        query.rows(**values)
    assert len(queries) == 1


def test_a_builder_that_ignores_a_value_is_refused(journal):
    def ignores_the_month(ids, month, start, end):
        return User.objects.filter(pk__in=ids).values("pk")

    with pytest.raises(ValueError, match="month"):
        compiled(ignores_the_month).rows(ids=[1], month=MONTH, start=at(1), end=at(2))


def test_unknown_or_missing_values_are_refused(journal):
    with pytest.raises(TypeError, match="expected the values"):
        compiled().rows(ids=[1], month=MONTH, start=at(1))


def test_plan_counters_match_the_plain_queries(team):
    """The counters My day shows, through the compiled query, against plain ORM counts."""
    manager = UserFactory(team=team)
    client = ClientFactory(responsible_manager=manager, team=team)
    now = timezone.now()
    for _ in range(4):
        InteractionFactory(client=client, occurred_at=now)
    PlanFactory(manager=manager, month=timezone.localdate().replace(day=1), contacts_target=9)
    progress = plan_progress(manager=manager, month=timezone.localdate())
    contacts = {counter.key: counter for counter in progress.counters}["contacts_taken"]
    assert (contacts.done, contacts.target) == (4, 9)
    InteractionFactory(client=client, occurred_at=now)
    progress = plan_progress(manager=manager, month=timezone.localdate())
    contacts = {counter.key: counter for counter in progress.counters}["contacts_taken"]
    assert contacts.done == Interaction.objects.filter(manager=manager).count() == 5
