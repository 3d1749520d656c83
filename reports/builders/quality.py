"""Data quality: how each manager keeps the base (the supervisor's control)."""

from __future__ import annotations

import datetime

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from clients.filters import mailing_consent_exists
from clients.models import Client, Email, Phone
from interactions.models import CALL_KINDS, Interaction, Kind
from reports.builders.base import (
    Figure,
    Period,
    ReportDefinition,
    ReportParameters,
    Scope,
    Section,
    clients_link,
    journal_link,
    register,
)
from reports.builders.rows import Totals, grouped, manager_rows

HELD = "held"
TAKEN_INTO_WORK = "taken_into_work"


def _clients(scope: Scope, idle_days: int) -> dict[int, Totals]:
    idle_since = timezone.now() - datetime.timedelta(days=idle_days)
    has_phone = Exists(Phone.objects.filter(client=OuterRef("pk")))
    has_email = Exists(Email.objects.filter(client=OuterRef("pk")))
    return grouped(
        Client.objects.filter(responsible_manager_id__in=scope.manager_ids)
        .values("responsible_manager_id")
        .annotate(
            clients=Count("pk"),
            no_phone=Count("pk", filter=~Q(has_phone)),
            no_email=Count("pk", filter=~Q(has_email)),
            no_consent=Count("pk", filter=~mailing_consent_exists()),
            idle=Count(
                "pk",
                filter=Q(last_interaction_at__lt=idle_since) | Q(last_interaction_at__isnull=True),
            ),
        )
        .order_by(),
        "responsible_manager_id",
    )


def _interactions(period: Period, scope: Scope, stale_before: datetime.datetime) -> dict:
    return grouped(
        Interaction.objects.filter(manager_id__in=scope.manager_ids)
        .values("manager_id")
        .annotate(
            no_result=Count(
                "pk",
                filter=Q(
                    kind=Kind.MEETING,
                    status__code=HELD,
                    result="",
                    occurred_at__gte=period.start,
                    occurred_at__lt=period.end,
                ),
            ),
            stale=Count(
                "pk",
                filter=Q(
                    kind__in=CALL_KINDS,
                    status__code=TAKEN_INTO_WORK,
                    status_changed_at__lt=stale_before,
                ),
            ),
        )
        .order_by(),
        "manager_id",
    )


def build(period: Period, scope: Scope, parameters: ReportParameters) -> list[Section]:
    idle_days, stale_hours = parameters.idle_days, parameters.stale_hours
    stale_before = timezone.now() - datetime.timedelta(hours=stale_hours)
    totals = _clients(scope, idle_days)
    for manager_id, figures in _interactions(period, scope, stale_before).items():
        totals.setdefault(manager_id, Totals()).update(figures)

    def cells(ids: list[int], figures: Totals) -> tuple[Figure, ...]:
        held_meetings = {
            "managers": ids,
            "kind": Kind.MEETING.value,
            "status_code": HELD,
            "has_result": "false",
            "occurred_after": period.start,
            "occurred_before": period.end,
        }
        stale_calls = {
            "managers": ids,
            "kind": [kind.value for kind in CALL_KINDS],
            "status_code": TAKEN_INTO_WORK,
            "status_changed_before": stale_before,
        }
        return (
            Figure(figures["clients"], clients_link(managers=ids)),
            Figure(figures["no_phone"], clients_link(managers=ids, has_phone="false")),
            Figure(figures["no_email"], clients_link(managers=ids, has_email="false")),
            Figure(figures["no_consent"], clients_link(managers=ids, has_consent="false")),
            Figure(figures["idle"], clients_link(managers=ids, no_contact_days=idle_days)),
            Figure(figures["no_result"], journal_link(**held_meetings)),
            Figure(figures["stale"], journal_link(**stale_calls)),
        )

    return [
        Section(
            key="quality",
            title=_("Data quality"),
            columns=(
                _("Manager"),
                _("Clients"),
                _("Without a phone"),
                _("Without an e-mail"),
                _("Without a mailing consent"),
                ngettext(
                    "No interaction for %(days)s day", "No interaction for %(days)s days", idle_days
                )
                % {"days": idle_days},
                _("Meetings held without a result"),
                ngettext(
                    "Calls “taken into work” for more than %(hours)s hour",
                    "Calls “taken into work” for more than %(hours)s hours",
                    stale_hours,
                )
                % {"hours": stale_hours},
            ),
            rows=manager_rows(scope, totals, cells),
            note=_("Clients as they are now, by responsible manager; meetings held in the period."),
        )
    ]


QUALITY = register(
    ReportDefinition(
        key="quality",
        title=gettext_lazy("Data quality"),
        description=gettext_lazy(
            "Clients without a phone, e-mail or mailing consent, clients nobody contacted for "
            "N days, meetings held without a result and calls left “taken into work”."
        ),
        build_sections=build,
        uses=("idle_days", "stale_hours"),
    )
)
