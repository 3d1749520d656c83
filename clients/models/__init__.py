"""The client base's models, one module per area; import them from `clients.models`."""

from clients.models.base import (
    Client,
    ClientQuerySet,
    Consent,
    ConsentSource,
    ContactChannel,
    ContactPerson,
    Email,
    LeadSource,
    Phone,
    as_boolean,
    personal_data_q,
)
from clients.models.deals import (
    Currency,
    Deal,
    DealQuerySet,
    DealReminder,
    DealStage,
    DealStageChange,
)
from clients.models.mailings import Campaign, CampaignRecipient, Segment
from clients.models.points import PointsEntry
from clients.models.privacy import CorrectionRequest, PostalAddress
from clients.models.transfers import ClientTransfer, ManagerLeaving, TransferRule

__all__ = [
    "Campaign",
    "CampaignRecipient",
    "Client",
    "ClientQuerySet",
    "ClientTransfer",
    "Consent",
    "ConsentSource",
    "ContactChannel",
    "ContactPerson",
    "CorrectionRequest",
    "Currency",
    "Deal",
    "DealQuerySet",
    "DealReminder",
    "DealStage",
    "DealStageChange",
    "Email",
    "LeadSource",
    "ManagerLeaving",
    "Phone",
    "PointsEntry",
    "PostalAddress",
    "Segment",
    "TransferRule",
    "as_boolean",
    "personal_data_q",
]
