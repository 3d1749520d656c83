"""Deals: the stage funnel, overdue stages, won and lost, and the primary-contact points.

Every figure links to the deal list (clients.filters.DealFilter) or the points page
(clients.filters.PointsEntryFilter) filtered to exactly the records it counts. Amounts are
summed per currency: different currencies are never added together.
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clients.models import Deal, DealStage, DealStageChange, PointsEntry
from crm_project.accounts.models import User
from reports.builders.base import (
    Figure,
    Period,
    ReportDefinition,
    ReportParameters,
    Row,
    Scope,
    Section,
    deals_link,
    points_link,
    register,
)
from reports.builders.rows import Totals, grouped, manager_rows
from reports.selectors import won_deals

State = Deal.State


def _stages(condition: Q) -> list[DealStage]:
    return list(DealStage.objects.filter(condition).distinct().order_by("position", "id"))


def open_section(scope: Scope) -> Section:
    """Open deals in each working stage now (the funnel's current state)."""
    ids = scope.manager_ids
    open_deals = Deal.objects.open().filter(manager_id__in=ids)
    stages = _stages(
        Q(is_won=False, is_lost=False)
        & (Q(is_active=True) | Q(pk__in=open_deals.values("stage_id")))
    )
    totals = grouped(
        open_deals.values("manager_id")
        .annotate(
            total=Count("pk"),
            **{f"stage_{stage.pk}": Count("pk", filter=Q(stage_id=stage.pk)) for stage in stages},
        )
        .order_by(),
        "manager_id",
    )

    def cells(manager_ids: list[int], figures: Totals) -> tuple[Figure, ...]:
        query = {"managers": manager_ids, "state": State.OPEN.value}
        return (
            *(
                Figure(figures[f"stage_{stage.pk}"], deals_link(**query, stage=stage.pk))
                for stage in stages
            ),
            Figure(figures["total"], deals_link(**query)),
        )

    return Section(
        key="open_by_stage",
        title=_("Open deals by stage"),
        columns=(_("Manager"), *(stage.localized_name for stage in stages), _("Open deals")),
        rows=manager_rows(scope, totals, cells),
        note=_("Deals open now, whatever the period, by the stage they are in."),
        chart_kind="stacked",
        chart_columns=tuple(range(len(stages))),
    )


def reached_section(period: Period, scope: Scope) -> Section:
    """How many deals reached each stage in the period (entered, moved on, won or lost)."""
    ids = scope.manager_ids
    changes = DealStageChange.objects.filter(
        deal__manager_id__in=ids, changed_at__gte=period.start, changed_at__lt=period.end
    )
    stages = _stages(Q(is_active=True) | Q(pk__in=changes.values("to_stage_id")))
    totals = grouped(
        changes.values("deal__manager_id")
        .annotate(
            **{
                f"stage_{stage.pk}": Count("deal_id", distinct=True, filter=Q(to_stage=stage.pk))
                for stage in stages
            }
        )
        .order_by(),
        "deal__manager_id",
    )

    def cells(manager_ids: list[int], figures: Totals) -> tuple[Figure, ...]:
        query = {
            "managers": manager_ids,
            "reached_after": period.start,
            "reached_before": period.end,
        }
        return tuple(
            Figure(figures[f"stage_{stage.pk}"], deals_link(**query, reached_stage=stage.pk))
            for stage in stages
        )

    return Section(
        key="funnel",
        title=_("Stage funnel: deals that reached each stage in the period"),
        columns=(_("Manager"), *(stage.localized_name for stage in stages)),
        rows=manager_rows(scope, totals, cells) if stages else (),
        note=_(
            "A deal counts once in each stage it entered during the period, under the manager "
            "it belongs to now."
        ),
        chart_kind="funnel",
        chart_columns=tuple(range(len(stages))),
    )


def overdue_section(scope: Scope) -> Section:
    """Open deals whose current stage is past its due date, per manager and stage."""
    overdue = Deal.objects.overdue(timezone.now()).filter(manager_id__in=scope.manager_ids)
    stages = _stages(
        Q(is_won=False, is_lost=False)
        & ((Q(is_active=True) & Q(standard_days__gt=0)) | Q(pk__in=overdue.values("stage_id")))
    )
    totals = grouped(
        overdue.values("manager_id")
        .annotate(
            total=Count("pk"),
            **{f"stage_{stage.pk}": Count("pk", filter=Q(stage_id=stage.pk)) for stage in stages},
        )
        .order_by(),
        "manager_id",
    )

    def cells(manager_ids: list[int], figures: Totals) -> tuple[Figure, ...]:
        query = {"managers": manager_ids, "overdue": "true"}
        return (
            *(
                Figure(figures[f"stage_{stage.pk}"], deals_link(**query, stage=stage.pk))
                for stage in stages
            ),
            Figure(figures["total"], deals_link(**query)),
        )

    return Section(
        key="overdue",
        title=_("Overdue stages"),
        columns=(_("Manager"), *(stage.localized_name for stage in stages), _("Overdue deals")),
        rows=manager_rows(scope, totals, cells),
        note=_("Open deals whose stage is past its standard number of days, now."),
        chart_column=len(stages),
    )


def amount(value: Decimal | int | None) -> int | float:
    """A sum of money as a number the page, the files and the stored snapshot all keep."""
    value = Decimal(value or 0)
    return int(value) if value == value.to_integral_value() else float(value)


def won_lost_section(period: Period, scope: Scope) -> Section:
    """Deals won and lost in the period: how many, and their amounts in each currency."""
    # Won: exactly reports.selectors.won_deals, the plan's "deals closed".
    won = won_deals(period.start, period.end)
    lost = Deal.objects.filter(
        state=State.LOST, closed_at__gte=period.start, closed_at__lt=period.end
    )
    closed = (won | lost).filter(manager_id__in=scope.manager_ids)
    states = (State.WON, State.LOST)
    currencies = [
        currency
        for currency in Deal.Currency.values
        if currency in set(closed.values_list("currency", flat=True).distinct().order_by())
    ]
    aggregates = {state: Count("pk", filter=Q(state=state)) for state in states}
    for state in states:
        for currency in currencies:
            where = Q(state=state, currency=currency)
            aggregates[f"{state}_{currency}_count"] = Count("pk", filter=where)
            aggregates[f"{state}_{currency}_amount"] = Sum("amount", filter=where)
    totals = grouped(closed.values("manager_id").annotate(**aggregates).order_by(), "manager_id")

    def cells(manager_ids: list[int], figures: Totals) -> tuple[Figure, ...]:
        result = []
        for state in states:
            query = {
                "managers": manager_ids,
                "state": state.value,
                "closed_after": period.start,
                "closed_before": period.end,
            }
            result.append(Figure(figures[state], deals_link(**query)))
            result += [
                Figure(
                    amount(figures[f"{state}_{currency}_amount"]),
                    deals_link(**query, currency=currency),
                    count=figures[f"{state}_{currency}_count"],
                )
                for currency in currencies
            ]
        return tuple(result)

    columns = [_("Manager")]
    for won, label in ((True, _("Won")), (False, _("Lost"))):
        columns.append(label)
        columns += [
            (_("Won, %(currency)s") if won else _("Lost, %(currency)s")) % {"currency": currency}
            for currency in currencies
        ]
    return Section(
        key="won_lost",
        title=_("Won and lost"),
        columns=tuple(columns),
        rows=manager_rows(scope, totals, cells),
        note=_("Deals closed in the period; amounts are summed per currency, never converted."),
    )


def _points_users(period: Period, scope: Scope, entries: QuerySet) -> list[User]:
    """The scope's managers, then anyone else of the team who earned points in the period."""
    users = list(scope.managers)
    if scope.manager is None and scope.team is not None:
        earned = entries.filter(user__team=scope.team).exclude(user_id__in=scope.manager_ids)
        users += list(
            User.objects.filter(pk__in=earned.values("user_id")).order_by(
                "last_name", "first_name", "username"
            )
        )
    return users


def points_section(period: Period, scope: Scope) -> Section:
    """Primary-contact points each user earned in the period, by reason."""
    in_period = PointsEntry.objects.filter(created_at__gte=period.start, created_at__lt=period.end)
    users = _points_users(period, scope, in_period)
    reasons = list(PointsEntry.Reason)
    aggregates = {}
    for reason in reasons:
        aggregates[f"{reason}_points"] = Sum("points", filter=Q(reason=reason))
        aggregates[f"{reason}_count"] = Count("pk", filter=Q(reason=reason))
    totals = grouped(
        in_period.filter(user__in=users)
        .values("user_id")
        .annotate(earned=Sum("points"), entries=Count("pk"), **aggregates)
        .order_by(),
        "user_id",
    )
    rows = []
    everyone = Totals()
    for user in users:
        figures = totals.get(user.pk, Totals())
        everyone.update(figures)
        query = {
            "user": user.pk,
            "earned_after": period.start,
            "earned_before": period.end,
        }
        cells = [
            Figure(
                figures[f"{reason}_points"],
                points_link(**query, reason=reason.value),
                count=figures[f"{reason}_count"],
            )
            for reason in reasons
        ]
        cells.append(Figure(figures["earned"], points_link(**query), count=figures["entries"]))
        rows.append(Row(label=str(user), cells=tuple(cells)))
    if len(users) > 1:
        # The points page lists one user's entries at a time: the total has no single list.
        total = [Figure(everyone[f"{reason}_points"]) for reason in reasons]
        rows.append(
            Row(label=_("Total"), cells=(*total, Figure(everyone["earned"])), is_total=True)
        )
    return Section(
        key="points",
        title=_("Primary-contact points"),
        columns=(
            _("Earned by"),
            *(str(reason.label) for reason in reasons),
            _("Points in total"),
        ),
        rows=tuple(rows),
        note=_("Points earned in the period for entering a new client's primary contact."),
        chart_column=len(reasons),
    )


def build(period: Period, scope: Scope, parameters: ReportParameters) -> list[Section]:
    return [
        reached_section(period, scope),
        open_section(scope),
        overdue_section(scope),
        won_lost_section(period, scope),
        points_section(period, scope),
    ]


DEALS = register(
    ReportDefinition(
        key="deals",
        title=gettext_lazy("Deals"),
        description=gettext_lazy(
            "The stage funnel, overdue stages, deals won and lost with their amounts per "
            "currency, and the primary-contact points."
        ),
        build_sections=build,
    )
)
