"""Signed senders for each provider's format, secrets, and a real Celery worker."""

from __future__ import annotations

import contextlib
import importlib
import json
import time

import pytest
from django.apps import apps
from django.core.cache import cache
from django.test import Client as BrowserClient

from crm_project.celery import app as celery_app
from interactions.telephony import generic, twilio, zadarma
from interactions.telephony.models import TelephonyEvent
from interactions.telephony.services import telephony_event_process
from interactions.telephony.services.processing import drain_key
from tests.conftest import require_postgresql, require_redis

WEBHOOK_SECRET = "generic-webhook-secret"
TWILIO_TOKEN = "twilio-auth-token"
ZADARMA_SECRET = "zadarma-api-secret"
UNREACHABLE_BROKER = "redis://127.0.0.1:1/0"


@pytest.fixture(autouse=True)
def telephony_settings(settings):
    settings.TELEPHONY_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.TWILIO_AUTH_TOKEN = TWILIO_TOKEN
    settings.ZADARMA_API_SECRET = ZADARMA_SECRET
    settings.PHONE_DEFAULT_REGION = "RU"
    settings.TELEPHONY_ASTERISK_TIME_ZONE = "Europe/Moscow"
    settings.TELEPHONY_ZADARMA_TIME_ZONE = "Europe/Moscow"
    return settings


@pytest.fixture
def statuses(db):
    """The seeded status picklist, also in transactional tests (whose flush empties it)."""
    seeds = importlib.import_module("interactions.migrations.0002_seed_statuses")
    seeds.seed(apps, None)


@pytest.fixture
def browser():
    return BrowserClient()


def post_generic(browser, payload, *, timestamp=None, secret=WEBHOOK_SECRET, path="generic"):
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    headers = generic.signed_headers(secret, body, timestamp)
    return browser.post(
        f"/api/v1/telephony/{path}/",
        data=body,
        content_type="application/json",
        headers=headers,
    )


def post_twilio(browser, params, *, token=TWILIO_TOKEN):
    url = "http://testserver/api/v1/telephony/twilio/"
    signature = twilio.sign(token, url, params)
    return browser.post(
        "/api/v1/telephony/twilio/", data=params, headers={"X-Twilio-Signature": signature}
    )


def post_zadarma(browser, params, *, secret=ZADARMA_SECRET):
    return browser.post(
        "/api/v1/telephony/zadarma/",
        data=params,
        headers={"Signature": zadarma.sign(secret, params)},
    )


def process_all() -> list[str]:
    """Run the processing task's body for every pending event, oldest first."""
    pending = TelephonyEvent.objects.filter(state=TelephonyEvent.State.PENDING).order_by("id")
    return [telephony_event_process(event_id=pk) for pk in pending.values_list("pk", flat=True)]


@contextlib.contextmanager
def celery_broker(url: str):
    """Point the Celery app at another broker for the duration of the block."""
    previous = celery_app.conf.broker_url
    _reset_connections(url)
    try:
        yield
    finally:
        _reset_connections(previous)


def _reset_connections(url: str) -> None:
    # kombu keeps one pool per broker address; dropping the app's references is enough.
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    celery_app.conf.broker_url = url


def wait_for(predicate, timeout: float = 15.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()


@pytest.fixture
def celery_worker(statuses):
    """A real worker thread consuming from the real Redis, against the real PostgreSQL."""
    from celery.contrib.testing.worker import start_worker

    import interactions.tasks  # noqa: F401 - registers the tasks

    require_postgresql()
    redis_url = require_redis()
    with celery_broker(redis_url):
        with celery_app.connection_for_write() as connection:
            connection.default_channel.queue_purge("celery")
        # A drain an earlier test asked for (its worker gone) must not hold this one's back.
        cache.delete_many([drain_key("requested"), drain_key("running")])
        with start_worker(celery_app, perform_ping_check=False, shutdown_timeout=5):
            yield celery_app
