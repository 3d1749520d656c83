"""/healthz/: is this instance able to serve? Checks the database and the Celery broker.

Load balancers and container orchestrators poll it, so it answers without a session, fast,
and never leaks connection strings: a failing check says which component and a short reason.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.db import connections
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from kombu import Connection

logger = logging.getLogger(__name__)

# A load balancer marks an instance down after its own timeout; answer well within it.
BROKER_TIMEOUT_SECONDS = 2.0
DATABASE_TIMEOUT_SECONDS = 2.0
_CREDENTIALS = re.compile(r"(\w+://)[^@/\s]*@")


def _reason(error: BaseException) -> str:
    """A one-line, credential-free description of why a check failed."""
    message = str(error).strip().splitlines()[0] if str(error).strip() else ""
    message = _CREDENTIALS.sub(r"\1***@", message)[:160]
    return f"{type(error).__name__}: {message}" if message else type(error).__name__


def check_database() -> None:
    database = connections["default"]
    pool = getattr(database, "pool", None)
    if pool is None:
        with database.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        return
    # Through the pool, as requests get their connections, but bounded: a request would wait
    # DATABASE_POOL_TIMEOUT for a server that is down, longer than a load balancer waits for us.
    pool.open()
    with pool.connection(timeout=DATABASE_TIMEOUT_SECONDS) as connection:
        connection.execute("SELECT 1").fetchone()


def _check_filesystem_folders(options: dict) -> None:
    # kombu's filesystem transport "connects" without touching the disk; publishing and
    # consuming then fail on a missing or read-only folder. The folders are the embedded
    # broker's whole state, so they are created on demand like a server would create its own.
    for key in ("data_folder_in", "data_folder_out", "control_folder"):
        folder = options.get(key)
        if not folder:
            continue
        Path(folder).mkdir(parents=True, exist_ok=True)
        if not os.access(folder, os.W_OK):
            raise PermissionError(f"{key} is not writable")


def check_broker() -> None:
    options = dict(getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", None) or {})
    # Redis: bound the TCP connect and every read so a dead or blackholed host cannot hang us,
    # whatever longer timeouts the workers use.
    options["socket_connect_timeout"] = BROKER_TIMEOUT_SECONDS
    options["socket_timeout"] = BROKER_TIMEOUT_SECONDS
    with Connection(
        settings.CELERY_BROKER_URL,
        connect_timeout=BROKER_TIMEOUT_SECONDS,
        transport_options=options,
    ) as connection:
        connection.ensure_connection(
            max_retries=1, interval_start=0, interval_step=0, timeout=BROKER_TIMEOUT_SECONDS
        )
        if connection.transport_cls == "filesystem":
            _check_filesystem_folders(options)


CHECKS: dict[str, Callable[[], None]] = {
    "database": check_database,
    "broker": check_broker,
}


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    results: dict[str, str] = {}
    errors: dict[str, str] = {}
    for name, check in CHECKS.items():
        try:
            check()
        except Exception as error:  # any failure means "down", with its reason
            logger.warning("healthz: %s check failed", name, exc_info=True)
            results[name] = "down"
            errors[name] = _reason(error)
        else:
            results[name] = "ok"
    body: dict[str, object] = {"status": "ok" if not errors else "down", "checks": results}
    if errors:
        body["errors"] = errors
    return JsonResponse(body, status=200 if not errors else 503)
