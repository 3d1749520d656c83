"""Every URL of the CRM and every persona -> the expected status code.

A URL added without a row here fails `test_every_url_is_in_the_matrix`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.conftest import PERSONAS
from tests.factories import (
    ClientFactory,
    ContactPersonFactory,
    InteractionFactory,
    PlanFactory,
    status,
)

# Third-party and framework routes that are not ours to test here (Django admin internals are
# covered by the admin rows below through the index and one model page).
IGNORED_PREFIXES = ("admin:",)
IGNORED_NAMES = {"api:api-root"}


@dataclass
class Row:
    """Expected status per persona for one URL; `kwargs` builds the URL's arguments."""

    expected: dict[str, int]
    method: str = "get"
    kwargs: Callable[[dict], dict] = field(default=lambda objects: {})
    data: dict | None = None


def _all(status: int, **overrides: int) -> dict[str, int]:
    expected = dict.fromkeys(PERSONAS, status)
    expected.update(overrides)
    return expected


STAFF_PAGE = _all(200, anonymous=302)
JOURNAL_PAGE = _all(200, anonymous=302, operator=403)
API_READ = _all(200, anonymous=401)
API_JOURNAL = _all(200, anonymous=401, operator=403)

MATRIX: dict[str, Row] = {
    "core:home": Row(STAFF_PAGE),
    "core:healthz": Row(_all(200)),
    "login": Row(_all(200)),
    "api-schema": Row(_all(200)),
    "api-docs": Row(_all(200)),
    "clients:list": Row(STAFF_PAGE),
    "clients:detail": Row(STAFF_PAGE, kwargs=lambda o: {"pk": o["client"].pk}),
    "clients:create": Row(STAFF_PAGE),
    "interactions:list": Row(JOURNAL_PAGE),
    # My day (issue 3): partials and one-click actions; an empty POST gets as far as validation.
    "interactions:my_day_inbox": Row(JOURNAL_PAGE),
    "interactions:my_day_counters": Row(JOURNAL_PAGE),
    "interactions:inbox_set_status": Row(
        _all(422, anonymous=302, operator=403),
        method="post",
        kwargs=lambda o: {"pk": o["interaction"].pk},
    ),
    "interactions:task_complete": Row(
        _all(422, anonymous=302, operator=403),
        method="post",
        kwargs=lambda o: {"pk": o["interaction"].pk},
    ),
    "interactions:task_reschedule": Row(
        _all(422, anonymous=302, operator=403),
        method="post",
        kwargs=lambda o: {"pk": o["interaction"].pk},
    ),
    # The quick-log form of one kind on a page of its own (the card embeds the same forms).
    "interactions:quick_log": Row(
        JOURNAL_PAGE, kwargs=lambda o: {"client_pk": o["client"].pk, "form_kind": "call"}
    ),
    "language": Row(_all(302), method="post", data={"language": "en", "next": "/"}),
    "logout": Row(_all(302), method="post"),
    "password_change": Row(STAFF_PAGE),
    "password_change_done": Row(STAFF_PAGE),
    # Webhooks are POST-only and signed; a GET is refused for everyone alike.
    "api:telephony:generic": Row(_all(405)),
    "api:telephony:twilio": Row(_all(405)),
    "api:telephony:asterisk": Row(_all(405)),
    "api:telephony:zadarma": Row(_all(400)),  # a GET without the zd_echo handshake
    "api:client-list": Row(API_READ),
    "api:client-detail": Row(API_READ, kwargs=lambda o: {"pk": o["client"].pk}),
    "api:contact-list": Row(API_READ),
    "api:contact-detail": Row(API_READ, kwargs=lambda o: {"pk": o["contact"].pk}),
    "api:interaction-list": Row(API_JOURNAL),
    "api:interaction-detail": Row(API_JOURNAL, kwargs=lambda o: {"pk": o["interaction"].pk}),
    # An empty body: the request gets as far as validation only for those allowed to try.
    "api:interaction-set-status": Row(
        _all(400, anonymous=401, operator=403),
        method="post",
        kwargs=lambda o: {"pk": o["interaction"].pk},
    ),
    "api:interaction-inbox": Row(API_JOURNAL),
    "api:task-list": Row(API_JOURNAL),
    "api:task-complete": Row(
        _all(400, anonymous=401, operator=403),
        method="post",
        kwargs=lambda o: {"pk": o["interaction"].pk},
    ),
    "api:task-reschedule": Row(
        _all(400, anonymous=401, operator=403),
        method="post",
        kwargs=lambda o: {"pk": o["interaction"].pk},
    ),
    "api:counters": Row(API_JOURNAL),
    "api:interaction-status-list": Row(API_JOURNAL),
    "api:interaction-status-detail": Row(API_JOURNAL, kwargs=lambda o: {"pk": o["status"].pk}),
    "api:plan-list": Row(_all(200, anonymous=401, operator=403)),
    "api:plan-detail": Row(
        _all(200, anonymous=401, operator=403, other_manager=404),
        kwargs=lambda o: {"pk": o["plan"].pk},
    ),
}


def _walk(patterns, prefix: str = "") -> set[str]:
    names: set[str] = set()
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            namespace = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
            names |= _walk(pattern.url_patterns, namespace)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(f"{prefix}{pattern.name}")
    return names


def all_url_names() -> set[str]:
    return {
        name
        for name in _walk(get_resolver().url_patterns)
        if not name.startswith(IGNORED_PREFIXES) and name not in IGNORED_NAMES
    }


def test_every_url_is_in_the_matrix():
    missing = sorted(all_url_names() - set(MATRIX))
    assert not missing, f"add these URLs to the permission matrix: {missing}"


def test_matrix_lists_no_url_that_does_not_exist():
    assert not sorted(set(MATRIX) - all_url_names())


@pytest.fixture
def objects(manager, other_manager):
    client = ClientFactory(responsible_manager=manager)
    return {
        "client": client,
        "other_client": ClientFactory(responsible_manager=other_manager),
        "contact": ContactPersonFactory(client=client),
        "interaction": InteractionFactory(client=client, manager=manager),
        "status": status("outgoing_call", "completed"),
        "plan": PlanFactory(manager=manager),
    }


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("url_name", sorted(MATRIX))
def test_permission_matrix(url_name, persona, request, objects, login):
    row = MATRIX[url_name]
    user = request.getfixturevalue(persona)
    browser = login(user)
    url = reverse(url_name, kwargs=row.kwargs(objects))
    response = getattr(browser, row.method)(url, data=row.data)
    assert response.status_code == row.expected[persona], (
        f"{row.method.upper()} {url} as {persona}: {response.status_code}"
    )


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("anonymous", 302), ("manager", 302), ("supervisor", 302), ("operator", 302), ("admin", 200)],
)
def test_full_admin_is_for_admins_only(persona, expected, request, login):
    user = request.getfixturevalue(persona)
    response = login(user).get(reverse("admin:index"))
    assert response.status_code == expected
