"""The client base's pages, one module per page family; the client base itself in `base`."""

from clients.views.base import (
    ClientCreateView,
    ClientDetailView,
    ClientListView,
    add_service_errors,
    attach_contact_age,
    attach_contact_channels,
    contacts_with_channels,
    new_client_query,
    quick_log_context,
    shown_email,
    shown_phone,
)

__all__ = [
    "ClientCreateView",
    "ClientDetailView",
    "ClientListView",
    "add_service_errors",
    "attach_contact_age",
    "attach_contact_channels",
    "contacts_with_channels",
    "new_client_query",
    "quick_log_context",
    "shown_email",
    "shown_phone",
]
