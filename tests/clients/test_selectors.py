import pytest

from clients.selectors import find_by_phone
from tests.factories import ContactPersonFactory, PhoneFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def russian_numbers(settings):
    settings.PHONE_DEFAULT_REGION = "RU"


@pytest.mark.parametrize(
    "typed", ["+7 495 123-45-67", "84951234567", "74951234567", "8 (495) 123-45-67"]
)
def test_find_by_phone_finds_the_client_by_any_spelling_in_one_query(
    typed, django_assert_num_queries
):
    contact = ContactPersonFactory()
    phone = PhoneFactory(client=contact.client, contact=contact, number_e164="+74951234567")
    with django_assert_num_queries(1):
        found = find_by_phone(typed)
        assert found == phone
        assert found.client == contact.client
        assert found.contact == contact


def test_an_unknown_number_finds_nothing():
    PhoneFactory(number_e164="+74951234567")
    assert find_by_phone("+7 495 765-43-21") is None


def test_text_that_is_not_a_phone_finds_nothing_without_a_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert find_by_phone("call me maybe") is None
        assert find_by_phone("") is None
