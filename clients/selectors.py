"""Reads of the client base that are more than a QuerySet method."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q

from clients.models import Client, Phone
from crm_project.core import phones

if TYPE_CHECKING:
    from crm_project.accounts.models import User


def find_by_phone(raw: str) -> Phone | None:
    """The phone row for any spelling of a number, or None: one indexed lookup."""
    e164 = phones.to_e164_or_none(raw)
    if e164 is None:
        return None
    return Phone.objects.select_related("client", "contact").filter(number_e164=e164).first()


def client_search(*, user: User, query: str):
    """Clients matching a phone (any spelling), an e-mail, a company or a person's name."""
    text = (query or "").strip()
    clients = Client.objects.visible_to(user).with_personal_data_access(user)
    if not text:
        return clients.none()
    e164 = phones.to_e164_or_none(text) if any(ch.isdigit() for ch in text) else None
    condition = Q(name__icontains=text)
    if e164:
        condition |= Q(phones__number_e164=e164)
    if "@" in text:
        condition |= Q(emails__address__iexact=text)
    condition |= Q(contacts__last_name__icontains=text) | Q(contacts__first_name__icontains=text)
    return clients.filter(pk__in=Client.objects.filter(condition).values("pk")).select_related(
        "responsible_manager"
    )
