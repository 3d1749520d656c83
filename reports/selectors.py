"""Live progress against the plan: the counters on My day, /api/v1/counters/ and the board."""

from __future__ import annotations

import calendar
import datetime
import zoneinfo
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from django.db import models
from django.db.models import Count, Exists, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crm_project.accounts.models import User
from crm_project.core.compiled import CompiledQuery
from interactions.models import Interaction
from interactions.selectors import (
    CONTACT_TAKEN_CONDITION,
    CONTACTS_TAKEN,
    MEETING_HELD_CONDITION,
    MEETINGS_HELD,
)
from reports.models import Plan

if TYPE_CHECKING:
    from django.utils.functional import Promise


DEALS_CLOSED = "deals_closed"
# Below this share of the steady pace's figure a manager is behind; between it and 1, at risk.
AT_RISK_SHARE = Decimal("0.8")


class Pace(models.TextChoices):
    ON_TRACK = "on_track", _("On track")
    AT_RISK = "at_risk", _("At risk")
    BEHIND = "behind", _("Behind")


@dataclass(frozen=True)
class Counter:
    """One plan figure: `done` of `target` (0: no plan) and the pace the rest of the month asks."""

    key: str
    label: str | Promise
    done: int
    target: int
    working_days_left: int
    url: str  # the list of exactly the records counted; empty while the records do not exist
    working_days_total: int = 0  # of the whole month, for the pace status

    @property
    def has_plan(self) -> bool:
        return self.target > 0

    @property
    def remaining(self) -> int:
        return max(self.target - self.done, 0)

    @property
    def percent(self) -> int:
        """Of the target; may pass 100 when the plan is beaten."""
        if not self.has_plan:
            return 0
        return int((Decimal(self.done) * 100 / self.target).quantize(0, ROUND_HALF_UP))

    @property
    def bar_percent(self) -> int:
        return min(self.percent, 100)

    @property
    def is_done(self) -> bool:
        return self.has_plan and self.remaining == 0

    @property
    def pace(self) -> Decimal | None:
        """What is left per working day left (one decimal), None when nothing is left to do
        or no working day is left."""
        if not self.has_plan or self.remaining == 0 or self.working_days_left == 0:
            return None
        pace = Decimal(self.remaining) / self.working_days_left
        return pace.quantize(Decimal("0.1"), ROUND_HALF_UP)

    @property
    def expected(self) -> Decimal:
        """What a steady pace would have done by the start of today."""
        if not self.has_plan or not self.working_days_total:
            return Decimal(0)
        elapsed = self.working_days_total - self.working_days_left
        return Decimal(self.target) * elapsed / self.working_days_total

    @property
    def pace_status(self) -> str | None:
        """On track, at risk or behind for the days left; None without a plan."""
        if not self.has_plan:
            return None
        if self.is_done:
            return Pace.ON_TRACK
        if self.working_days_left == 0:
            return Pace.BEHIND
        if self.done >= self.expected:
            return Pace.ON_TRACK
        if self.done >= self.expected * AT_RISK_SHARE:
            return Pace.AT_RISK
        return Pace.BEHIND


@dataclass(frozen=True)
class PlanProgress:
    manager: User
    month: datetime.date
    has_plan: bool
    working_days_left: int
    counters: tuple[Counter, ...]

    def counter(self, key: str) -> Counter:
        return next(counter for counter in self.counters if counter.key == key)

    @property
    def pace_status(self) -> str | None:
        """The worst pace of the counters with a plan."""
        statuses = {counter.pace_status for counter in self.counters} - {None}
        for status in (Pace.BEHIND, Pace.AT_RISK, Pace.ON_TRACK):
            if status in statuses:
                return status
        return None


