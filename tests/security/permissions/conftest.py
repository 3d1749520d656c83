"""The matrix's world is built once per module, inside a transaction rolled back at the end."""

import pytest
from django.db import transaction

from tests.security.permissions.harness import sessions
from tests.security.permissions.world import World, build_world


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker) -> World:
    with django_db_blocker.unblock(), transaction.atomic():
        built = build_world()
        built.sessions = sessions(built)
        yield built
        transaction.set_rollback(True)
