"""Setting plans (service, page, API) and the supervisor's board."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from crm_project.core.models import AuditEntry
from interactions.models import Interaction
from interactions.selectors import contacts_taken, meetings_held
from reports.models import Plan
from reports.selectors import Pace, plan_progress, team_board
from reports.services import plan_copy_forward, plan_set
from tests.factories import ClientFactory, InteractionFactory, PlanFactory, UserFactory
from tests.reports.conftest import log_every_kind_status_and_outcome, records_behind

pytestmark = pytest.mark.django_db

MARCH = datetime.date(2025, 3, 1)


def targets(contacts=40, meetings=10, deals=3):
    return {"contacts_target": contacts, "meetings_target": meetings, "deals_target": deals}


# plan_set


def test_supervisor_sets_a_plan_and_it_is_audited(supervisor, manager):
    plan = plan_set(actor=supervisor, manager=manager, month=MARCH, **targets())

    assert (plan.manager, plan.month, plan.contacts_target, plan.created_by) == (
        manager,
        MARCH,
        40,
        supervisor,
    )
    entry = AuditEntry.objects.get(action="reports.plan.set")
    assert entry.actor == supervisor
    assert entry.changes["contacts_target"] == 40


def test_changing_a_plan_records_only_what_changed(supervisor, manager):
    plan_set(actor=supervisor, manager=manager, month=MARCH, **targets())
    plan_set(actor=supervisor, manager=manager, month=MARCH, **targets(meetings=12))

    assert Plan.objects.get(manager=manager).meetings_target == 12
    entry = AuditEntry.objects.get(action="reports.plan.changed")
    assert entry.changes == {"meetings_target": [10, 12]}


def test_setting_the_same_plan_again_writes_nothing(supervisor, manager):
    plan_set(actor=supervisor, manager=manager, month=MARCH, **targets())
    plan_set(actor=supervisor, manager=manager, month=MARCH, **targets())

    assert not AuditEntry.objects.filter(action="reports.plan.changed").exists()


def test_managers_may_not_set_plans(manager, other_manager):
    with pytest.raises(PermissionDenied):
        plan_set(actor=manager, manager=other_manager, month=MARCH, **targets())


def test_a_supervisor_sets_plans_for_his_team_only(supervisor, foreign_manager):
    with pytest.raises(PermissionDenied):
        plan_set(actor=supervisor, manager=foreign_manager, month=MARCH, **targets())


def test_admin_sets_any_teams_plans(admin, foreign_manager):
    assert plan_set(actor=admin, manager=foreign_manager, month=MARCH, **targets())


@pytest.mark.parametrize("bad", [-1, 100_001])
def test_targets_are_validated(supervisor, manager, bad):
    with pytest.raises(ValidationError) as error:
        plan_set(actor=supervisor, manager=manager, month=MARCH, **targets(contacts=bad))

    assert "contacts_target" in error.value.message_dict
    assert not Plan.objects.exists()


def test_plans_are_set_for_active_managers_only(supervisor, manager):
    manager.is_active = False
    manager.save()

    with pytest.raises(ValidationError):
        plan_set(actor=supervisor, manager=manager, month=MARCH, **targets())


def test_copy_forward_fills_the_month_but_keeps_plans_already_set(
    supervisor, team, manager, other_manager
):
    february = datetime.date(2025, 2, 1)
    PlanFactory(manager=manager, month=february, contacts_target=30)
    PlanFactory(manager=other_manager, month=february, contacts_target=50)
    PlanFactory(manager=other_manager, month=MARCH, contacts_target=55)

    created = plan_copy_forward(actor=supervisor, team=team, month=MARCH)

    assert [plan.manager for plan in created] == [manager]
    assert Plan.objects.get(manager=manager, month=MARCH).contacts_target == 30
    assert Plan.objects.get(manager=other_manager, month=MARCH).contacts_target == 55
    assert AuditEntry.objects.filter(action="reports.plan.copied").count() == 1
    assert plan_copy_forward(actor=supervisor, team=team, month=MARCH) == []


# The plans page


def test_supervisor_saves_the_teams_plans_on_one_page(login, supervisor, manager, other_manager):
    browser = login(supervisor)
    url = reverse("reports:plans")
    data = {
        "month": "2025-03",
        f"m{manager.pk}_contacts_target": "40",
        f"m{manager.pk}_meetings_target": "",
        f"m{manager.pk}_deals_target": "2",
    }

    response = browser.post(url, data)

    assert response.status_code == 302
    plan = Plan.objects.get(manager=manager, month=MARCH)
    assert (plan.contacts_target, plan.meetings_target, plan.deals_target) == (40, 0, 2)
    assert not Plan.objects.filter(manager=other_manager).exists()  # his row was left empty
    page = browser.get(url, {"month": "2025-03"})
    assert page.context["totals"] == {"contacts": 40, "meetings": 0, "deals": 2}


def test_the_plans_page_refuses_a_negative_target(login, supervisor, manager):
    response = login(supervisor).post(
        reverse("reports:plans"), {"month": "2025-03", f"m{manager.pk}_contacts_target": "-5"}
    )

    assert response.status_code == 400
    assert f'data-error-for="m{manager.pk}_contacts_target"' in response.content.decode()
    assert not Plan.objects.exists()


def test_copy_forward_from_the_page(login, supervisor, team, manager):
    PlanFactory(manager=manager, month=datetime.date(2025, 2, 1))

    response = login(supervisor).post(
        reverse("reports:plans_copy_forward"), {"month": "2025-03", "team": team.pk}
    )

    assert response.status_code == 302
    assert Plan.objects.filter(manager=manager, month=MARCH).exists()


@pytest.mark.parametrize("url_name", ["reports:plans", "reports:board"])
def test_managers_get_403_on_plans_and_board(login, manager, url_name):
    assert login(manager).get(reverse(url_name)).status_code == 403


# The board


def this_month():
    return timezone.localdate().replace(day=1)


def test_board_shows_each_manager_against_plan_and_the_team_total(
    login, supervisor, manager, other_manager, statuses
):
    PlanFactory(manager=manager, month=this_month(), contacts_target=10)
    client = ClientFactory(responsible_manager=manager)
    for _number in range(3):
        InteractionFactory(client=client, manager=manager, occurred_at=timezone.now())

    response = login(supervisor).get(reverse("reports:board"))

    board = response.context["board"]
    rows = {row.manager: row for row in board.rows}
    assert set(rows) == {manager, other_manager}
    assert rows[manager].counter("contacts_taken").done == 3
    assert rows[other_manager].has_plan is False
    total = {counter.key: counter for counter in board.total}
    assert (total["contacts_taken"].done, total["contacts_taken"].target) == (3, 10)
    assert records_behind(total["contacts_taken"].url) == 3
    assert records_behind(rows[manager].counter("contacts_taken").url) == 3


@pytest.mark.parametrize(
    ("done", "left", "expected"),
    [
        (10, 10, Pace.ON_TRACK),  # half the month gone, half the plan done
        (9, 10, Pace.AT_RISK),
        (5, 10, Pace.BEHIND),
        (20, 0, Pace.ON_TRACK),  # done
        (19, 0, Pace.BEHIND),  # the month is over
    ],
)
def test_pace_for_the_days_left(done, left, expected):
    from reports.selectors import Counter

    counter = Counter("contacts_taken", "Contacts", done, 20, left, "", 20)

    assert counter.pace_status == expected


@pytest.mark.parametrize("count", [1, 10])
def test_board_query_count_does_not_grow_with_managers(
    count, login, supervisor, team, statuses, django_assert_max_num_queries
):
    browser = login(supervisor)
    for _number in range(count):
        member = UserFactory(role="manager", team=team)
        PlanFactory(manager=member, month=this_month())
        InteractionFactory(client=ClientFactory(responsible_manager=member), manager=member)

    with django_assert_max_num_queries(6):
        response = browser.get(reverse("reports:board"))

    assert len(response.context["board"].rows) == count


def test_team_board_selector_for_no_managers():
    assert team_board(managers=[], month=MARCH).rows == ()


# API


def test_supervisor_sets_a_plan_through_the_api(login, supervisor, manager):
    response = login(supervisor).post(
        reverse("api:plan-set"),
        {"manager": manager.pk, "month": "2025-03", **targets(contacts=7)},
        content_type="application/json",
    )

    assert response.status_code == 200, response.content
    assert response.json()["contacts_target"] == 7
    assert AuditEntry.objects.filter(action="reports.plan.set").exists()


def test_api_refuses_a_plan_for_another_teams_manager(login, supervisor, foreign_manager):
    response = login(supervisor).post(
        reverse("api:plan-set"),
        {"manager": foreign_manager.pk, "month": "2025-03", **targets()},
        content_type="application/json",
    )

    assert response.status_code == 404


def test_manager_may_not_set_plans_through_the_api(login, manager):
    response = login(manager).post(
        reverse("api:plan-set"),
        {"manager": manager.pk, "month": "2025-03", **targets()},
        content_type="application/json",
    )

    assert response.status_code == 403


def test_board_api(login, supervisor, manager):
    PlanFactory(manager=manager, month=this_month())

    response = login(supervisor).get(reverse("api:board"))

    assert response.status_code == 200
    row = next(row for row in response.json()["rows"] if row["manager"] == manager.pk)
    assert row["pace_status"] in {"on_track", "at_risk", "behind"}


def test_my_counters_count_exactly_the_records_behind_their_links(manager, statuses):
    """Every kind, status and phone-system outcome, with and without a client: the counters
    (one pass over the month, reports.selectors) agree with the journal lists they link to."""
    now = timezone.now()
    log_every_kind_status_and_outcome(manager, statuses, occurred_at=now)
    InteractionFactory(
        client=ClientFactory(responsible_manager=manager), occurred_at=None, planned_at=now
    )

    counters = {
        counter.key: counter
        for counter in plan_progress(manager=manager, month=timezone.localdate()).counters
    }

    mine = Interaction.objects.filter(manager=manager)
    contacts, meetings = counters["contacts_taken"], counters["meetings_held"]
    assert contacts.done == contacts_taken(mine).count() == records_behind(contacts.url)
    assert meetings.done == meetings_held(mine).count() == records_behind(meetings.url)
    # Not everything counts, and not nothing: the conditions really sort the rows.
    assert 0 < meetings.done < contacts.done < mine.count()
