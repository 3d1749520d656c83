import pytest

from tests.factories import ClientFactory, ContactPersonFactory, EmailFactory, PhoneFactory

OWN_PHONE = "+74951234567"
OTHER_PHONE = "+74957654321"


def make_client_with_contacts(manager, *, name, phone, email):
    client = ClientFactory(name=name, responsible_manager=manager)
    contact = ContactPersonFactory(client=client, is_primary=True)
    PhoneFactory(client=client, contact=contact, number_e164=phone, number_raw=phone)
    EmailFactory(client=client, contact=contact, address=email)
    return client


@pytest.fixture
def own_client(manager):
    """The `manager` persona's own client."""
    return make_client_with_contacts(
        manager, name="Romashka", phone=OWN_PHONE, email="ivanov@romashka.example"
    )


@pytest.fixture
def colleagues_client(other_manager):
    """A client of another manager in the same team."""
    return make_client_with_contacts(
        other_manager, name="Vasilek", phone=OTHER_PHONE, email="petrova@vasilek.example"
    )
