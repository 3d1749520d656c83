"""Plans: who sees which, and the rules the database keeps."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError, transaction

from crm_project.accounts.models import User
from reports.models import Plan
from tests.factories import PlanFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def plans(manager, other_manager, foreign_manager):
    return {
        "own": PlanFactory(manager=manager),
        "colleague": PlanFactory(manager=other_manager),
        "foreign": PlanFactory(manager=foreign_manager),
    }


def visible(user) -> set[Plan]:
    return set(Plan.objects.visible_to(user))


def test_manager_sees_only_his_own_plans(plans, manager):
    assert visible(manager) == {plans["own"]}


def test_supervisor_sees_his_teams_plans(plans, supervisor):
    assert visible(supervisor) == {plans["own"], plans["colleague"]}


def test_admin_sees_every_plan(plans, admin):
    assert visible(admin) == set(plans.values())


def test_operator_inactive_and_anonymous_see_no_plans(plans, operator, manager):
    manager.is_active = False
    manager.save()
    for user in (operator, manager, AnonymousUser()):
        assert visible(user) == set()


def test_supervisor_without_a_team_does_not_see_teamless_managers_plans(plans):
    lone_supervisor = UserFactory(role=User.Role.SUPERVISOR, team=None)
    teamless = PlanFactory(manager=UserFactory(role=User.Role.MANAGER, team=None))
    own = PlanFactory(manager=lone_supervisor)
    assert visible(lone_supervisor) == {own}
    assert teamless not in visible(lone_supervisor)


def test_plan_month_must_be_the_first_day(manager):
    with pytest.raises(IntegrityError), transaction.atomic():
        PlanFactory(manager=manager, month=datetime.date(2025, 3, 15))
    assert PlanFactory(manager=manager, month=datetime.date(2025, 3, 1))


def test_one_plan_per_manager_per_month(manager, other_manager):
    month = datetime.date(2025, 3, 1)
    PlanFactory(manager=manager, month=month)
    PlanFactory(manager=other_manager, month=month)
    PlanFactory(manager=manager, month=datetime.date(2025, 4, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        PlanFactory(manager=manager, month=month)
