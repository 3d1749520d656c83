"""How a row of the matrix is written and checked.

A `Route` gives, for each HTTP method the route accepts, the status each persona gets; for an
object route, once for the manager's own object ("own", team A) and once for another team's
("foreign", team B) when the two differ. Any other method must be refused: 405, or the refusal
the persona meets before the method is looked at (`refused`, e.g. the sign-in redirect).

Every request is made in a savepoint rolled back afterwards, and watched for writes: a refused
one (400/401/403/404/405/422, or sent to the sign-in page) must leave every table as it was,
and an accepted one may write only where the row says so (`writes`: an audit entry, a token).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from typing import Any

from django.conf import settings
from django.db import transaction
from django.test import Client as Browser
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from crm_project.core.methods import API_ONLY_METHODS
from tests.security.permissions.world import PERSONAS, VARIANTS, World, fingerprint, written

METHODS = ("get", "post", "put", "patch", "delete")
REFUSALS = {400, 401, 403, 404, 405, 422}

Expect = dict[str, int]


def every(status: int, **overrides: int) -> Expect:
    """`status` for every persona but those named."""
    expected = dict.fromkeys(PERSONAS, status)
    unknown = set(overrides) - set(PERSONAS)
    assert not unknown, f"not personas: {unknown}"
    expected.update(overrides)
    return expected


def gate(expected: Expect) -> Expect:
    """The refusals of `expected` that come before a route looks at the method or the object."""
    return {persona: status for persona, status in expected.items() if status in (302, 401, 403)}


@dataclass(frozen=True)
class Owned:
    """Different outcomes for the manager's own object and another team's."""

    own: Expect
    foreign: Expect

    def but(self, *, own: Expect | None = None, foreign: Expect | None = None) -> Owned:
        return Owned(own=self.own | (own or {}), foreign=self.foreign | (foreign or {}))


def mine(ok: int, hidden: int = 404, **fixed: int) -> Owned:
    """A record of one manager: he, his supervisor and the admin reach it; others get `hidden`."""
    return Owned(
        own=every(hidden, manager=ok, supervisor=ok, admin=ok) | fixed,
        foreign=every(hidden, foreign_manager=ok, admin=ok) | fixed,
    )


def supervises(ok: int, *, signed_out: int) -> Owned:
    """A supervisor's action on his team's record (a deal's stage control): he and the admin
    do it; another team's is hidden from him; every other role is refused."""
    return Owned(
        own=every(403, anonymous=signed_out, supervisor=ok, admin=ok),
        foreign=every(403, anonymous=signed_out, supervisor=404, admin=ok),
    )


def teams(ok: int, hidden: int = 404, **fixed: int) -> Owned:
    """A record of one team: its managers, its supervisor and the admin reach it."""
    return Owned(
        own=every(hidden, manager=ok, other_manager=ok, supervisor=ok, admin=ok) | fixed,
        foreign=every(hidden, foreign_manager=ok, admin=ok) | fixed,
    )


@dataclass
class Route:
    methods: dict[str, Expect | Owned]
    kwargs: Callable[[dict[str, Any]], dict[str, Any]] | None = None
    # An unaccepted GET or POST (any method on the API): 405, unless the persona is turned away
    # before the method is looked at (sign-in, role). Pages refuse PUT, PATCH and DELETE with
    # 405 for everybody (crm_project.core.methods).
    refused: Expect | Owned | None = None
    data: dict[str, Any] | None = None
    # method -> personas whose request may write; any other write fails the matrix.
    writes: dict[str, set[str]] = field(default_factory=dict)
    # Object routes are checked against both variants unless the owner makes no difference.
    variants: tuple[str, ...] = VARIANTS

    def expected(self, method: str, variant: str, *, api: bool) -> Expect:
        outcome = self.methods.get(method)
        if outcome is not None:
            return getattr(outcome, variant) if isinstance(outcome, Owned) else outcome
        if not api and method.upper() in API_ONLY_METHODS:
            return every(405)
        refused = self.refused or {}
        if isinstance(refused, Owned):
            refused = getattr(refused, variant)
        return {persona: refused.get(persona, 405) for persona in PERSONAS}


def get(expected: Expect | Owned, **kwargs: Any) -> Route:
    return Route(methods={"get": expected}, **kwargs)


def post(expected: Expect | Owned, **kwargs: Any) -> Route:
    return Route(methods={"post": expected}, **kwargs)


def form(get_expected: Expect | Owned, post_expected: Expect | Owned, **kwargs: Any) -> Route:
    return Route(methods={"get": get_expected, "post": post_expected}, **kwargs)


def sessions(world: World) -> dict[str, str | None]:
    keys: dict[str, str | None] = {}
    for persona, user in world.users.items():
        if user is None:
            keys[persona] = None
            continue
        browser = Browser()
        browser.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        keys[persona] = browser.cookies[settings.SESSION_COOKIE_NAME].value
    return keys


# One test client for everything: each new one would load the middleware again (whitenoise
# scans the static files on load), which costs more than the request itself.
_BROWSER = Browser(raise_request_exception=False)


def send(session_key: str | None, method: str, url: str, data: dict | None) -> Any:
    _BROWSER.cookies = SimpleCookie()
    if session_key:
        _BROWSER.cookies[settings.SESSION_COOKIE_NAME] = session_key
    if method in ("get", "post"):
        return getattr(_BROWSER, method)(url, data=data)
    return getattr(_BROWSER, method)(url)


def _sent_to_sign_in(response: Any) -> bool:
    return response.status_code == 302 and "login" in response.get("Location", "")


def check(world: World, name: str, route: Route) -> list[str]:
    """Every persona x method x ownership variant of one route; returns what went wrong."""
    problems: list[str] = []
    api = name.startswith("api:")
    for variant in route.variants if route.kwargs else VARIANTS[:1]:
        kwargs = route.kwargs(world.objects[variant]) if route.kwargs else {}
        url = reverse(name, kwargs=kwargs)
        for method in METHODS:
            expected = route.expected(method, variant, api=api)
            for persona in PERSONAS:
                with transaction.atomic():
                    before = fingerprint()
                    response = send(world.sessions[persona], method, url, route.data)
                    wrote = written(before, fingerprint())
                    transaction.set_rollback(True)
                where = f"{method.upper()} {url} ({variant}) as {persona}"
                status = response.status_code
                if status != expected[persona]:
                    problems.append(f"{where}: {status}, expected {expected[persona]}")
                refused = status in REFUSALS or _sent_to_sign_in(response)
                if wrote and (refused or persona not in route.writes.get(method, ())):
                    problems.append(f"{where}: answered {status} and wrote to {wrote}")
    return problems


def _walk(patterns: list, prefix: str = "") -> set[str]:
    names: set[str] = set()
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            namespace = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
            names |= _walk(pattern.url_patterns, namespace)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(f"{prefix}{pattern.name}")
    return names


def all_url_names() -> set[str]:
    """Every named route: pages, the API routers, the full admin and the operators' admin."""
    return _walk(get_resolver().url_patterns)
