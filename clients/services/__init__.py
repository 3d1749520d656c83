"""Every write to the client base goes through these functions, one module per area."""

from clients.services.base import (
    PERSONAL_FIELDS,
    WORK_FIELDS,
    ContactData,
    DuplicateContactError,
    client_create,
    client_update,
    contact_person_create,
    normalise_email,
    normalise_phone,
)
from clients.services.deals import (
    deal_create,
    deal_move_stage,
    deal_reassign,
    deal_remind,
    deal_reminder_send,
    deal_update,
    deals_overdue_notify,
    may_change_deal,
    next_stages,
)
from clients.services.points import points_award_deal_won, points_award_primary_contact
from clients.services.transfers import (
    client_transfer,
    client_transfer_notify,
    clients_transfer_bulk,
)

__all__ = [
    "PERSONAL_FIELDS",
    "WORK_FIELDS",
    "ContactData",
    "DuplicateContactError",
    "client_create",
    "client_transfer",
    "client_transfer_notify",
    "client_update",
    "clients_transfer_bulk",
    "contact_person_create",
    "deal_create",
    "deal_move_stage",
    "deal_reassign",
    "deal_remind",
    "deal_reminder_send",
    "deal_update",
    "deals_overdue_notify",
    "may_change_deal",
    "next_stages",
    "normalise_email",
    "normalise_phone",
    "points_award_deal_won",
    "points_award_primary_contact",
]
