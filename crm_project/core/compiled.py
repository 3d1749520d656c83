"""Querysets built and compiled to SQL once per process, then run again with other values.

Building a queryset of correlated subqueries and compiling it to SQL is pure Python work that
gives the same SQL text on every request: only the parameter values differ. For My day's plan
counters that work was over half of the counters' cost (bench/README.md). `CompiledQuery` builds
the queryset once with *sentinel* values, notes which SQL parameters hold them, and from then on
runs the same SQL with the request's values in those places.

The builder keeps the one definition of what is counted (the selectors it calls); it must only
*describe* the query: a builder that reads data while building (say, a list of ids it then
inlines) would freeze that data into the kept SQL. Its SQL must depend only on the number of
items of a list value, never on the values themselves (the kept SQL is per list length).
"""

from __future__ import annotations

import datetime
import itertools
import threading
from collections.abc import Callable, Sequence
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections, models, router

# Values no real query holds: the parameters equal to them are the ones a run replaces.
_SENTINEL_INTS = itertools.count(-7_315_000_001, -1)
_SENTINEL_DATE = datetime.date(1903, 2, 17)
_SENTINEL_DATETIME = datetime.datetime(1903, 2, 17, 3, 4, 5, 678_901, tzinfo=datetime.UTC)


class _Compiled:
    __slots__ = ("converters", "params", "slots", "sql")

    def __init__(
        self,
        sql: str,
        params: list[Any],
        slots: list[tuple[int, str, int | None]],
        converters: list[tuple[int, models.Expression, list[Callable]]],
    ) -> None:
        self.sql = sql
        self.params = params
        self.slots = slots  # (parameter position, value name, item of a list value or None)
        # (column, what it holds, the database's converters for it): columns needing none left out
        self.converters = converters


class CompiledQuery:
    """`build(**values)` compiled once per database and list lengths; `rows(**values)` runs it.

    `model` is the queryset's model: its reads go where the database routers send them (the
    replica inside `replica_reads()`). `fields` names each value and the model field that adapts
    it to the database (an IntegerField for ids, a DateTimeField for bounds, ...); a list value
    is a list of that field.
    """

    def __init__(
        self,
        model: type[models.Model],
        build: Callable[..., models.QuerySet],
        **fields: models.Field,
    ) -> None:
        self.model = model
        self.build = build
        self.fields = fields
        self._compiled: dict[tuple, _Compiled] = {}
        self._lock = threading.Lock()

    def rows(self, **values: Any) -> list[dict[str, Any]]:
        """The queryset's rows as dicts (as `.values()` gives them), for these values."""
        connection = connections[router.db_for_read(self.model)]
        compiled = self._get(connection, values)
        if not compiled.sql:
            return []
        params = list(compiled.params)
        for position, name, item in compiled.slots:
            value = values[name] if item is None else values[name][item]
            params[position] = self._adapt(name, value, connection)
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, params)
            columns = [column[0] for column in cursor.description]
            rows = cursor.fetchall()
        result = []
        for row in rows:
            values_row = list(row)
            for index, expression, functions in compiled.converters:
                for function in functions:
                    values_row[index] = function(values_row[index], expression, connection)
            result.append(dict(zip(columns, values_row, strict=True)))
        return result

    def _adapt(self, name: str, value: Any, connection: Any) -> Any:
        return self.fields[name].get_db_prep_value(value, connection, prepared=False)

    def _shape(self, values: dict[str, Any]) -> tuple:
        if values.keys() != self.fields.keys():
            raise TypeError(f"expected the values {sorted(self.fields)}, got {sorted(values)}")
        return tuple(
            len(value) if isinstance(value, Sequence) and not isinstance(value, str) else None
            for value in values.values()
        )

    def _get(self, connection: Any, values: dict[str, Any]) -> _Compiled:
        key = (connection.alias, connection.vendor, tuple(values), self._shape(values))
        compiled = self._compiled.get(key)
        if compiled is None:
            compiled = self._compile(connection, values)
            with self._lock:
                self._compiled[key] = compiled
        return compiled

    def _sentinel(self, name: str) -> Any:
        field = self.fields[name]
        if isinstance(field, models.DateTimeField):
            return _SENTINEL_DATETIME + datetime.timedelta(seconds=next(_SENTINEL_INTS) % 86_400)
        if isinstance(field, models.DateField):
            return _SENTINEL_DATE + datetime.timedelta(days=next(_SENTINEL_INTS) % 3_650)
        if isinstance(field, models.IntegerField | models.AutoField):
            return next(_SENTINEL_INTS)
        raise TypeError(f"no sentinel for {type(field).__name__} ({name})")

    def _compile(self, connection: Any, values: dict[str, Any]) -> _Compiled:
        sentinels: dict[str, Any] = {}
        where: dict[Any, tuple[str, int | None]] = {}
        for name, value in values.items():
            if isinstance(value, Sequence) and not isinstance(value, str):
                sentinels[name] = [self._sentinel(name) for _ in value]
                for item, sentinel in enumerate(sentinels[name]):
                    where[self._adapt(name, sentinel, connection)] = (name, item)
            else:
                sentinels[name] = self._sentinel(name)
                where[self._adapt(name, sentinels[name], connection)] = (name, None)
        queryset = self.build(**sentinels).using(connection.alias)
        if queryset.model is not self.model:
            raise TypeError(f"the built query reads {queryset.model}, not {self.model}")
        compiler = queryset.query.get_compiler(connection=connection)
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:  # e.g. pk__in=[]: no rows, as the queryset itself would give
            return _Compiled("", [], [], [])
        slots = []
        for position, param in enumerate(params):
            found = where.get(param) if _hashable(param) else None
            if found is not None:
                slots.append((position, *found))
        missing = {(name, item) for name, item in where.values()} - {
            (name, item) for _, name, item in slots
        }
        if missing:
            raise ValueError(f"the built query does not use the values {sorted(missing, key=str)}")
        converters = [
            (index, expression, functions)
            for index, (expression, _sql, _alias) in enumerate(compiler.select)
            if (
                functions := [
                    *connection.ops.get_db_converters(expression),
                    *expression.get_db_converters(connection),
                ]
            )
        ]
        return _Compiled(sql, list(params), slots, converters)


def _hashable(value: Any) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True
