"""Real headless Chromium (Debian's /usr/bin/chromium, never a downloaded one) against live_server.

Each test gets a fresh browser context (no cookies), signs in through the real login form, and
on teardown fails if the page logged a console error or asked for anything but the live server.
Screenshots go to test-artifacts/screenshots/ (git-ignored) for reviewers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.db import connections
from django.urls import reverse
from playwright.sync_api import expect

from crm_project.accounts.models import User
from tests.conftest import IN_CI
from tests.factories import (
    PASSWORD,
    ClientFactory,
    ContactPersonFactory,
    PhoneFactory,
    PlanFactory,
)

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]
SCREENSHOTS = Path(settings.BASE_DIR) / "test-artifacts" / "screenshots"
# Generous for a loaded CI machine, short enough that a broken page fails fast.
TIMEOUT_MS = 10_000
expect.set_options(timeout=TIMEOUT_MS)
# Schemes that never leave the page (Bootstrap's inline SVG icons are data: URLs).
LOCAL_SCHEMES = {"data", "blob", "about"}


@pytest.fixture(scope="package")
def chromium() -> Iterator:
    """One Chromium for the browser tests, closed once they are done."""
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is missing: `make browser-deps` installs Debian's chromium"
        if IN_CI:
            pytest.fail(reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop running on this thread while it is open. Django
    # then refuses ORM calls as "async-unsafe", and hands out a second set of connections, which
    # would miss the test database's serialized contents (serialized_rollback) and SQLite's
    # in-memory database shared with the live server. The test body still runs on this thread,
    # one call at a time, so it keeps the connections it had; both only while Playwright is open.
    wrappers = {alias: connections[alias] for alias in connections}
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        for alias, wrapper in wrappers.items():
            connections[alias] = wrapper
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()
            for alias in wrappers:
                del connections[alias]


@dataclass
class PageLog:
    """What a page did besides rendering: console errors and every URL it asked for."""

    origin: str
    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    def foreign_requests(self) -> list[str]:
        return [
            url
            for url in self.requests
            if urlsplit(url).scheme not in LOCAL_SCHEMES
            and f"{urlsplit(url).scheme}://{urlsplit(url).netloc}" != self.origin
        ]


@pytest.fixture
def page_log(live_server) -> PageLog:
    return PageLog(origin=live_server.url)


@pytest.fixture
def page(chromium, live_server, page_log: PageLog) -> Iterator:
    context = chromium.new_context(
        base_url=live_server.url, locale="en-US", viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.on("request", lambda request: page_log.requests.append(request.url))
    page.on(
        "console",
        lambda message: (
            page_log.errors.append(f"console: {message.text}") if message.type == "error" else None
        ),
    )
    page.on("pageerror", lambda error: page_log.errors.append(f"uncaught: {error}"))
    yield page
    context.close()
    assert not page_log.errors, f"the pages logged errors: {page_log.errors}"
    assert not page_log.foreign_requests(), (
        f"the pages asked for URLs outside {page_log.origin}: {page_log.foreign_requests()}"
    )


@pytest.fixture
def sign_in(page) -> Callable[[User], None]:
    """sign_in(user): through the real login form; lands on the home page."""

    def sign_in_as(user: User) -> None:
        page.goto(reverse("login"))
        page.locator("#id_username").fill(user.username)
        page.locator("#id_password").fill(PASSWORD)
        page.locator("main form button[type=submit]").click()
        page.wait_for_url(lambda url: urlsplit(url).path == reverse("core:home"))

    return sign_in_as


@pytest.fixture
def screenshot(page) -> Callable[[str], None]:
    """screenshot(name): the whole page to test-artifacts/screenshots/<name>.png."""

    def save(name: str) -> None:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        # Not mid-request: a spinner or a half-faded row would mislead the reviewer.
        # A locator, not wait_for_function: that evaluates a string, which the CSP forbids.
        expect(page.locator(".htmx-request")).to_have_count(0)
        page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True, animations="disabled")

    return save


def mark_no_reload(page) -> None:
    """Leave a marker on window that a navigation or reload would wipe."""
    page.evaluate("window.__crmNoReload = true")


def assert_not_reloaded(page) -> None:
    assert page.evaluate("window.__crmNoReload === true"), "the page was reloaded"
    assert page.evaluate("performance.getEntriesByType('navigation').length") == 1


@pytest.fixture
def romashka(manager):
    """The manager's client with a reachable contact person, and the manager's plan."""
    PlanFactory(manager=manager, meetings_target=10)
    client = ClientFactory(name="Romashka", responsible_manager=manager)
    contact = ContactPersonFactory(
        client=client, last_name="Ivanov", first_name="Ivan", is_primary=True
    )
    PhoneFactory(client=client, contact=contact, number_e164="+74951234567")
    return client
