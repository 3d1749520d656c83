"""With DATABASE_REPLICA_URL set, the supervisors' reports read the replica; nothing else does."""

import pytest
from django.conf import settings
from django.db import connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from crm_project.core.db import REPLICA, replica_reads
from interactions.models import Interaction
from reports.selectors import plans_progress
from tests.conftest import require_postgresql
from tests.factories import ClientFactory, InteractionFactory
from tests.reports.conftest import PERIOD, at

# Committed rows (transaction=True): the replica alias is its own connection to the same test
# database, so it sees only what the primary committed, as a real replica would.
# Without PostgreSQL there is no replica alias, and the marker itself could not be set up: skip
# here (CI runs on PostgreSQL, where _replica_configured below also insists on the alias).
pytestmark = [
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
        reason="needs PostgreSQL: set DATABASE_URL=postgres://…",
    ),
    pytest.mark.django_db(transaction=True, databases=["default", REPLICA]),
]


@pytest.fixture(autouse=True)
def _replica_configured():
    require_postgresql()
    assert REPLICA in settings.DATABASES, "settings_test configures the replica on PostgreSQL"


def test_the_activity_report_is_read_from_the_replica(supervisor, manager, login, statuses):
    client = ClientFactory(responsible_manager=manager)
    InteractionFactory(
        client=client, manager=manager, kind=Interaction.Kind.MEETING, occurred_at=at(7)
    )
    browser = login(supervisor)

    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections[REPLICA]) as replica,
    ):
        response = browser.get(reverse("reports:detail", args=["activity"]), PERIOD)

    assert response.status_code == 200
    report = response.context["report"]
    assert any(figure.value == 1 for figure in report.figures()), "the meeting is counted"
    journal_reads = [
        q["sql"] for q in replica.captured_queries if "interactions_interaction" in q["sql"]
    ]
    assert journal_reads, "the report's aggregates ran on the replica"
    assert not [q for q in primary.captured_queries if "interactions_interaction" in q["sql"]]


def test_pages_and_live_counters_stay_on_the_primary(manager, login, statuses):
    browser = login(manager)
    with CaptureQueriesContext(connections[REPLICA]) as replica:
        assert browser.get(reverse("interactions:my_day_counters")).status_code == 200
        assert browser.get(reverse("interactions:list")).status_code == 200
    assert replica.captured_queries == []


def test_inside_a_write_transaction_reads_stay_on_the_primary(manager):
    from django.db import transaction

    with transaction.atomic(), replica_reads():
        client = ClientFactory(responsible_manager=manager)
        # Uncommitted: only the primary's own transaction can see it.
        assert type(client).objects.filter(pk=client.pk).exists()


def test_the_team_counters_follow_the_reads_to_the_replica(manager):
    """plans_progress runs a compiled query (crm_project.core.compiled): routed like the ORM."""
    month = timezone.localdate()
    with CaptureQueriesContext(connections[REPLICA]) as replica:
        plans_progress(managers=[manager], month=month)
    assert replica.captured_queries == []
    with replica_reads(), CaptureQueriesContext(connections[REPLICA]) as replica:
        plans_progress(managers=[manager], month=month)
    assert any("reports_plan" in query["sql"] for query in replica.captured_queries)
