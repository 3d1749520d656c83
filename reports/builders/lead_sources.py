"""Lead sources: which advert or channel brought the clients, and the contacts taken with them."""

from __future__ import annotations

from django.db.models import Count
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clients.models import Client, LeadSource
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
    journal_link,
    register,
)

NO_SOURCE = None


def won_deals_by_source(period: Period, scope: Scope) -> dict[int | None, Figure] | None:
    """Hook for issue 5 (deals): {lead source id or None: Figure(won deals, link to them)}.

    None until deals exist: the report then has no won-deals column.
    """
    return None


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
        if source is not None and not source.is_active and source_id not in entered:
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
        if won is not None:
            cells.append(won.get(source_id, Figure(0)))
        rows.append(Row(label=str(source) if source else _("No source"), cells=tuple(cells)))
    columns = [_("Lead source"), _("Clients entered"), _("Contacts taken with them")]
    if won is not None:
        columns.append(_("Won deals"))
    return [
        Section(
            key="lead_sources",
            title=_("Lead sources"),
            columns=tuple(columns),
            rows=tuple(rows) if ids else (),
            note=_(
                "Clients entered in the period whose responsible manager is in the report; "
                "contacts taken in the period with clients of each source."
            ),
        )
    ]


LEAD_SOURCES = register(
    ReportDefinition(
        key="lead-sources",
        title=gettext_lazy("Lead sources"),
        description=gettext_lazy(
            "Which advert or channel brought clients, and the contacts taken with them."
        ),
        build_sections=build,
    )
)
