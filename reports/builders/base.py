"""What every report is made of: a period, a scope, sections of figures that link to their records.

A report is built from the database by grouped aggregates (never a query per row) into plain
dataclasses; the pages, the exports, the API and the stored snapshots all read the same shape.
Every figure that counts records carries `url`: the journal or the client base with the filters
that list exactly those records (the filters live in interactions/filters.py and
clients/filters.py and share their definitions with the builders).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _

from crm_project.accounts.models import Team, User
from crm_project.core.capabilities import Capability, has_capability
from crm_project.core.db import replica_reads

if TYPE_CHECKING:
    from django.utils.functional import Promise

Value = int | float | str | None


# Period -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """Calendar days `date_from` to `date_to` (both included) in the time zone `zone`."""

    date_from: datetime.date
    date_to: datetime.date
    zone: datetime.tzinfo

    @property
    def start(self) -> datetime.datetime:
        return day_start(self.date_from, self.zone)

    @property
    def end(self) -> datetime.datetime:
        """The first moment after the period: ranges are [start, end)."""
        return day_start(self.date_to + datetime.timedelta(days=1), self.zone)

    @property
    def days(self) -> int:
        return (self.date_to - self.date_from).days + 1

    def months(self) -> list[datetime.date]:
        """The first day of every calendar month the period touches."""
        month = self.date_from.replace(day=1)
        months = []
        while month <= self.date_to:
            months.append(month)
            month = next_month(month)
        return months

    def as_dict(self) -> dict[str, str]:
        return {"date_from": self.date_from.isoformat(), "date_to": self.date_to.isoformat()}


def day_start(day: datetime.date, zone: datetime.tzinfo) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(), tzinfo=zone)


def next_month(month: datetime.date) -> datetime.date:
    return (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


# Scope ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """Whose figures a report shows: the managers of a team, or one manager."""

    team: Team | None
    managers: tuple[User, ...]
    manager: User | None = None  # set when the report is narrowed to one manager

    @property
    def manager_ids(self) -> list[int]:
        return [manager.pk for manager in self.managers]

    @property
    def label(self) -> str:
        if self.manager is not None:
            return str(self.manager)
        return str(self.team) if self.team else _("No team")


def team_managers(team: Team | None) -> tuple[User, ...]:
    """Every manager of the team, those who left included: their past work stays in reports."""
    if team is None:
        return ()
    return tuple(
        User.objects.filter(team=team, role=User.Role.MANAGER).order_by(
            "-is_active", "last_name", "first_name", "username"
        )
    )


def may_view_reports(user: User) -> bool:
    """Supervisors and admins read team reports; managers read their own figures."""
    return has_capability(user, Capability.VIEW_REPORTS) or has_capability(
        user, Capability.VIEW_OWN_PLAN
    )


def resolve_scope(user: User, *, team_id: int | None, manager_id: int | None) -> Scope:
    """The scope `user` asked for, or 403/404.

    A manager sees only himself (another manager or team: 403); a supervisor only his team
    (another team or a manager outside it: 404, as for anything not visible); an admin any team
    (the first one when none is asked for).
    """
    if not may_view_reports(user):
        raise PermissionDenied
    if not has_capability(user, Capability.VIEW_REPORTS):
        if manager_id not in (None, user.pk) or team_id not in (None, user.team_id):
            raise PermissionDenied(_("You may see only your own figures."))
        return Scope(team=user.team, managers=(user,), manager=user)
    team = _team_for(user, team_id)
    managers = team_managers(team)
    if manager_id is None:
        return Scope(team=team, managers=managers)
    chosen = next((manager for manager in managers if manager.pk == manager_id), None)
    if chosen is None:
        raise Http404
    return Scope(team=team, managers=(chosen,), manager=chosen)


def _team_for(user: User, team_id: int | None) -> Team | None:
    if user.is_admin:
        if team_id is None:
            return Team.objects.order_by("name").first()
        return get_object_or_404(Team, pk=team_id)
    if team_id is not None and team_id != user.team_id:
        raise Http404
    return user.team


def teams_for(user: User) -> list[Team]:
    """The teams `user` may choose between in the report filters."""
    if user.is_admin:
        return list(Team.objects.order_by("name"))
    return [user.team] if user.team_id and has_capability(user, Capability.VIEW_REPORTS) else []


# Figures ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    """One number of a report and the list of the records it counts.

    `count` is how many records `url` lists when the value is not that count itself (a share in
    per cent links to the records of its numerator).
    """

    value: Value
    url: str = ""
    count: int | None = None

    @property
    def records(self) -> int | None:
        if self.count is not None:
            return self.count
        return self.value if isinstance(self.value, int) else None

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"value": self.value, "url": self.url}
        if self.count is not None:
            data["count"] = self.count
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Figure:
        return cls(value=data.get("value"), url=data.get("url", ""), count=data.get("count"))


@dataclass(frozen=True)
class Row:
    label: str
    cells: tuple[Figure, ...]
    is_total: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "cells": [cell.as_dict() for cell in self.cells],
            "is_total": self.is_total,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Row:
        cells = tuple(Figure.from_dict(cell) for cell in data.get("cells", []))
        return cls(label=data.get("label", ""), cells=cells, is_total=data.get("is_total", False))


@dataclass(frozen=True)
class Section:
    """A table: `columns[0]` heads the row labels, the others the figures of each row."""

    key: str
    title: str
    columns: tuple[str, ...]
    rows: tuple[Row, ...]
    note: str = ""
    chart_column: int | None = None  # index into a row's cells drawn as bars
    # How the section is drawn (reports.builders.charts): "" (bars of chart_column, if set),
    # "stacked", "progress" or "funnel", over the cells at `chart_columns`.
    chart_kind: str = ""
    chart_columns: tuple[int, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "title": self.title,
            "columns": list(self.columns),
            "rows": [row.as_dict() for row in self.rows],
            "note": self.note,
            "chart_column": self.chart_column,
            "chart_kind": self.chart_kind,
            "chart_columns": list(self.chart_columns),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Section:
        return cls(
            key=data.get("key", ""),
            title=data.get("title", ""),
            columns=tuple(data.get("columns", [])),
            rows=tuple(Row.from_dict(row) for row in data.get("rows", [])),
            note=data.get("note", ""),
            chart_column=data.get("chart_column"),
            chart_kind=data.get("chart_kind", ""),
            chart_columns=tuple(data.get("chart_columns", ())),
        )

    def chart(self) -> list[tuple[str, int, int]]:
        """(label, value, bar width in per cent of the largest) for the chart column."""
        if self.chart_column is None:
            return []
        values = [
            (row.label, int(row.cells[self.chart_column].value or 0))
            for row in self.rows
            if not row.is_total
        ]
        largest = max((value for _label, value in values), default=0) or 1
        return [(label, value, round(value * 100 / largest)) for label, value in values]

    def svg(self) -> Any:
        """The section's chart as SVG shapes (reports.builders.charts.Chart), or None."""
        from reports.builders.charts import chart_for

        return chart_for(self)


