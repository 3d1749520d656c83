"""Every state-changing page refuses a POST without a CSRF token; the API does for sessions.

The routes come from the permission matrix (test_pages, test_api: which fail when a route is
missing from them), so a new page is covered here as soon as it is added there. Each POST runs
in a transaction rolled back at once: the matrix's world stays as it was built.
"""

from __future__ import annotations

import pytest
from django.db import transaction
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client as BrowserClient
from django.urls import reverse
from django.utils.module_loading import import_string
from rest_framework.authtoken.models import Token

from tests.factories import PASSWORD
from tests.security.permissions.harness import Route
from tests.security.permissions.test_api import API
from tests.security.permissions.test_pages import PAGES

# Who tries each route: the first persona the matrix lets through, so a 403 can only be CSRF's.
TRYING_ORDER = ("manager", "supervisor", "admin", "operator", "anonymous")
API_POSTS = sorted(
    name
    for name, route in API.items()
    if "post" in route.methods and not name.startswith("api:telephony:")  # signed, no session
)


def _browser(user, *, with_token: bool) -> BrowserClient:
    browser = BrowserClient(enforce_csrf_checks=True)
    if user is not None:
        # force_login, not login(): login() would itself be a POST needing the token.
        browser.force_login(user)
    if with_token:
        browser.cookies["csrftoken"] = _get_new_csrf_string()
    return browser


def _post(browser: BrowserClient, url: str, data: dict | None, *, with_token: bool):
    extra = {"HTTP_X_CSRFTOKEN": browser.cookies["csrftoken"].value} if with_token else {}
    with transaction.atomic():
        response = browser.post(url, data=data or {}, **extra)
        transaction.set_rollback(True)
    return response


def _allowed_caller(world, name: str, route: Route):
    """The first persona the route lets in (its POST, else its GET), and the URL to post to."""
    api = name.startswith("api:")
    method = "post" if "post" in route.methods else "get"
    expected = route.expected(method, "own", api=api)
    persona = next(p for p in TRYING_ORDER if expected[p] not in (401, 403))
    kwargs = route.kwargs(world.objects["own"]) if route.kwargs else {}
    return persona, world.users[persona], reverse(name, kwargs=kwargs)


@pytest.mark.parametrize("name", sorted(PAGES))
def test_page_refuses_a_post_without_csrf_token(name, world, db):
    route = PAGES[name]
    persona, user, url = _allowed_caller(world, name, route)

    with_token = _post(_browser(user, with_token=True), url, route.data, with_token=True)
    without = _post(_browser(user, with_token=False), url, route.data, with_token=False)

    if with_token.status_code == 405:
        assert without.status_code in (403, 405)  # takes no POST at all
    else:
        assert with_token.status_code != 403, f"{url} refuses {persona} even with a token"
        assert without.status_code == 403, f"POST {url} as {persona} without CSRF token"


@pytest.mark.parametrize("name", API_POSTS)
def test_api_action_refuses_a_session_post_without_csrf_header(name, world, db):
    route = API[name]
    persona, user, url = _allowed_caller(world, name, route)

    with_token = _post(_browser(user, with_token=True), url, route.data, with_token=True)
    without = _post(_browser(user, with_token=True), url, route.data, with_token=False)

    assert with_token.status_code != 403, f"{url} refuses {persona} even with a token"
    assert without.status_code == 403, f"POST {url} as {persona} without CSRF header"
    assert "CSRF" in without.json()["error"]["message"]


def _admin_forms(site, user):
    """The add and change form of each model on an admin site (never a delete)."""
    for model, model_admin in site._registry.items():
        info = (site.name, model._meta.app_label, model._meta.model_name)
        if model_admin.has_add_permission(_Request(user)):
            yield reverse("{}:{}_{}_add".format(*info))
        obj = model._default_manager.first()
        if obj is not None:
            yield reverse("{}:{}_{}_change".format(*info), args=[obj.pk])


class _Request:
    def __init__(self, user):
        self.user = user


@pytest.mark.parametrize(
    ("site_path", "persona"),
    [("django.contrib.admin.site", "admin"), ("clients.operator_admin.operator_site", "operator")],
)
def test_admin_forms_refuse_a_post_without_csrf_token(site_path, persona, world, db):
    site = import_string(site_path)
    user = world.users[persona]
    urls = list(_admin_forms(site, user))

    refused = {
        url: _post(_browser(user, with_token=False), url, {}, with_token=False) for url in urls
    }

    assert len(urls) > 5
    accepted = {
        url: response.status_code
        for url, response in refused.items()
        if response.status_code != 403
    }
    assert not accepted, f"admin forms taking a POST without CSRF token: {accepted}"
    # The same empty POST with the token gets through to the form (and its validation).
    with_token = _post(_browser(user, with_token=True), urls[0], {}, with_token=True)
    assert with_token.status_code != 403


def test_a_page_that_changes_state_is_in_the_walk():
    assert {"clients:create", "clients:transfer", "clients:person_erase", "logout"} <= set(PAGES)
    assert {"api:deal-move-stage", "api:deal-remind", "api:client-transfer-bulk"} <= set(API_POSTS)


API_WRITES = [
    ("post", "api:client-list", {"name": "CSRF Ltd", "primary_contact": {"last_name": "Ivanov"}}),
    ("post", "api:segment-list", {"name": "CSRF segment"}),
]


@pytest.mark.parametrize(("method", "url_name", "data"), API_WRITES)
def test_api_session_write_without_csrf_header_is_refused(method, url_name, data, world, db):
    browser = _browser(world.users["manager"], with_token=True)
    with transaction.atomic():
        response = getattr(browser, method)(
            reverse(url_name), data, content_type="application/json"
        )
        transaction.set_rollback(True)

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    assert "CSRF" in response.json()["error"]["message"]


@pytest.mark.parametrize(("method", "url_name", "data"), API_WRITES)
def test_api_session_write_with_csrf_header_passes(method, url_name, data, world, db):
    browser = _browser(world.users["manager"], with_token=True)
    with transaction.atomic():
        response = getattr(browser, method)(
            reverse(url_name),
            data,
            content_type="application/json",
            HTTP_X_CSRFTOKEN=browser.cookies["csrftoken"].value,
        )
        transaction.set_rollback(True)

    assert response.status_code == 201


@pytest.mark.parametrize(("method", "url_name", "data"), API_WRITES)
def test_api_token_write_needs_no_csrf_header(method, url_name, data, world, db):
    browser = BrowserClient(enforce_csrf_checks=True)
    with transaction.atomic():
        token, _created = Token.objects.get_or_create(user=world.users["manager"])
        response = getattr(browser, method)(
            reverse(url_name),
            data,
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Token {token.key}",
        )
        transaction.set_rollback(True)

    assert response.status_code == 201


def test_sign_in_form_needs_the_token(world, db):
    manager = world.users["manager"]
    browser = BrowserClient(enforce_csrf_checks=True)
    response = browser.post(reverse("login"), {"username": manager.username, "password": PASSWORD})

    assert response.status_code == 403
