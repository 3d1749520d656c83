"""Activity: interactions by kind, direction and status per manager; planned against performed."""

from __future__ import annotations

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from interactions.models import KINDS_BY_DIRECTION, Direction, Interaction, InteractionStatus, Kind
from reports.builders.base import (
    Figure,
    Period,
    ReportDefinition,
    ReportParameters,
    Scope,
    Section,
    journal_link,
    percent,
    register,
)
from reports.builders.rows import Totals, grouped, manager_rows

# The tasks a manager plans (interactions.services.TASK_KINDS).
PLANNED_KINDS = (Kind.OUTGOING_CALL, Kind.MEETING)
NO_STATUS = "-"


def performed(period: Period, manager_ids: list[int]) -> dict[str, object]:
    """The journal query of the interactions that took place in the period and count."""
    return {
        "counted": "true",
        "managers": manager_ids,
        "occurred_after": period.start,
        "occurred_before": period.end,
    }


def performed_set(period: Period, scope: Scope):  # type: ignore[no-untyped-def]
    return Interaction.objects.counted().filter(
        manager_id__in=scope.manager_ids,
        occurred_at__gte=period.start,
        occurred_at__lt=period.end,
    )


def journal_groups(period: Period, scope: Scope) -> list[dict[str, object]]:
    """How many counted interactions each manager had of each kind and status in the period.

    One grouped aggregate (a few hundred groups at most) that both the by-kind and the
    by-status tables read: a second scan of the month's journal would double the report's
    time at a million interactions (bench/report_activity.py).
    """
    return list(
        performed_set(period, scope)
        .values("manager_id", "kind", "status__code")
        .annotate(total=Count("pk"))
        .order_by()
    )


def by_kind_section(
    period: Period, scope: Scope, groups: list[dict[str, object]] | None = None
) -> Section:
    kinds = list(Kind)
    directions = list(Direction)
    totals: dict[int, Totals] = {}
    for group in journal_groups(period, scope) if groups is None else groups:
        figures = totals.setdefault(group["manager_id"], Totals())  # type: ignore[arg-type]
        kind, total = str(group["kind"]), int(group["total"])  # type: ignore[call-overload]
        figures[kind] += total
        figures["total"] += total
        for direction in directions:
            if kind in KINDS_BY_DIRECTION[direction]:
                figures[f"dir_{direction}"] += total

    def cells(ids: list[int], figures: Totals) -> tuple[Figure, ...]:
        query = performed(period, ids)
        calls = figures[Kind.INCOMING_CALL] + figures[Kind.OUTGOING_CALL]
        return (
            *(Figure(figures[kind], journal_link(**query, kind=kind.value)) for kind in kinds),
            Figure(figures["total"], journal_link(**query)),
            *(
                Figure(figures[f"dir_{direction}"], journal_link(**query, direction=direction))
                for direction in directions
            ),
            Figure(
                percent(figures[Kind.OUTGOING_CALL], calls),
                journal_link(**query, kind=Kind.OUTGOING_CALL.value),
                count=figures[Kind.OUTGOING_CALL],
            ),
        )

    return Section(
        key="by_kind",
        title=_("Interactions by kind and direction"),
        columns=(
            _("Manager"),
            *(str(kind.label) for kind in kinds),
            _("Total"),
            *(str(direction.label) for direction in directions),
            _("Share of outgoing calls, %"),
        ),
        rows=manager_rows(scope, totals, cells),
        note=_("Wrong numbers and other statuses excluded from counts are left out."),
        chart_kind="stacked",
        chart_columns=tuple(range(len(kinds))),
    )


def by_status_section(
    period: Period, scope: Scope, groups: list[dict[str, object]] | None = None
) -> Section:
    rows = journal_groups(period, scope) if groups is None else groups
    codes = sorted({row["status__code"] or NO_STATUS for row in rows})
    names = {
        status.code: status.localized_name
        for status in InteractionStatus.objects.filter(code__in=codes).order_by("position", "id")
    }
    totals: dict[int, Totals] = {}
    for row in rows:
        code = row["status__code"] or NO_STATUS
        totals.setdefault(row["manager_id"], Totals())[code] += row["total"]

    def cells(ids: list[int], figures: Totals) -> tuple[Figure, ...]:
        query = performed(period, ids)
        return tuple(
            Figure(
                figures[code],
                journal_link(**query, has_status="false")
                if code == NO_STATUS
                else journal_link(**query, status_code=code),
            )
            for code in codes
        )

    return Section(
        key="by_status",
        title=_("Interactions by status"),
        columns=(
            _("Manager"),
            *(_("No status") if code == NO_STATUS else names.get(code, code) for code in codes),
        ),
        rows=manager_rows(scope, totals, cells) if codes else (),
    )


def planned_section(period: Period, scope: Scope) -> Section:
    """Calls and meetings planned for the period: done, and never done by now."""
    overdue_before = min(period.end, timezone.now())
    aggregates = {}
    for kind in PLANNED_KINDS:
        aggregates[f"{kind}_planned"] = Count("pk", filter=Q(kind=kind))
        aggregates[f"{kind}_done"] = Count("pk", filter=Q(kind=kind, occurred_at__isnull=False))
        aggregates[f"{kind}_never"] = Count(
            "pk",
            filter=Q(kind=kind, occurred_at__isnull=True, planned_at__lt=overdue_before),
        )
    totals = grouped(
        Interaction.objects.counted()
        .filter(
            manager_id__in=scope.manager_ids,
            kind__in=PLANNED_KINDS,
            planned_at__gte=period.start,
            planned_at__lt=period.end,
        )
        .values("manager_id")
        .annotate(**aggregates)
        .order_by(),
        "manager_id",
    )

    def cells(ids: list[int], figures: Totals) -> tuple[Figure, ...]:
        result: list[Figure] = []
        for kind in PLANNED_KINDS:
            query = {
                "counted": "true",
                "managers": ids,
                "kind": kind.value,
                "planned_after": period.start,
                "planned_before": period.end,
            }
            never = {**query, "planned_before": overdue_before, "has_occurred": "false"}
            result += [
                Figure(figures[f"{kind}_planned"], journal_link(**query)),
                Figure(figures[f"{kind}_done"], journal_link(**query, has_occurred="true")),
                Figure(figures[f"{kind}_never"], journal_link(**never)),
            ]
        return tuple(result)

    return Section(
        key="planned",
        title=_("Planned and performed"),
        columns=(
            _("Manager"),
            _("Calls planned"),
            _("Calls made"),
            _("Calls never made"),
            _("Meetings planned"),
            _("Meetings that took place"),
            _("Meetings never held"),
        ),
        rows=manager_rows(scope, totals, cells),
        note=_("Planned for the period; “never” counts those whose time has passed undone."),
    )


def build(period: Period, scope: Scope, parameters: ReportParameters) -> list[Section]:
    groups = journal_groups(period, scope)
    return [
        by_kind_section(period, scope, groups),
        by_status_section(period, scope, groups),
        planned_section(period, scope),
    ]


ACTIVITY = register(
    ReportDefinition(
        key="activity",
        title=gettext_lazy("Activity"),
        description=gettext_lazy(
            "Interactions by kind, direction and status per manager, the share of outgoing "
            "calls, planned calls and meetings against those performed."
        ),
        build_sections=build,
    )
)
