"""Plan fulfilment per manager and month: contacts taken and meetings held against the plan."""

from __future__ import annotations

import datetime

from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from interactions.models import Interaction
from interactions.selectors import (
    CONTACT_TAKEN_CONDITION,
    CONTACTS_TAKEN,
    MEETING_HELD_CONDITION,
    MEETINGS_HELD,
)
from reports.builders.base import (
    Figure,
    Period,
    ReportDefinition,
    ReportParameters,
    Row,
    Scope,
    Section,
    day_start,
    journal_link,
    next_month,
    percent,
    register,
)
from reports.models import Plan
from reports.selectors import deals_closed_url, won_deals


def deals_closed_by_manager_and_month(
    scope: Scope, months: list[datetime.date], period: Period
) -> dict[tuple[int, datetime.date], Figure]:
    """{(manager id, month): Figure(deals closed, link to them)}: one grouped query.

    The same set as the plan counter (reports.selectors.won_deals) and the same link.
    """
    start = day_start(months[0], period.zone)
    end = day_start(next_month(months[-1]), period.zone)
    counts = {
        (row["manager_id"], row["month"].date()): row["total"]
        for row in won_deals(start, end)
        .filter(manager_id__in=scope.manager_ids)
        .annotate(month=TruncMonth("closed_at", tzinfo=period.zone))
        .values("manager_id", "month")
        .annotate(total=Count("pk"))
        .order_by()
    }
    figures = {}
    for month in months:
        bounds = {
            "start": day_start(month, period.zone),
            "end": day_start(next_month(month), period.zone),
        }
        for manager in scope.managers:
            figures[(manager.pk, month)] = Figure(
                counts.get((manager.pk, month), 0), deals_closed_url(manager=manager, **bounds)
            )
    return figures


def build(period: Period, scope: Scope, parameters: ReportParameters) -> list[Section]:
    months = period.months()
    start = day_start(months[0], period.zone)
    end = day_start(next_month(months[-1]), period.zone)
    # Counted like contacts_taken() and meetings_held(), whose conditions these are: both count
    # only counted interactions, so one pass over those gives both figures.
    counted = Interaction.objects.filter(
        manager_id__in=scope.manager_ids, occurred_at__gte=start, occurred_at__lt=end
    ).counted()
    done = {
        (row["manager_id"], row["month"].date()): row
        for row in counted.annotate(month=TruncMonth("occurred_at", tzinfo=period.zone))
        .values("manager_id", "month")
        .annotate(
            contacts=Count("pk", filter=CONTACT_TAKEN_CONDITION),
            meetings=Count("pk", filter=MEETING_HELD_CONDITION),
        )
        .order_by()
    }
    plans = {
        (plan.manager_id, plan.month): plan
        for plan in Plan.objects.filter(manager_id__in=scope.manager_ids, month__in=months)
    }
    deals = deals_closed_by_manager_and_month(scope, months, period)
    rows = []
    for month in months:
        bounds = {
            "occurred_after": day_start(month, period.zone),
            "occurred_before": day_start(next_month(month), period.zone),
        }
        plans_url = f"{reverse('reports:plans')}?month={month:%Y-%m}"
        for manager in scope.managers:
            figures = done.get((manager.pk, month), {})
            plan = plans.get((manager.pk, month))
            link = {"managers": [manager.pk], **bounds}
            contacts = figures.get("contacts", 0)
            meetings = figures.get("meetings", 0)
            contacts_target = plan.contacts_target if plan else 0
            deals_target = plan.deals_target if plan else 0
            meetings_target = plan.meetings_target if plan else 0
            contacts_url = journal_link(counter=CONTACTS_TAKEN, **link)
            meetings_url = journal_link(counter=MEETINGS_HELD, **link)
            deals_done = deals[(manager.pk, month)]
            rows.append(
                Row(
                    label=f"{date_format(month, 'YEAR_MONTH_FORMAT')} · {manager}",
                    cells=(
                        Figure(contacts, contacts_url),
                        Figure(contacts_target, plans_url),
                        Figure(percent(contacts, contacts_target), contacts_url, count=contacts),
                        Figure(meetings, meetings_url),
                        Figure(meetings_target, plans_url),
                        Figure(percent(meetings, meetings_target), meetings_url, count=meetings),
                        deals_done,
                        Figure(deals_target, plans_url),
                        Figure(
                            percent(deals_done.value, deals_target),
                            deals_done.url,
                            count=deals_done.value,
                        ),
                    ),
                )
            )
    return [
        Section(
            key="fulfilment",
            title=_("Plan fulfilment"),
            columns=(
                _("Month · manager"),
                _("Contacts taken"),
                _("Contacts planned"),
                # xgettext:no-python-format
                _("Contacts, % of plan"),
                _("Meetings held"),
                _("Meetings planned"),
                # xgettext:no-python-format
                _("Meetings, % of plan"),
                _("Deals closed"),
                _("Deals planned"),
                # xgettext:no-python-format
                _("Deals, % of plan"),
            ),
            rows=tuple(rows),
            note=_(
                "Whole calendar months the period touches; deals closed are the deals won in "
                "the month."
            ),
            chart_kind="progress",
            chart_columns=(0, 1, 3, 4, 6, 7),
        )
    ]


FULFILMENT = register(
    ReportDefinition(
        key="fulfilment",
        title=gettext_lazy("Plan fulfilment"),
        description=gettext_lazy(
            "Contacts taken, meetings held and deals closed against each manager's monthly plan."
        ),
        build_sections=build,
    )
)
