"""Calls: first-time and repeat callers, missed calls and how fast they were returned, per day."""

from __future__ import annotations

import datetime

from django.db.models import Count, Q
from django.db.models.functions import TruncDate, TruncWeek
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from interactions.filters import (
    CALLBACK_CHOICES,
    callback_q,
    earlier_incoming_call_exists,
    first_callback_at,
    missed_call_q,
)
from interactions.models import CALL_KINDS, Interaction, Kind
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
    register,
)
from reports.builders.rows import Totals, grouped, manager_rows

CALL_KIND_VALUES = [kind.value for kind in CALL_KINDS]


def calls_in(period: Period, manager_ids: list[int]):  # type: ignore[no-untyped-def]
    return Interaction.objects.counted().filter(
        manager_id__in=manager_ids,
        kind__in=CALL_KINDS,
        occurred_at__gte=period.start,
        occurred_at__lt=period.end,
    )


def callers_section(period: Period, scope: Scope) -> Section:
    incoming = Q(kind=Kind.INCOMING_CALL)
    missed = missed_call_q()
    aggregates = {
        "incoming": Count("pk", filter=incoming),
        "first_time": Count("pk", filter=incoming & Q(is_repeat=False)),
        "repeat": Count("pk", filter=incoming & Q(is_repeat=True)),
        "missed": Count("pk", filter=missed),
        **{
            bucket: Count("pk", filter=missed & callback_q(bucket))
            for bucket, _label in CALLBACK_CHOICES
        },
        "outgoing": Count("pk", filter=Q(kind=Kind.OUTGOING_CALL)),
    }
    totals = grouped(
        calls_in(period, scope.manager_ids)
        .annotate(is_repeat=earlier_incoming_call_exists(), first_callback_at=first_callback_at())
        .values("manager_id")
        .annotate(**aggregates)
        .order_by(),
        "manager_id",
    )

    def cells(ids: list[int], figures: Totals) -> tuple[Figure, ...]:
        query = {
            "counted": "true",
            "managers": ids,
            "occurred_after": period.start,
            "occurred_before": period.end,
        }
        incoming_query = {**query, "kind": Kind.INCOMING_CALL.value}
        return (
            Figure(figures["incoming"], journal_link(**incoming_query)),
            Figure(figures["first_time"], journal_link(**incoming_query, first_time="true")),
            Figure(figures["repeat"], journal_link(**incoming_query, first_time="false")),
            Figure(figures["missed"], journal_link(**query, missed="true")),
            *(
                Figure(figures[bucket], journal_link(**query, missed="true", callback=bucket))
                for bucket, _label in CALLBACK_CHOICES
            ),
            Figure(figures["outgoing"], journal_link(**query, kind=Kind.OUTGOING_CALL.value)),
        )

    return Section(
        key="callers",
        title=_("Callers and missed calls"),
        columns=(
            _("Manager"),
            _("Incoming calls"),
            _("From first-time callers"),
            _("From repeat callers"),
            _("Missed calls"),
            *(str(label) for _bucket, label in CALLBACK_CHOICES),
            _("Outgoing calls"),
        ),
        rows=manager_rows(scope, totals, cells),
        note=_(
            "A repeat caller's number called before; a missed call is called back by the next "
            "outgoing call to the same client or number."
        ),
    )


def _per(period: Period, scope: Scope, trunc, unit: datetime.timedelta) -> list[Row]:  # type: ignore[no-untyped-def]
    buckets = (
        calls_in(period, scope.manager_ids)
        .annotate(bucket=trunc("occurred_at", tzinfo=period.zone))
        .values("bucket")
        .annotate(
            incoming=Count("pk", filter=Q(kind=Kind.INCOMING_CALL)),
            outgoing=Count("pk", filter=Q(kind=Kind.OUTGOING_CALL)),
            total=Count("pk"),
        )
        .order_by("bucket")
    )
    rows = []
    for bucket in buckets:
        first_day = bucket["bucket"]
        first_day = first_day.date() if isinstance(first_day, datetime.datetime) else first_day
        start = max(day_start(first_day, period.zone), period.start)
        end = min(day_start(first_day + unit, period.zone), period.end)
        query = {
            "counted": "true",
            "managers": scope.manager_ids,
            "occurred_after": start,
            "occurred_before": end,
        }
        rows.append(
            Row(
                label=date_format(max(first_day, period.date_from), "SHORT_DATE_FORMAT"),
                cells=(
                    Figure(bucket["incoming"], journal_link(**query, kind=Kind.INCOMING_CALL)),
                    Figure(bucket["outgoing"], journal_link(**query, kind=Kind.OUTGOING_CALL)),
                    Figure(bucket["total"], journal_link(**query, kind=CALL_KIND_VALUES)),
                ),
            )
        )
    return rows


def build(period: Period, scope: Scope, parameters: ReportParameters) -> list[Section]:
    columns = (_("Incoming calls"), _("Outgoing calls"), _("Calls"))
    return [
        callers_section(period, scope),
        Section(
            key="per_day",
            title=_("Calls per day"),
            columns=(_("Day"), *columns),
            rows=tuple(_per(period, scope, TruncDate, datetime.timedelta(days=1))),
            chart_column=2,
            chart_kind="columns",
        ),
        Section(
            key="per_week",
            title=_("Calls per week"),
            columns=(_("Week from"), *columns),
            rows=tuple(_per(period, scope, TruncWeek, datetime.timedelta(days=7))),
            chart_column=2,
            chart_kind="columns",
        ),
    ]


CALLS = register(
    ReportDefinition(
        key="calls",
        title=gettext_lazy("Calls"),
        description=gettext_lazy(
            "First-time and repeat callers, missed calls and how fast they were called back, "
            "calls per day and per week."
        ),
        build_sections=build,
    )
)
