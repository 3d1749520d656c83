"""Send the supervisors' report reads to a read replica when one is configured.

Only code inside `replica_reads()` reads the replica: the report builders and their exports.
Everything else (pages, live counters, services, and every write) stays on the primary, so a
manager never misses his own last call because of replication lag.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

REPLICA = "replica"

_replica_wanted: ContextVar[bool] = ContextVar("replica_wanted", default=False)


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


@contextmanager
def replica_reads() -> Iterator[None]:
    """Within the block, reads go to the replica (if any) unless a write transaction is open.

    Inside an atomic block on the primary the block's own uncommitted rows are only visible
    there, so the reads stay on the primary.
    """
    token = _replica_wanted.set(True)
    try:
        yield
    finally:
        _replica_wanted.reset(token)


class ReportsReplicaRouter:
    def db_for_read(self, model: type, **hints: Any) -> str | None:
        if not (_replica_wanted.get() and replica_configured()):
            return None
        if connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return None
        return REPLICA

    def db_for_write(self, model: type, **hints: Any) -> str | None:
        return None

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        # The replica holds the same rows as the primary.
        return True

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        return db != REPLICA
