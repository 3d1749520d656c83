"""/healthz/ names what is down while it is down, and is healthy again once it returns."""

from __future__ import annotations

import time

import pytest
from django.urls import reverse

from tests.reliability.conftest import database_down, served

pytestmark = [pytest.mark.reliability, pytest.mark.django_db(transaction=True)]


def health(browser) -> tuple[int, dict]:
    response = served(browser, reverse("core:healthz"))
    return response.status_code, response.json()


def test_healthz_says_the_broker_is_down_until_it_returns(app_broker, client):
    assert health(client) == (200, {"status": "ok", "checks": {"database": "ok", "broker": "ok"}})

    app_broker.kill()
    status, body = health(client)
    assert status == 503
    assert body["checks"] == {"database": "ok", "broker": "down"}
    assert body["errors"]["broker"]

    app_broker.start()
    assert health(client) == (200, {"status": "ok", "checks": {"database": "ok", "broker": "ok"}})


def test_healthz_says_the_database_is_down_until_it_returns(postgresql, app_broker, client):
    assert health(client)[0] == 200

    with database_down():
        started = time.monotonic()
        status, body = health(client)
        assert time.monotonic() - started < 5  # before a load balancer gives up on us
        assert status == 503
        assert body["checks"] == {"database": "down", "broker": "ok"}
        assert body["errors"]["database"]

    assert health(client) == (200, {"status": "ok", "checks": {"database": "ok", "broker": "ok"}})
