"""Snapshots built by Celery from the database, and CSV/XLSX exports of the reports."""

import csv
import datetime
import io

import pytest
from django.core import mail
from django.urls import reverse
from openpyxl import load_workbook

from crm_project.core.models import AuditEntry
from reports.models import ReportSnapshot
from reports.services import snapshot_build, snapshot_period
from reports.tasks import (
    previous_period_day,
    report_snapshot_build_task,
    report_snapshots_build_task,
)
from tests.factories import ClientFactory, InteractionFactory, TeamFactory
from tests.reports.conftest import PERIOD, at

pytestmark = pytest.mark.django_db


@pytest.fixture
def march_calls(manager, statuses):
    client = ClientFactory(responsible_manager=manager)
    for day in (3, 3, 4):
        InteractionFactory(client=client, manager=manager, occurred_at=at(day))
    return client


# Snapshots


def test_the_task_builds_the_snapshot_once_and_mails_the_supervisor(
    team, supervisor, manager, march_calls
):
    snapshot_id = report_snapshot_build_task(team.pk, "daily", "2025-03-03")
    again = report_snapshot_build_task(team.pk, "daily", "2025-03-03")

    assert again == snapshot_id
    assert ReportSnapshot.objects.count() == 1
    snapshot = ReportSnapshot.objects.get()
    assert (snapshot.period_start, snapshot.period_end) == (
        datetime.date(2025, 3, 3),
        datetime.date(2025, 3, 3),
    )
    by_kind = snapshot.data["activity"]["sections"][0]
    mine = next(row for row in by_kind["rows"] if row["label"] == str(manager))
    assert mine["cells"][by_kind["columns"].index("Total") - 1]["value"] == 2
    assert len(mail.outbox) == 1  # the second run stored nothing and sent nothing
    message = mail.outbox[0]
    assert message.to == [supervisor.email]
    assert f"/reports/snapshots/{snapshot.pk}/" in message.body
    assert "Total: 2" in message.body


def test_building_twice_stores_one_row_per_kind_team_and_period(team, manager):
    first, created = snapshot_build(team=team, kind="weekly", day=datetime.date(2025, 3, 5))
    second, created_again = snapshot_build(team=team, kind="weekly", day=datetime.date(2025, 3, 9))

    assert (created, created_again) == (True, False)
    assert first.pk == second.pk
    assert (first.period_start, first.period_end) == (
        datetime.date(2025, 3, 3),
        datetime.date(2025, 3, 9),
    )


def test_the_database_refuses_a_duplicate_snapshot(team):
    from django.db import IntegrityError, transaction

    snapshot_build(team=team, kind="monthly", day=datetime.date(2025, 3, 5))
    with pytest.raises(IntegrityError), transaction.atomic():
        ReportSnapshot.objects.create(
            kind="monthly",
            team=team,
            period_start=datetime.date(2025, 3, 1),
            period_end=datetime.date(2025, 3, 31),
        )


@pytest.mark.parametrize(
    ("kind", "today", "expected"),
    [
        ("daily", datetime.date(2025, 3, 5), (datetime.date(2025, 3, 4),) * 2),
        (
            "weekly",
            datetime.date(2025, 3, 10),
            (datetime.date(2025, 3, 3), datetime.date(2025, 3, 9)),
        ),
        (
            "monthly",
            datetime.date(2025, 4, 1),
            (datetime.date(2025, 3, 1), datetime.date(2025, 3, 31)),
        ),
    ],
)
def test_beat_builds_the_last_complete_period(kind, today, expected):
    assert snapshot_period(kind, previous_period_day(kind, today)) == expected


def test_beat_task_enqueues_one_build_per_team(team, other_team, supervisor, settings):
    from crm_project.celery import app

    app.conf.task_always_eager = True
    try:
        assert report_snapshots_build_task("monthly", "2025-03-15") == 2
    finally:
        app.conf.task_always_eager = False

    assert set(ReportSnapshot.objects.values_list("team", flat=True)) == {team.pk, other_team.pk}
    assert len(mail.outbox) == 1  # the other team has no supervisor


def test_the_snapshot_page_shows_the_stored_figures_with_parameters(
    login, team, supervisor, manager, march_calls
):
    snapshot, _created = snapshot_build(team=team, kind="monthly", day=datetime.date(2025, 3, 1))
    InteractionFactory(client=march_calls, manager=manager, occurred_at=at(20))  # after the build

    response = login(supervisor).get(snapshot.get_absolute_url())

    html = response.content.decode()
    assert response.status_code == 200
    assert "date_from=2025-03-01" in html
    assert "data-built-at" in html
    activity = response.context["reports"][0]
    by_kind = activity.sections[0]
    row = next(row for row in by_kind.rows if row.label == str(manager))
    assert row.cells[by_kind.columns.index("Total") - 1].value == 3  # as stored, not as now


