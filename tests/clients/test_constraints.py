"""Rules the database keeps for the client base, whatever path writes the rows."""

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from clients.models import Consent, ConsentSource
from tests.factories import ClientFactory, ContactPersonFactory, EmailFactory, PhoneFactory

pytestmark = pytest.mark.django_db


def refused():
    """Expect the database to refuse the write, then carry on in the same test."""
    return _Refused()


class _Refused:
    def __enter__(self):
        self.raises = pytest.raises(IntegrityError)
        self.raises.__enter__()
        self.atomic = transaction.atomic()
        self.atomic.__enter__()

    def __exit__(self, *exc):
        self.atomic.__exit__(*exc)
        return self.raises.__exit__(*exc)


def test_a_client_has_at_most_one_primary_contact():
    client = ClientFactory()
    ContactPersonFactory(client=client, is_primary=True)
    ContactPersonFactory(client=client, is_primary=False)
    ContactPersonFactory(client=ClientFactory(), is_primary=True)
    with refused():
        ContactPersonFactory(client=client, is_primary=True)


def test_a_contact_person_needs_a_last_or_first_name():
    with refused():
        ContactPersonFactory(last_name="", first_name="")
    assert ContactPersonFactory(last_name="", first_name="Ivan")


def test_a_client_name_cannot_be_empty():
    with refused():
        ClientFactory(name="")


def test_the_same_phone_number_cannot_belong_to_two_clients():
    PhoneFactory(number_e164="+74951234567", number_raw="8 495 123-45-67")
    with refused():
        PhoneFactory(number_e164="+74951234567", number_raw="+7 (495) 1234567")


def test_a_phone_is_stored_in_e164():
    with refused():
        PhoneFactory(number_e164="84951234567")


def test_the_same_email_cannot_be_entered_twice_in_another_case():
    EmailFactory(address="ivanov@example.com")
    with refused():
        EmailFactory(address="Ivanov@Example.COM")


@pytest.mark.parametrize("factory", [PhoneFactory, EmailFactory])
@pytest.mark.parametrize("consent", [Consent.GIVEN, Consent.WITHDRAWN])
def test_consent_other_than_not_asked_needs_date_and_source(factory, consent):
    now = timezone.now()
    with refused():
        factory(consent=consent)
    with refused():
        factory(consent=consent, consent_at=now)
    with refused():
        factory(consent=consent, consent_source=ConsentSource.CALL)
    assert factory(consent=consent, consent_at=now, consent_source=ConsentSource.CALL)
    assert factory(consent=Consent.UNKNOWN)