@dataclass(frozen=True)
class Report:
    key: str
    title: str
    scope_label: str
    parameters: dict[str, Any]
    sections: tuple[Section, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "title": self.title,
            "scope": self.scope_label,
            "parameters": self.parameters,
            "sections": [section.as_dict() for section in self.sections],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Report:
        return cls(
            key=data.get("key", ""),
            title=data.get("title", ""),
            scope_label=data.get("scope", ""),
            parameters=data.get("parameters", {}),
            sections=tuple(Section.from_dict(section) for section in data.get("sections", [])),
        )

    @property
    def is_empty(self) -> bool:
        return not any(section.rows for section in self.sections)

    def figures(self) -> Iterable[Figure]:
        for section in self.sections:
            for row in section.rows:
                yield from row.cells


# Links ------------------------------------------------------------------------------------------


def journal_link(**query: Any) -> str:
    """The journal filtered by `query` (lists repeat their key: managers=1&managers=2)."""
    return _link("interactions:list", query)


def clients_link(**query: Any) -> str:
    return _link("clients:list", query)


def deals_link(**query: Any) -> str:
    """The deal list filtered by `query` (clients.filters.DealFilter)."""
    return _link("clients:deal_list", query)


def points_link(**query: Any) -> str:
    """The points page filtered by `query` (clients.filters.PointsEntryFilter)."""
    return _link("clients:points", query)


def _link(url_name: str, query: dict[str, Any]) -> str:
    plain = {
        key: value.isoformat() if isinstance(value, datetime.datetime) else value
        for key, value in query.items()
        if value is not None
    }
    return f"{reverse(url_name)}?{urlencode(plain, doseq=True)}"


def percent(part: int, whole: int) -> float | None:
    return round(part * 100 / whole, 1) if whole else None


# The registry -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportParameters:
    """Inputs beyond the period and the scope; each report reads those it needs."""

    compare_from: datetime.date | None = None
    compare_to: datetime.date | None = None
    stale_hours: int = 24
    idle_days: int = 30

    def as_dict(self) -> dict[str, Any]:
        return {
            "compare_from": self.compare_from.isoformat() if self.compare_from else None,
            "compare_to": self.compare_to.isoformat() if self.compare_to else None,
            "stale_hours": self.stale_hours,
            "idle_days": self.idle_days,
        }


Builder = Callable[[Period, Scope, ReportParameters], Sequence[Section]]


@dataclass(frozen=True)
class ReportDefinition:
    key: str
    title: str | Promise
    description: str | Promise
    build_sections: Builder
    team_only: bool = False  # True: supervisors and admins only, not a manager's own figures
    uses: tuple[str, ...] = field(default=())  # extra filter fields the page offers

    def build(self, period: Period, scope: Scope, parameters: ReportParameters) -> Report:
        """The report's figures, read from the reports' replica when one is configured."""
        with replica_reads():
            return self._build(period, scope, parameters)

    def _build(self, period: Period, scope: Scope, parameters: ReportParameters) -> Report:
        return Report(
            key=self.key,
            title=str(self.title),
            scope_label=scope.label,
            parameters={
                **period.as_dict(),
                "team": scope.team.pk if scope.team else None,
                "manager": scope.manager.pk if scope.manager else None,
                **{name: parameters.as_dict()[name] for name in self.uses},
            },
            sections=tuple(self.build_sections(period, scope, parameters)),
        )


REGISTRY: dict[str, ReportDefinition] = {}


def register(definition: ReportDefinition) -> ReportDefinition:
    REGISTRY[definition.key] = definition
    return definition
