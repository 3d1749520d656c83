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

__all__ = [
    "Client",
    "ClientQuerySet",
    "Consent",
    "ConsentSource",
    "ContactChannel",
    "ContactPerson",
    "Email",
    "LeadSource",
    "Phone",
    "as_boolean",
    "personal_data_q",
]
