"""Period against period: the same figures for any two periods side by side."""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.db.models import Count, Q
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from interactions.filters import missed_call_q
from interactions.models import Interaction, Kind
from interactions.selectors import CONTACTS_TAKEN, MEETINGS_HELD, contacts_taken, meetings_held
from reports.builders.base import (
    Figure,
    Period,
    ReportDefinition,
    ReportParameters,
    Row,
    Scope,
    Section,
    journal_link,
    register,
)

# (key, label, condition over counted interactions, extra journal filters); contacts taken and
# meetings held are the plan counters' own sets.
Metric = tuple[str, str, Callable, dict]


def _metrics() -> list[Metric]:
    kinds: list[Metric] = [
        (kind.value, str(kind.label), lambda qs, kind=kind: qs.filter(kind=kind), {"kind": kind})
        for kind in Kind
    ]
    return [
        ("total", _("All interactions"), lambda qs: qs, {}),
        *kinds,
        (CONTACTS_TAKEN, _("Contacts taken"), contacts_taken, {"counter": CONTACTS_TAKEN}),
        (MEETINGS_HELD, _("Meetings held"), meetings_held, {"counter": MEETINGS_HELD}),
        ("missed", _("Missed calls"), lambda qs: qs.filter(missed_call_q()), {"missed": "true"}),
    ]


def default_comparison(period: Period) -> tuple[datetime.date, datetime.date]:
    """The same days a year earlier (29 February becomes the 28th)."""

    def year_back(day: datetime.date) -> datetime.date:
        try:
            return day.replace(year=day.year - 1)
        except ValueError:
            return day.replace(year=day.year - 1, day=28)

    return year_back(period.date_from), year_back(period.date_to)


def _label(period: Period) -> str:
    return _("%(start)s to %(end)s") % {
        "start": date_format(period.date_from, "SHORT_DATE_FORMAT"),
        "end": date_format(period.date_to, "SHORT_DATE_FORMAT"),
    }


def build(period: Period, scope: Scope, parameters: ReportParameters) -> list[Section]:
    compare_from, compare_to = parameters.compare_from, parameters.compare_to
    if compare_from is None or compare_to is None:
        compare_from, compare_to = default_comparison(period)
    other = Period(compare_from, compare_to, period.zone)
    metrics = _metrics()
    base = Interaction.objects.counted().filter(manager_id__in=scope.manager_ids)
    aggregates = {}
    for name, current in (("a", period), ("b", other)):
        window = base.filter(occurred_at__gte=current.start, occurred_at__lt=current.end)
        for key, _label_text, subset, _query in metrics:
            aggregates[f"{name}_{key}"] = Count("pk", filter=Q(pk__in=subset(window).values("pk")))
    figures = base.aggregate(**aggregates) if scope.managers else {}
    rows = []
    for key, label, _subset, query in metrics:
        values = []
        for name, current in (("a", period), ("b", other)):
            link = {
                "counted": "true",
                "managers": scope.manager_ids,
                "occurred_after": current.start,
                "occurred_before": current.end,
                **query,
            }
            values.append(Figure(figures.get(f"{name}_{key}", 0), journal_link(**link)))
        difference = int(values[0].value or 0) - int(values[1].value or 0)
        rows.append(Row(label=label, cells=(*values, Figure(difference))))
    return [
        Section(
            key="comparison",
            title=_("Period against period"),
            columns=(_("Figure"), _label(period), _label(other), _("Difference")),
            rows=tuple(rows) if scope.managers else (),
        )
    ]


COMPARISON = register(
    ReportDefinition(
        key="comparison",
        title=gettext_lazy("Period against period"),
        description=gettext_lazy(
            "Any two periods side by side, e.g. a week this year against the same week last year."
        ),
        build_sections=build,
        uses=("compare_from", "compare_to"),
    )
)
