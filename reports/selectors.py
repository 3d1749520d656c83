"""Live progress against the plan: the counters on My day and /api/v1/counters/."""

from __future__ import annotations

import calendar
import datetime
import zoneinfo
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from interactions.models import Interaction
from interactions.selectors import CONTACTS_TAKEN, MEETINGS_HELD, contacts_taken, meetings_held
from reports.models import Plan

if TYPE_CHECKING:
    from django.utils.functional import Promise

    from crm_project.accounts.models import User

DEALS_CLOSED = "deals_closed"


@dataclass(frozen=True)
class Counter:
    """One plan figure: `done` of `target` (0: no plan) and the pace the rest of the month asks."""

    key: str
    label: str | Promise
    done: int
    target: int
    working_days_left: int
    url: str  # the list of exactly the records counted; empty while the records do not exist

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


@dataclass(frozen=True)
class PlanProgress:
    manager: User
    month: datetime.date
    has_plan: bool
    working_days_left: int
    counters: tuple[Counter, ...]

    def counter(self, key: str) -> Counter:
        return next(counter for counter in self.counters if counter.key == key)


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


def deals_closed(*, manager: User, start: datetime.datetime, end: datetime.datetime) -> int:
    """Deals the manager closed in [start, end): 0 until deals exist.

    Deals and their stages arrive with issue 5; that issue fills in this function (and the
    counter's link) and nothing else here.
    """
    return 0


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
    month = month.replace(day=1)
    zone = manager_zone(manager)
    start, end = month_bounds(month, zone)
    plan = Plan.objects.filter(manager=manager, month=month).first()
    journal = Interaction.objects.filter(
        manager=manager, occurred_at__gte=start, occurred_at__lt=end
    )
    totals = journal.aggregate(
        contacts=Count("pk", filter=Q(pk__in=contacts_taken(journal).values("pk"))),
        meetings=Count("pk", filter=Q(pk__in=meetings_held(journal).values("pk"))),
    )
    days_left = working_days_left(month, timezone.localtime(timezone.now(), zone).date())
    links = {"manager": manager, "start": start, "end": end}

    def counter(key: str, label: Promise, done: int, target: int, url: str) -> Counter:
        return Counter(key, label, done, target, days_left, url)

    return PlanProgress(
        manager=manager,
        month=month,
        has_plan=plan is not None,
        working_days_left=days_left,
        counters=(
            counter(
                CONTACTS_TAKEN,
                _("Contacts taken"),
                totals["contacts"],
                plan.contacts_target if plan else 0,
                journal_url(CONTACTS_TAKEN, **links),
            ),
            counter(
                MEETINGS_HELD,
                _("Meetings held"),
                totals["meetings"],
                plan.meetings_target if plan else 0,
                journal_url(MEETINGS_HELD, **links),
            ),
            counter(
                DEALS_CLOSED,
                _("Deals closed"),
                deals_closed(manager=manager, start=start, end=end),
                plan.deals_target if plan else 0,
                "",
            ),
        ),
    )
