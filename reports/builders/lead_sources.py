"""Lead sources: which advert or channel brought the clients, and the contacts taken with them."""

from __future__ import annotations

from django.db.models import Count
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clients.models import Client, Deal, LeadSource
from interactions.models import Interaction
from interactions.selectors import CONTACTS_TAKEN, contacts_taken
from reports.builders.base import (
    Figure,
    Period,
    ReportDefinition,
    ReportParameters,
    Row,
    Scope,
    Section,
    clients_link,
    deals_link,
    journal_link,
    register,
)
from reports.selectors import won_deals

NO_SOURCE = None


def won_deals_by_source(period: Period, scope: Scope) -> dict[int | None, Figure]:
    """{lead source id or None: Figure(won deals, link to them)} for every source.

    Deals won in the period (reports.selectors.won_deals, the plan's "deals closed") by the
    managers of the report, by the lead source of the deal's client.
    """
    ids = scope.manager_ids
    won = dict(
        won_deals(period.start, period.end)
        .filter(manager_id__in=ids)
        .values_list("client__lead_source_id")
        .annotate(total=Count("pk"))
        .order_by()
    )
    query = {
        "managers": ids,
        "state": Deal.State.WON.value,
        "closed_after": period.start,
        "closed_before": period.end,
    }
    figures: dict[int | None, Figure] = {
        NO_SOURCE: Figure(won.get(NO_SOURCE, 0), deals_link(**query, has_lead_source="false"))
    }
    for source_id in LeadSource.objects.values_list("pk", flat=True):
        figures[source_id] = Figure(
            won.get(source_id, 0), deals_link(**query, lead_source=source_id)
        )
    return figures


def build(period: Period, scope: Scope, parameters: ReportParameters) -> list[Section]:
    ids = scope.manager_ids
    entered = dict(
        Client.objects.filter(
            responsible_manager_id__in=ids,
            created_at__gte=period.start,
            created_at__lt=period.end,
        )
        .values_list("lead_source_id")
        .annotate(total=Count("pk"))
        .order_by()
    )
    journal = Interaction.objects.filter(
        manager_id__in=ids, occurred_at__gte=period.start, occurred_at__lt=period.end
    )
    contacts = dict(
        contacts_taken(journal)
        .values_list("client__lead_source_id")
        .annotate(total=Count("pk"))
        .order_by()
    )
    won = won_deals_by_source(period, scope)
    sources: list[LeadSource | None] = [*LeadSource.objects.order_by("position", "name"), None]
    rows = []
    for source in sources:
        source_id = source.pk if source else NO_SOURCE
        has_won = bool(won[source_id].value) if source_id in won else False
        if source is not None and not source.is_active and source_id not in entered and not has_won:
            continue
        by_source = {"lead_source": source_id} if source else {"has_lead_source": "false"}
        clients_query = {
            "managers": ids,
            "created_after": period.start,
            "created_before": period.end,
            **by_source,
        }
        journal_query = {
            "counter": CONTACTS_TAKEN,
            "managers": ids,
            "occurred_after": period.start,
            "occurred_before": period.end,
            **by_source,
        }
        cells = [
            Figure(entered.get(source_id, 0), clients_link(**clients_query)),
            Figure(contacts.get(source_id, 0), journal_link(**journal_query)),
        ]
        cells.append(won.get(source_id, Figure(0)))
        rows.append(Row(label=str(source) if source else _("No source"), cells=tuple(cells)))
    columns = [
        _("Lead source"),
        _("Clients entered"),
        _("Contacts taken with them"),
        _("Won deals"),
    ]
    return [
        Section(
            key="lead_sources",
            title=_("Lead sources"),
            columns=tuple(columns),
            rows=tuple(rows) if ids else (),
            note=_(
                "Clients entered in the period whose responsible manager is in the report; "
                "contacts taken in the period with clients of each source; deals won in the "
                "period with clients of each source."
            ),
        )
    ]


LEAD_SOURCES = register(
    ReportDefinition(
        key="lead-sources",
        title=gettext_lazy("Lead sources"),
        description=gettext_lazy(
            "Which advert or channel brought clients, the contacts taken with them and the "
            "deals won."
        ),
        build_sections=build,
    )
)
