"""Who may see which report, and periods that are refused."""

import pytest
from django.urls import reverse

from reports.builders import REGISTRY
from tests.reports.conftest import PERIOD

pytestmark = pytest.mark.django_db

REPORT_KEYS = sorted(REGISTRY)


def report(browser, key="activity", **query):
    return browser.get(reverse("reports:detail", args=[key]), {**PERIOD, **query})


def test_every_report_is_registered():
    assert set(REPORT_KEYS) == {
        "activity",
        "calls",
        "comparison",
        "deals",
        "fulfilment",
        "lead-sources",
        "quality",
    }


@pytest.mark.parametrize("key", REPORT_KEYS)
@pytest.mark.parametrize(
    ("persona", "expected"),
    [("supervisor", 200), ("manager", 200), ("admin", 200), ("operator", 403), ("anonymous", 302)],
)
def test_report_pages_per_persona(key, persona, expected, request, login):
    user = request.getfixturevalue(persona)

    assert report(login(user), key).status_code == expected


def test_an_unknown_report_is_not_found(login, supervisor):
    assert report(login(supervisor), "nonsense").status_code == 404


def test_a_period_that_ends_before_it_starts_is_refused(login, supervisor):
    response = report(login(supervisor), date_from="2025-03-10", date_to="2025-03-01")

    assert response.status_code == 400
    assert "The period ends before it starts." in response.content.decode()
    assert response.context["report"] is None


def test_a_period_longer_than_allowed_is_refused(login, supervisor, settings):
    settings.REPORTS_MAX_PERIOD_DAYS = 31

    too_long = report(login(supervisor), date_from="2025-01-01", date_to="2025-02-01")
    longest = report(login(supervisor), date_from="2025-01-01", date_to="2025-01-31")

    assert too_long.status_code == 400
    assert "A report may span at most 31 days." in too_long.content.decode()
    assert longest.status_code == 200


def test_a_comparison_period_is_checked_too(login, supervisor):
    response = report(
        login(supervisor), "comparison", compare_from="2024-03-10", compare_to="2024-03-01"
    )

    assert response.status_code == 400


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_an_export_of_a_bad_period_is_refused(login, supervisor, file_format):
    response = login(supervisor).get(
        reverse("reports:export", args=["activity", file_format]),
        {"date_from": "2025-03-10", "date_to": "2025-03-01"},
    )

    assert response.status_code == 400


def test_a_manager_asking_for_another_managers_report_gets_403(login, manager, other_manager):
    browser = login(manager)

    assert report(browser, manager=other_manager.pk).status_code == 403
    assert report(browser, manager=manager.pk).status_code == 200


def test_a_manager_asking_for_a_team_report_gets_403(login, manager, other_team):
    assert report(login(manager), team=other_team.pk).status_code == 403


def test_a_supervisor_sees_only_his_team(login, supervisor, other_team, foreign_manager):
    browser = login(supervisor)

    assert report(browser, team=other_team.pk).status_code == 404
    assert report(browser, manager=foreign_manager.pk).status_code == 404


def test_a_supervisor_narrows_the_report_to_one_manager(login, supervisor, manager):
    response = report(login(supervisor), manager=manager.pk)

    assert response.status_code == 200
    assert response.context["report"].scope_label == str(manager)


def test_an_admin_chooses_any_team(login, admin, other_team, foreign_manager):
    response = report(login(admin), team=other_team.pk)

    assert response.status_code == 200
    labels = [row.label for row in response.context["report"].sections[0].rows]
    assert labels == [str(foreign_manager)]


def test_an_export_of_another_managers_figures_gets_403(login, manager, other_manager):
    response = login(manager).get(
        reverse("reports:export", args=["activity", "csv"]), {"manager": other_manager.pk}
    )

    assert response.status_code == 403


# API


def test_report_api_returns_the_figures_with_their_links(login, supervisor, manager):
    response = login(supervisor).get(reverse("api:report-detail", args=["activity"]), PERIOD)

    assert response.status_code == 200
    body = response.json()
    assert body["key"] == "activity"
    first = body["sections"][0]["rows"][0]["cells"][0]
    assert first["url"].startswith("/journal/?")


def test_report_api_refuses_a_bad_period_in_the_error_shape(login, supervisor):
    response = login(supervisor).get(
        reverse("api:report-detail", args=["activity"]),
        {"date_from": "2025-03-10", "date_to": "2025-03-01"},
    )

    assert response.status_code == 400
    assert response.json()["error"]["fields"]["date_to"] == ["The period ends before it starts."]


def test_report_api_gives_a_manager_403_for_a_colleague(login, manager, other_manager):
    response = login(manager).get(
        reverse("api:report-detail", args=["calls"]), {"manager": other_manager.pk}
    )

    assert response.status_code == 403


def test_report_api_lists_the_reports(login, manager):
    response = login(manager).get(reverse("api:report-list"))

    assert {row["key"] for row in response.json()} == set(REPORT_KEYS)


def test_reports_link_in_the_navbar_for_supervisors_only(login, supervisor, manager):
    assert 'data-nav="reports"' in login(supervisor).get(reverse("reports:index")).content.decode()
    assert 'data-nav="reports"' not in login(manager).get(reverse("reports:index")).content.decode()
