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

__all__ = [
    "PERSONAL_FIELDS",
    "WORK_FIELDS",
    "ContactData",
    "DuplicateContactError",
    "client_create",
    "client_update",
    "contact_person_create",
    "normalise_email",
    "normalise_phone",
]
