"""Fixtures for the API tests: signed-in test clients and a small client base."""

import json
from urllib.parse import urlencode

import pytest
from django.test import Client as BrowserClient
from django.urls import reverse

from tests.factories import (
    ClientFactory,
    ContactPersonFactory,
    EmailFactory,
    PhoneFactory,
)


def api_url(name, *args, **query):
    url = reverse(f"api:{name}", args=args)
    if query:
        url = f"{url}?{urlencode(query, doseq=True)}"
    return url


def error_of(response):
    """The error body, after checking it has the one documented shape."""
    body = response.json()
    assert set(body) == {"error"}
    assert isinstance(body["error"]["code"], str)
    assert isinstance(body["error"]["message"], str)
    assert body["error"]["message"]
    return body["error"]


class Api:
    """A test client that speaks JSON to /api/v1/."""

    def __init__(self, browser):
        self.browser = browser

    def get(self, url, **extra):
        return self.browser.get(url, **extra)

    def post(self, url, data=None, **extra):
        return self.browser.post(
            url, json.dumps(data or {}), content_type="application/json", **extra
        )

    def patch(self, url, data=None, **extra):
        return self.browser.patch(
            url, json.dumps(data or {}), content_type="application/json", **extra
        )


@pytest.fixture
def api():
    """api(user) -> a JSON client signed in with a session (anonymous for None)."""

    def make(user, *, enforce_csrf_checks=False):
        browser = BrowserClient(enforce_csrf_checks=enforce_csrf_checks)
        if user is not None:
            browser.force_login(user)
        return Api(browser)

    return make


def client_with_contact(manager, *, phone, email):
    client = ClientFactory(responsible_manager=manager)
    contact = ContactPersonFactory(
        client=client, last_name="Ivanov", first_name="Ivan", is_primary=True
    )
    PhoneFactory(client=client, contact=contact, number_e164=phone, number_raw=phone)
    EmailFactory(client=client, contact=contact, address=email)
    return client


@pytest.fixture
def own_client(manager):
    return client_with_contact(manager, phone="+74951234567", email="ivanov@example.com")


@pytest.fixture
def colleague_client(other_manager):
    """A client of a manager in the same team."""
    return client_with_contact(other_manager, phone="+74957654321", email="petrov@example.com")


@pytest.fixture
def foreign_client(foreign_manager):
    """A client of a manager in another team."""
    return client_with_contact(foreign_manager, phone="+78432223344", email="sidorov@example.com")
