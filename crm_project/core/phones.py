"""Phone numbers: one normalised form (E.164) for storage and lookup, masked forms for display."""

from __future__ import annotations

import re
from functools import lru_cache

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_DIGITS = re.compile(r"\d")


def to_e164(raw: str, region: str | None = None) -> str:
    """Normalise any spelling ("8 (495) 123-45-67", "74951234567", "+7 495 …") to E.164.

    Raises ValidationError when the text is not a possible phone number.
    """
    text = (raw or "").strip()
    if not text:
        raise ValidationError(_("Enter a phone number."), code="required")
    region = (region or settings.PHONE_DEFAULT_REGION).upper()
    if text.startswith("00"):
        text = "+" + text[2:]
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException as error:
        raise ValidationError(
            _("%(value)s is not a phone number."), code="invalid", params={"value": raw}
        ) from error
    if not phonenumbers.is_possible_number(number):
        raise ValidationError(
            _("%(value)s is not a possible phone number."), code="invalid", params={"value": raw}
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def to_e164_or_none(raw: str, region: str | None = None) -> str | None:
    try:
        return to_e164(raw, region)
    except ValidationError:
        return None


# Formatting parses the number with phonenumbers (~50 µs): a list page shows dozens of numbers on
# every request, mostly the same ones, so the pure functions below remember their answers.
FORMAT_CACHE_SIZE = 50_000


@lru_cache(maxsize=FORMAT_CACHE_SIZE)
def format_international(e164: str) -> str:
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def format_for_display(e164: str, region: str | None = None) -> str:
    """A full number as the reader dials it: national in his own region, international otherwise.

    "+74951234567" reads "8 (495) 123-45-67" in region RU and "+7 495 123-45-67" elsewhere.
    """
    if not e164:
        return ""
    return _format_for_region(e164, (region or settings.PHONE_DEFAULT_REGION).upper())


@lru_cache(maxsize=FORMAT_CACHE_SIZE)
def _format_for_region(e164: str, region: str) -> str:
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    # Compare calling codes, not regions: +7 is Russia and Kazakhstan alike, dialled the same way.
    if number.country_code == phonenumbers.country_code_for_region(region):
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


@lru_cache(maxsize=FORMAT_CACHE_SIZE)
def mask(e164: str) -> str:
    """ "+74951234567" -> "+7 *** ***-45-67": the country code and the last four digits stay."""
    if not e164:
        return ""
    formatted = format_international(e164)
    country, _space, national = formatted.partition(" ")
    if not national:
        return "*" * max(len(e164) - 4, 0) + e164[-4:]
    digits_to_hide = len(_DIGITS.findall(national)) - 4
    masked = []
    for char in national:
        if char.isdigit() and digits_to_hide > 0:
            masked.append("*")
            digits_to_hide -= 1
        else:
            masked.append(char)
    return f"{country} {''.join(masked)}"


def mask_email(address: str) -> str:
    """ "ivanov@example.com" -> "i*****@example.com"."""
    local, at, domain = (address or "").partition("@")
    if not at:
        return "*" * len(address)
    return f"{local[:1]}{'*' * max(len(local) - 1, 1)}@{domain}"


def mask_name(name: str) -> str:
    """ "Ivanov" -> "I*****"; "Ivanov Ivan" -> "I***** I***"."""
    return " ".join(word[:1] + "*" * max(len(word) - 1, 1) for word in name.split())