def month_bounds(
    month: datetime.date, zone: datetime.tzinfo
) -> tuple[datetime.datetime, datetime.datetime]:
    """[start, end) of the calendar month in the manager's time zone."""
    following = (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return (
        datetime.datetime(month.year, month.month, 1, tzinfo=zone),
        datetime.datetime(following.year, following.month, 1, tzinfo=zone),
    )


def working_days_left(month: datetime.date, today: datetime.date) -> int:
    """Monday to Friday from today (included) to the month's end; 0 for a past month."""
    first = month.replace(day=1)
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    day = max(first, today)
    count = 0
    while day <= last:
        count += day.weekday() < 5
        day += datetime.timedelta(days=1)
    return count


def manager_zone(manager: User) -> datetime.tzinfo:
    return (
        zoneinfo.ZoneInfo(manager.time_zone)
        if manager.time_zone
        else timezone.get_default_timezone()
    )


def won_deals(start: datetime.datetime, end: datetime.datetime) -> models.QuerySet:
    """Deals won in [start, end): "deals closed" of the plans, the board and every report.

    The one definition: deals_closed, the board's grouped query (_figures), plan fulfilment,
    lead sources and the deals report all filter this set further.
    """
    from clients.models import Deal

    return Deal.objects.won().filter(closed_at__gte=start, closed_at__lt=end)


def deals_closed(*, manager: User, start: datetime.datetime, end: datetime.datetime) -> int:
    """Deals the manager won in [start, end): counted the moment the deal is won."""
    return won_deals(start, end).filter(manager=manager).count()


def deals_closed_url(*, manager: User, start: datetime.datetime, end: datetime.datetime) -> str:
    """The deal list filtered to exactly the deals `deals_closed` counts."""
    query = {
        "manager": manager.pk,
        "state": "won",
        "closed_after": start.isoformat(),
        "closed_before": end.isoformat(),
    }
    return f"{reverse('clients:deal_list')}?{urlencode(query)}"


def journal_url(
    counter: str, *, manager: User, start: datetime.datetime, end: datetime.datetime
) -> str:
    """The journal filtered to exactly the records a counter counts."""
    query = {
        "counter": counter,
        "manager": manager.pk,
        "occurred_after": start.isoformat(),
        "occurred_before": end.isoformat(),
    }
    return f"{reverse('interactions:list')}?{urlencode(query)}"


def plan_progress(*, manager: User, month: datetime.date) -> PlanProgress:
    """The manager's contacts taken, meetings held and deals closed in `month` against his plan.

    Two queries: the plan, and one aggregate over the journal. Each counter is defined once, in
    interactions.selectors, and its `url` lists exactly the records it counts.
    """
    return plans_progress(managers=[manager], month=month)[manager.pk]


def plans_progress(*, managers: Sequence[User], month: datetime.date) -> dict[int, PlanProgress]:
    """plan_progress for many managers at once: {manager id: PlanProgress}.

    One query per time zone among the managers (usually one), whatever their number: each
    manager's plan and counts come as correlated subqueries, his month taken in his own zone.
    """
    month = month.replace(day=1)
    by_zone: dict[str, list[User]] = {}
    for manager in managers:
        by_zone.setdefault(str(manager_zone(manager)), []).append(manager)
    figures: dict[int, dict] = {}
    bounds: dict[int, tuple[datetime.datetime, datetime.datetime]] = {}
    for zone_managers in by_zone.values():
        start, end = month_bounds(month, manager_zone(zone_managers[0]))
        ids = [manager.pk for manager in zone_managers]
        figures |= _figures(ids, month, start, end)
        bounds |= dict.fromkeys(ids, (start, end))
    return {
        manager.pk: _progress(manager, month, figures[manager.pk], bounds[manager.pk])
        for manager in managers
    }


def _count(queryset: models.QuerySet, condition: Q | None = None) -> Coalesce:
    """The number of rows of a queryset correlated on OuterRef("pk") (the manager).

    With `condition`, the rows that meet it: a condition counted rather than filtered on leaves
    the planner no index combinations to weigh for it (most of the counters' planning time).
    """
    counted = (
        queryset.order_by()
        .values("manager")
        .annotate(total=Count("pk", filter=condition))
        .values("total")
    )
    return Coalesce(Subquery(counted, output_field=models.IntegerField()), Value(0))


def _figures_queryset(
    ids: list[int], month: datetime.date, start: datetime.datetime, end: datetime.datetime
) -> models.QuerySet:
    # Counted like interactions.selectors.contacts_taken and meetings_held, whose conditions
    # these are: the links behind the counters list those querysets.
    journal = Interaction.objects.filter(
        manager=OuterRef("pk"), occurred_at__gte=start, occurred_at__lt=end
    ).counted()
    plan = Plan.objects.filter(manager=OuterRef("pk"), month=month)
    # The same set as deals_closed (issue 5), counted for every manager in this one query.
    deals = won_deals(start, end).filter(manager=OuterRef("pk"))
    return (
        User.objects.filter(pk__in=ids)
        .annotate(
            progress_has_plan=Exists(plan),
            progress_contacts_target=Subquery(plan.values("contacts_target")[:1]),
            progress_meetings_target=Subquery(plan.values("meetings_target")[:1]),
            progress_deals_target=Subquery(plan.values("deals_target")[:1]),
            progress_contacts=_count(journal, CONTACT_TAKEN_CONDITION),
            progress_meetings=_count(journal, MEETING_HELD_CONDITION),
            progress_deals=_count(deals),
        )
        .values("pk", *(f"progress_{name}" for name in PROGRESS_FIGURES))
        .order_by()
    )


# Compiled once per process: building this query was half of what My day's counters cost.
_FIGURES = CompiledQuery(
    User,
    _figures_queryset,
    ids=models.IntegerField(),
    month=models.DateField(),
    start=models.DateTimeField(),
    end=models.DateTimeField(),
)


def _figures(
    ids: list[int], month: datetime.date, start: datetime.datetime, end: datetime.datetime
) -> dict[int, dict]:
    rows = _FIGURES.rows(ids=ids, month=month, start=start, end=end)
    # Prefixed: User already has fields named like the figures (e.g. the `deals` relation).
    return {row["pk"]: {name: row[f"progress_{name}"] for name in PROGRESS_FIGURES} for row in rows}


PROGRESS_FIGURES = (
    "has_plan",
    "contacts_target",
    "meetings_target",
    "deals_target",
    "contacts",
    "meetings",
    "deals",
)


def _progress(
    manager: User,
    month: datetime.date,
    totals: dict,
    bounds: tuple[datetime.datetime, datetime.datetime],
) -> PlanProgress:
    start, end = bounds
    zone = start.tzinfo
    assert zone is not None
    days_left = working_days_left(month, timezone.localtime(timezone.now(), zone).date())
    days_total = working_days_left(month, month)
    links = {"manager": manager, "start": start, "end": end}

    def counter(key: str, label: Promise, done: int, target: int, url: str) -> Counter:
        return Counter(key, label, done, target, days_left, url, days_total)

    return PlanProgress(
        manager=manager,
        month=month,
        has_plan=totals["has_plan"],
        working_days_left=days_left,
        counters=(
            counter(
                CONTACTS_TAKEN,
                _("Contacts taken"),
                totals["contacts"],
                totals["contacts_target"] or 0,
                journal_url(CONTACTS_TAKEN, **links),
            ),
            counter(
                MEETINGS_HELD,
                _("Meetings held"),
                totals["meetings"],
                totals["meetings_target"] or 0,
                journal_url(MEETINGS_HELD, **links),
            ),
            counter(
                DEALS_CLOSED,
                _("Deals closed"),
                totals["deals"],
                totals["deals_target"] or 0,
                deals_closed_url(**links),
            ),
        ),
    )


@dataclass(frozen=True)
class TeamBoard:
    """The supervisor's board: each manager's progress and the team's total."""

    month: datetime.date
    rows: tuple[PlanProgress, ...]
    total: tuple[Counter, ...]


def team_board(*, managers: Sequence[User], month: datetime.date) -> TeamBoard:
    """Every manager's live counters against plan, with pace, and the team total.

    A fixed number of queries (plans_progress); the total's links list the team's records when
    all its managers share a time zone (otherwise their months start at different moments and
    the total has no single list).
    """
    month = month.replace(day=1)
    progress = plans_progress(managers=managers, month=month)
    rows = tuple(progress[manager.pk] for manager in managers)
    zones = {str(manager_zone(manager)) for manager in managers}
    total = []
    for index, key in enumerate((CONTACTS_TAKEN, MEETINGS_HELD, DEALS_CLOSED)):
        counters = [row.counters[index] for row in rows]
        url = ""
        if key != DEALS_CLOSED and len(zones) == 1 and managers:
            start, end = month_bounds(month, manager_zone(managers[0]))
            query = {
                "counter": key,
                "managers": [manager.pk for manager in managers],
                "occurred_after": start.isoformat(),
                "occurred_before": end.isoformat(),
            }
            url = f"{reverse('interactions:list')}?{urlencode(query, doseq=True)}"
        first = counters[0] if counters else None
        total.append(
            Counter(
                key,
                first.label if first else key,
                sum(counter.done for counter in counters),
                sum(counter.target for counter in counters),
                first.working_days_left if first else 0,
                url,
                first.working_days_total if first else 0,
            )
        )
    return TeamBoard(month=month, rows=rows, total=tuple(total))
