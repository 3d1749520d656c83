"""Rows per manager with a total row, from one grouped aggregate."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any

from django.utils.translation import gettext as _

from reports.builders.base import Figure, Row, Scope

Totals = Counter[str]
CellsBuilder = Callable[[list[int], Totals], tuple[Figure, ...]]


def grouped(rows: Iterable[dict[str, Any]], key: str) -> dict[Any, Totals]:
    """{group: Counter of the aggregate's figures} from `queryset.values(key).annotate(...)`."""
    result: dict[Any, Totals] = {}
    for row in rows:
        group = row.pop(key)
        result.setdefault(group, Counter()).update(
            {name: value or 0 for name, value in row.items()}
        )
    return result


def manager_rows(scope: Scope, totals: dict[Any, Totals], cells: CellsBuilder) -> tuple[Row, ...]:
    """One row per manager of the scope, then the total of them all (the team's figures).

    `cells(manager_ids, figures)` makes a row's figures and links for those managers.
    """
    rows = [
        Row(label=str(manager), cells=cells([manager.pk], totals.get(manager.pk, Counter())))
        for manager in scope.managers
    ]
    if len(scope.managers) > 1:
        everyone: Totals = Counter()
        for manager in scope.managers:
            everyone.update(totals.get(manager.pk, Counter()))
        rows.append(Row(label=_("Total"), cells=cells(scope.manager_ids, everyone), is_total=True))
    return tuple(rows)
