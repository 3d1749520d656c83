"""Figures, amounts and phone numbers as the reader's language and region write them.

`{% load core_format %}`, then `{{ deal.amount|money:deal.currency }}` ("1 234 567,50 RUB" in
Russian, "1,234,567.50 RUB" in English), `{{ figure|number }}` ("12 345") and
`{{ phone.number_e164|phone }}` (national in the company's region, international otherwise).
"""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.formats import number_format

from crm_project.core import phones

register = template.Library()

# A no-break space keeps an amount and its currency on one line.
_NO_BREAK_SPACE = "\u00a0"


@register.filter
def number(value: object) -> object:
    """A count or figure with the language's thousands grouping; text passes through."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return value
    decimal_places = 0 if isinstance(value, int) or value == int(value) else 2
    return number_format(value, decimal_pos=decimal_places, use_l10n=True, force_grouping=True)


@register.filter
def money(value: object, currency: str = "") -> str:
    """An amount with two decimals, grouped thousands and its currency code after it."""
    if value is None or value == "":
        return ""
    try:
        amount = Decimal(str(value))
    except ArithmeticError:
        return str(value)
    formatted = number_format(amount, decimal_pos=2, use_l10n=True, force_grouping=True)
    return f"{formatted}{_NO_BREAK_SPACE}{currency}" if currency else formatted


@register.filter
def phone(e164: str, region: str = "") -> str:
    """A full E.164 number for display: national in `region` (default: the company's)."""
    return phones.format_for_display(e164 or "", region or None)
