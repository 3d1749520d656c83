"""Personas and shared fixtures.

Under CI (CI=true) the suite must run against PostgreSQL and Redis: a missing one is a failure,
never a skip. Elsewhere tests that need them skip with the reason.
"""

import os

import pytest
from django.conf import settings
from django.test import Client as BrowserClient

from crm_project.accounts.models import User
from crm_project.core import choices
from tests.factories import PASSWORD, TeamFactory, UserFactory

IN_CI = os.environ.get("CI", "").lower() == "true"


def pytest_collection_modifyitems(items):
    """Every transactional test restores the migrations' data (serialized_rollback).

    A transactional test empties the tables when it ends; without serialized_rollback Django
    then re-creates content types and permissions with new ids, and the next test that does
    restore the serialized data collides with them (a duplicate key), depending on the order the
    tests ran in. With every transactional test restoring, the order no longer matters, and the
    seeded picklists (statuses, deal stages) are back for whatever test runs next.
    """
    for item in items:
        marker = item.get_closest_marker("django_db")
        if marker is None or not marker.kwargs.get("transaction"):
            continue
        if marker.kwargs.get("serialized_rollback"):
            continue
        kwargs = {**marker.kwargs, "serialized_rollback": True}
        item.add_marker(pytest.mark.django_db(*marker.args, **kwargs), append=False)


@pytest.fixture(autouse=True)
def _forget_kept_choices():
    """Select options kept in the process (core.choices) must not outlive a test's rollback."""
    choices.clear()
    yield
    choices.clear()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup):
    """pytest-django's test databases, with psycopg's pools closed before they are dropped.

    A pool keeps its connections open after the last test; PostgreSQL then refuses to drop the
    database ("being accessed by other users") and the test database was left behind. This
    fixture wraps pytest-django's own, so its teardown runs first.
    """
    yield
    from django.db import connections

    for alias in connections:
        connection = connections[alias]
        # Every alias: a pool may have been opened by a test's threads only (the replica's).
        if alias in getattr(connection, "_connection_pools", {}):
            connection.close()
            connection.close_pool()


def pytest_configure(config):
    engine = settings.DATABASES["default"]["ENGINE"]
    if IN_CI and engine != "django.db.backends.postgresql":
        raise pytest.UsageError("CI must run against PostgreSQL: set DATABASE_URL.")
    if IN_CI and not settings.REDIS_URL:
        raise pytest.UsageError("CI must run against Redis: set REDIS_URL.")


def require_postgresql():
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        pytest.skip("needs PostgreSQL: set DATABASE_URL=postgres://…")


def require_redis() -> str:
    if not settings.REDIS_URL:
        pytest.skip("needs Redis: set REDIS_URL=redis://…")
    return settings.REDIS_URL


@pytest.fixture
def team(db):
    return TeamFactory(name="Moscow sales")


@pytest.fixture
def other_team(db):
    return TeamFactory(name="Kazan sales")


@pytest.fixture
def manager(team):
    return UserFactory(username="manager", role=User.Role.MANAGER, team=team)


@pytest.fixture
def other_manager(team):
    """A colleague in the same team."""
    return UserFactory(username="other_manager", role=User.Role.MANAGER, team=team)


@pytest.fixture
def foreign_manager(other_team):
    """A manager of another team."""
    return UserFactory(username="foreign_manager", role=User.Role.MANAGER, team=other_team)


@pytest.fixture
def supervisor(team):
    return UserFactory(username="supervisor", role=User.Role.SUPERVISOR, team=team)


@pytest.fixture
def operator(db):
    return UserFactory(username="operator", role=User.Role.OPERATOR, team=None)


@pytest.fixture
def admin(db):
    return UserFactory(
        username="admin", role=User.Role.ADMIN, team=None, is_staff=True, is_superuser=True
    )


@pytest.fixture
def anonymous(db):
    """No user: `login(anonymous)` gives a signed-out browser."""
    return None


@pytest.fixture
def anonymous_user():
    from django.contrib.auth.models import AnonymousUser

    return AnonymousUser()


@pytest.fixture
def statuses(db):
    """The seeded status picklist, re-seeded if a transactional test flushed it."""
    from interactions.models import InteractionStatus
    from tests.factories import seed_statuses

    if not InteractionStatus.objects.exists():
        seed_statuses()
    return InteractionStatus.objects.all()


PERSONAS = ("anonymous", "manager", "other_manager", "supervisor", "operator", "admin")


@pytest.fixture
def login():
    """login(user) -> a test client signed in as `user` (or anonymous for None)."""

    def make(user):
        browser = BrowserClient()
        if user is not None:
            assert browser.login(username=user.username, password=PASSWORD)
        return browser

    return make
