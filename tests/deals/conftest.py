"""Fixtures for deals, stage control, transfers and points."""

import pytest
from celery import current_app

from clients.models import DealStage, TransferRule
from tests.api.conftest import api  # noqa: F401 (the JSON API client fixture)
from tests.deals.factories import seed_stages
from tests.factories import ClientFactory, ContactPersonFactory


@pytest.fixture(autouse=True)
def stages(db):
    """The seeded picklists, re-seeded if a transactional test flushed them."""
    if not DealStage.objects.exists():
        seed_stages()
    return DealStage.objects.all()


@pytest.fixture(autouse=True)
def eager_celery():
    """Tasks enqueued on commit run in-process, so their e-mails land in the locmem outbox."""
    previous = current_app.conf.task_always_eager
    current_app.conf.task_always_eager = True
    yield
    current_app.conf.task_always_eager = previous


@pytest.fixture
def no_rules(db):
    TransferRule.objects.all().delete()


@pytest.fixture
def own_client(manager):
    """The manager's client, entered by him, with a primary contact."""
    client = ClientFactory(name="Romashka", responsible_manager=manager, created_by=manager)
    ContactPersonFactory(client=client, last_name="Ivanov", first_name="Ivan", is_primary=True)
    return client
