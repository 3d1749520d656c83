"""Amounts, figures and phone numbers as the reader's language and region write them."""

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from crm_project.core import phones
from tests.deals.factories import DealFactory
from tests.factories import ClientFactory, ContactPersonFactory, PhoneFactory

NBSP = "\u00a0"


def render(source: str, **context) -> str:
    return Template("{% load core_format %}" + source).render(Context(context))


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", f"1,234,567.50{NBSP}RUB"),
        ("ru", f"1{NBSP}234{NBSP}567,50{NBSP}RUB"),
        ("fr", f"1{NBSP}234{NBSP}567,50{NBSP}RUB"),
        # Lakh grouping: the last three digits, then pairs.
        ("hi", f"12,34,567.50{NBSP}INR"),
    ],
)
def test_money_groups_thousands_and_writes_the_decimal_sign_of_the_language(language, expected):
    with translation.override(language):
        currency = "INR" if language == "hi" else "RUB"
        shown = render(
            "{{ amount|money:currency }}", amount=Decimal("1234567.5"), currency=currency
        )

    # Django's formats may use a narrow no-break space; the reader sees a space either way.
    assert shown.replace("\u202f", NBSP) == expected


def test_number_groups_figures_and_passes_text_through():
    with translation.override("en"):
        assert render("{{ value|number }}", value=12345) == "12,345"
        assert render("{{ value|number }}", value="—") == "—"
        assert render("{{ value|number }}", value=Decimal("2.5")) == "2.50"


@pytest.mark.parametrize(
    ("region", "expected"),
    [("RU", "8 (495) 123-45-67"), ("FR", "+7 495 123-45-67"), ("IN", "+7 495 123-45-67")],
)
def test_a_number_is_national_in_the_readers_region_and_international_elsewhere(region, expected):
    assert phones.format_for_display("+74951234567", region) == expected


def test_foreign_numbers_stay_international():
    assert phones.format_for_display("+33142685300", "RU") == "+33 1 42 68 53 00"
    assert phones.format_for_display("+33142685300", "FR") == "01 42 68 53 00"
    assert phones.format_for_display("", "RU") == ""
    assert phones.format_for_display("not-a-number", "RU") == "not-a-number"


def test_the_card_shows_the_companys_region_nationally(manager, login, settings):
    settings.PHONE_DEFAULT_REGION = "RU"
    client = ClientFactory(responsible_manager=manager)
    contact = ContactPersonFactory(client=client)
    PhoneFactory(client=client, contact=contact, number_e164="+74951234567")
    PhoneFactory(client=client, contact=contact, number_e164="+994124987654")

    html = login(manager).get(client.get_absolute_url()).content.decode()

    assert "8 (495) 123-45-67" in html
    assert "+994 12 498 76 54" in html


def test_deal_amounts_follow_the_language(manager, login):
    manager.language = "ru"
    manager.save()
    deal = DealFactory(client=ClientFactory(responsible_manager=manager), amount=Decimal("1500000"))

    html = login(manager).get(reverse("clients:deal_detail", args=[deal.pk])).content.decode()

    assert f"1{NBSP}500{NBSP}000,00{NBSP}RUB" in html.replace("\u202f", NBSP)
