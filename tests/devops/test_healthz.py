import time

import pytest
from django.urls import reverse

from tests.conftest import require_redis

pytestmark = pytest.mark.django_db


def test_healthz_is_ok_with_the_database_and_redis_up(client):
    require_redis()

    response = client.get(reverse("core:healthz"))

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "broker": "ok"}}


def test_healthz_names_the_broker_when_it_is_down_without_hanging(client, settings):
    settings.CELERY_BROKER_URL = "redis://:s3cret-pass@127.0.0.1:1/0"

    started = time.monotonic()
    response = client.get(reverse("core:healthz"))

    assert time.monotonic() - started < 5
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "down"
    assert body["checks"] == {"database": "ok", "broker": "down"}
    assert body["errors"]["broker"]
    assert "s3cret-pass" not in response.content.decode()


def test_healthz_checks_the_embedded_filesystem_broker(client, settings, tmp_path):
    queue = tmp_path / "broker" / "queue"
    settings.CELERY_BROKER_URL = "filesystem://"
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(queue),
        "data_folder_out": str(queue),
    }

    response = client.get(reverse("core:healthz"))

    assert response.status_code == 200
    assert response.json()["checks"]["broker"] == "ok"
    assert queue.is_dir()


def test_healthz_reports_an_unusable_filesystem_broker(client, settings, tmp_path):
    blocked = tmp_path / "queue"
    blocked.write_text("a file where the queue folder should be")
    settings.CELERY_BROKER_URL = "filesystem://"
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(blocked),
        "data_folder_out": str(blocked),
    }

    response = client.get(reverse("core:healthz"))

    assert response.status_code == 503
    assert response.json()["checks"] == {"database": "ok", "broker": "down"}


def test_healthz_needs_no_login_and_is_never_cached(client):
    response = client.get(reverse("core:healthz"))

    assert response.status_code in (200, 503)
    assert "no-cache" in response["Cache-Control"]
