"""A worker killed in the middle of a task, and PostgreSQL restarting under a running task.

The task is a team's report snapshot. The test makes it wait, without any test hook in the
code: it inserts the same snapshot in its own open transaction, so the worker's INSERT blocks
on the unique index until the test lets go (the same wait a real competing builder causes).
"""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from reports.models import ReportSnapshot
from reports.tasks import report_snapshot_build_task
from tests.factories import ClientFactory, InteractionFactory
from tests.reliability.conftest import (
    backends_waiting_for_a_lock,
    sent_mail,
    served,
    terminate_test_database_backends,
    wait_for,
)

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.reliability,
    pytest.mark.django_db(transaction=True),
]

DAY = datetime.date(2025, 3, 3)


@pytest.fixture
def calls(manager, statuses):
    """Two calls of the manager on DAY, to be counted in the snapshot."""
    client = ClientFactory(responsible_manager=manager)
    noon = timezone.make_aware(datetime.datetime.combine(DAY, datetime.time(12)))
    for minutes in (0, 30):
        InteractionFactory(
            client=client, manager=manager, occurred_at=noon + datetime.timedelta(minutes=minutes)
        )


def hold_the_snapshot(holder, team) -> None:
    """Insert the snapshot the task will build, uncommitted: its INSERT waits for ours."""
    holder.execute(
        "INSERT INTO reports_reportsnapshot"
        " (kind, team_id, period_start, period_end, parameters, data, built_at)"
        " VALUES ('daily', %s, %s, %s, '{}', '{}', now())",
        [team.pk, DAY, DAY],
    )


def calls_counted(snapshot: ReportSnapshot, manager) -> int:
    by_kind = snapshot.data["activity"]["sections"][0]
    row = next(row for row in by_kind["rows"] if row["label"] == str(manager))
    return row["cells"][by_kind["columns"].index("Total") - 1]["value"]


def test_a_task_of_a_killed_worker_is_finished_once_by_another(
    app_broker, workers, own_connection, mail_dir, team, supervisor, manager, calls
):
    holder = own_connection
    hold_the_snapshot(holder, team)
    fleet = workers(2)
    report_snapshot_build_task.delay(team.pk, "daily", DAY.isoformat())
    assert wait_for(lambda: backends_waiting_for_a_lock() == 1)
    busy = next(worker for worker in fleet if worker.has_received_a_task())
    survivor = next(worker for worker in fleet if worker is not busy)

    busy.kill()
    holder.rollback()  # the competing builder gives up: the snapshot is still to be built
    assert not ReportSnapshot.objects.exists()

    # The survivor takes the unacknowledged task back after the visibility timeout.
    assert wait_for(lambda: len(sent_mail(mail_dir)) >= 1, timeout=25), survivor.log().decode()

    snapshot = ReportSnapshot.objects.get()
    assert calls_counted(snapshot, manager) == 2
    mails = sent_mail(mail_dir)
    assert len(mails) == 1
    assert supervisor.email in mails[0]
    assert f"/reports/snapshots/{snapshot.pk}/" in mails[0]
    assert app_broker.queued() == 0


def test_a_task_cut_off_by_a_database_restart_is_retried_and_pages_recover(
    app_broker, workers, own_connection, mail_dir, login, team, supervisor, manager, calls
):
    browser = login(supervisor)
    holder = own_connection
    hold_the_snapshot(holder, team)
    worker = workers()
    report_snapshot_build_task.delay(team.pk, "daily", DAY.isoformat())
    assert wait_for(lambda: backends_waiting_for_a_lock() == 1), worker.log().decode()[-2000:]

    # Every connection of the test database goes: the worker's, the test's, the held lock.
    assert terminate_test_database_backends() >= 2

    # The very next request is served, on a fresh connection rather than a dead pooled one.
    assert served(browser, reverse("reports:snapshot_list")).status_code == 200
    assert served(browser, reverse("core:healthz")).json()["checks"]["database"] == "ok"

    assert wait_for(lambda: len(sent_mail(mail_dir)) >= 1, timeout=40), worker.log().decode()
    snapshot = ReportSnapshot.objects.get()
    assert calls_counted(snapshot, manager) == 2
    assert len(sent_mail(mail_dir)) == 1
    page = served(browser, reverse("reports:snapshot_list")).content.decode()
    assert snapshot.get_absolute_url() in page
