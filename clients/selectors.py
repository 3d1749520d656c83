"""Reads of the client base that are more than a QuerySet method."""

from __future__ import annotations

from clients.models import Phone
from crm_project.core import phones


def find_by_phone(raw: str) -> Phone | None:
    """The phone row for any spelling of a number, or None: one indexed lookup."""
    e164 = phones.to_e164_or_none(raw)
    if e164 is None:
        return None
    return Phone.objects.select_related("client", "contact").filter(number_e164=e164).first()
