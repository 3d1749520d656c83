import pytest
from django.core.exceptions import ValidationError

from crm_project.core import phones


@pytest.mark.parametrize(
    "typed",
    ["+7 495 123-45-67", "84951234567", "74951234567", "8 (495) 123-45-67", "4951234567"],
)
def test_every_russian_spelling_becomes_one_e164_number(typed, settings):
    settings.PHONE_DEFAULT_REGION = "RU"
    assert phones.to_e164(typed) == "+74951234567"


def test_international_prefix_00_is_read_as_plus():
    assert phones.to_e164("0033142685300") == "+33142685300"


@pytest.mark.parametrize("typed", ["", "abc", "12", "+7 495"])
def test_text_that_is_not_a_phone_is_refused(typed):
    with pytest.raises(ValidationError):
        phones.to_e164(typed)


def test_masked_number_keeps_the_country_code_and_last_four_digits():
    assert phones.mask("+74951234567") == "+7 *** ***-45-67"


def test_masked_email_keeps_the_first_letter_and_the_domain():
    assert phones.mask_email("ivanov@example.com") == "i*****@example.com"
