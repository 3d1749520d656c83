"""Race tests: one callable run in several threads released at the same moment."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

from django.db import connection

T = TypeVar("T")


def at_once(target: Callable[[], T], count: int = 3) -> list[T]:
    """Call `target` in `count` threads that start together; their results, as they finish.

    Each thread has its own database connection (Django's are per thread) and closes it.
    """
    barrier = threading.Barrier(count)
    results: list[T] = []

    def run() -> None:
        try:
            barrier.wait()
            results.append(target())
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results
