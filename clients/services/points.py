"""The primary-contact credit: points written to the ledger, each credit at most once."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import IntegrityError, transaction

from clients.models import Client, Deal, PointsEntry

if TYPE_CHECKING:
    from crm_project.accounts.models import User


def _award(
    *, user: User, points: int, reason: str, client: Client, deal: Deal | None
) -> PointsEntry | None:
    """Insert one entry; the ledger's unique constraints make a repeated credit a no-op.

    No audit entry of its own: the ledger row is the record (who, how much, why, when), and the
    write that earned it (the client entered, the deal won) is audited by its service.
    """
    if points == 0:
        return None
    try:
        with transaction.atomic():
            entry = PointsEntry.objects.create(
                user=user, points=points, reason=reason, client=client, deal=deal
            )
    except IntegrityError:
        return None
    return entry


@transaction.atomic
def points_award_primary_contact(*, actor: User | None, client: Client) -> PointsEntry | None:
    """Credit the client's author (`created_by`) for entering its primary contact, once.

    Returns None when the client already earned it (a re-run) or the setting gives 0 points.
    """
    return _award(
        user=client.created_by,
        points=settings.POINTS_PRIMARY_CONTACT,
        reason=PointsEntry.Reason.PRIMARY_CONTACT,
        client=client,
        deal=None,
    )


@transaction.atomic
def points_award_deal_won(*, actor: User | None, deal: Deal) -> PointsEntry | None:
    """Credit the author of the client's primary contact for a won deal, whoever closed it.

    Nothing for a client entered without a primary contact, nor twice for the same deal.
    """
    client = deal.client
    if not client.contacts.filter(is_primary=True).exists():
        return None
    return _award(
        user=client.created_by,
        points=settings.POINTS_PRIMARY_CONTACT_DEAL_WON,
        reason=PointsEntry.Reason.PRIMARY_CONTACT_DEAL_WON,
        client=client,
        deal=deal,
    )