def test_a_snapshot_of_another_team_is_not_found(login, supervisor, other_team):
    snapshot, _created = snapshot_build(
        team=other_team, kind="daily", day=datetime.date(2025, 3, 1)
    )

    assert login(supervisor).get(snapshot.get_absolute_url()).status_code == 404
    assert (
        snapshot
        not in login(supervisor).get(reverse("reports:snapshot_list")).context["object_list"]
    )


def test_snapshots_are_read_only_in_the_admin(login, admin, team):
    snapshot, _created = snapshot_build(team=team, kind="daily", day=datetime.date(2025, 3, 1))
    browser = login(admin)

    change = browser.get(reverse("admin:reports_reportsnapshot_change", args=[snapshot.pk]))
    add = browser.get(reverse("admin:reports_reportsnapshot_add"))
    browser.post(
        reverse("admin:reports_reportsnapshot_delete", args=[snapshot.pk]), {"post": "yes"}
    )

    assert change.status_code == 200
    assert 'name="_save"' not in change.content.decode()
    assert add.status_code == 403
    assert ReportSnapshot.objects.filter(pk=snapshot.pk).exists()


def test_snapshot_api(login, supervisor, team, march_calls):
    snapshot, _created = snapshot_build(team=team, kind="daily", day=datetime.date(2025, 3, 3))
    browser = login(supervisor)

    listed = browser.get(reverse("api:report-snapshot-list")).json()["results"]
    detail = browser.get(reverse("api:report-snapshot-detail", args=[snapshot.pk])).json()

    assert [row["id"] for row in listed] == [snapshot.pk]
    assert "data" not in listed[0]
    assert "activity" in detail["data"]


# Exports


def export(browser, key, file_format, **query):
    return browser.get(reverse("reports:export", args=[key, file_format]), {**PERIOD, **query})


def test_csv_export_is_the_page_and_is_audited(login, supervisor, manager, march_calls):
    response = export(login(supervisor), "activity", "csv")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["Interactions by kind and direction"]
    header = rows[1]
    mine = next(row for row in rows if row and row[0] == str(manager))
    assert mine[header.index("Total")] == "3"
    entry = AuditEntry.objects.get(action="reports.report.exported")
    assert entry.actor == supervisor
    assert entry.changes["report"] == "activity"
    assert entry.changes["format"] == "csv"


def test_xlsx_export_parses_back_with_a_sheet_per_table(login, supervisor, manager, march_calls):
    response = export(login(supervisor), "activity", "xlsx")

    workbook = load_workbook(io.BytesIO(response.content))
    assert len(workbook.sheetnames) == 3
    sheet = workbook.worksheets[0]
    header = [cell.value for cell in sheet[1]]
    mine = next(row for row in sheet.iter_rows(values_only=True) if row[0] == str(manager))
    assert mine[header.index("Total")] == 3


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_exports_guard_against_formula_injection(login, supervisor, team, file_format):
    from tests.factories import UserFactory

    UserFactory(role="manager", team=team, first_name="=HYPERLINK(1)", last_name="+cmd")
    response = export(login(supervisor), "activity", file_format)

    if file_format == "csv":
        text = response.content.decode("utf-8-sig")
        cells = [value for row in csv.reader(io.StringIO(text)) for value in row]
    else:
        workbook = load_workbook(io.BytesIO(response.content))
        cells = [
            cell.value
            for sheet in workbook.worksheets
            for row in sheet.iter_rows()
            for cell in row
            if cell.value is not None
        ]
        assert all(
            cell.data_type != "f"
            for sheet in workbook.worksheets
            for row in sheet.iter_rows()
            for cell in row
        )
    dangerous = [
        value for value in cells if isinstance(value, str) and value.startswith(tuple("=+-@"))
    ]
    assert dangerous == []
    assert "'=HYPERLINK(1) +cmd" in cells


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_an_empty_report_exports_as_a_valid_empty_file(login, admin, file_format):
    team = TeamFactory(name="Empty team")

    response = export(login(admin), "quality", file_format, team=team.pk)

    assert response.status_code == 200
    if file_format == "csv":
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert rows[0] == ["Data quality"]
        assert len(rows) == 2  # the title and the header, no data
    else:
        workbook = load_workbook(io.BytesIO(response.content))
        assert workbook.worksheets[0].max_row == 1
