"""The main pages in real Chromium: own assets only, no script errors, the Russian interface."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.factories import InteractionFactory

# Transactional (the live server reads what the test wrote); serialized_rollback restores the
# status picklist that the flush after each such test wipes.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_main_pages_load_only_the_servers_own_assets_without_errors(
    manager, romashka, page, page_log, sign_in, screenshot
):
    InteractionFactory(client=romashka, manager=manager, subject="Asked for the price list")
    page.goto(reverse("login"))
    expect(page.locator("h1")).to_have_text("Sign in to the CRM")
    screenshot("login")
    sign_in(manager)

    pages = {
        "my_day": (reverse("core:home"), "My day"),
        "client_list": (reverse("clients:list"), "Client base"),
        "client_card": (romashka.get_absolute_url(), "Romashka"),
        "journal": (reverse("interactions:list"), "Journal"),
    }
    for name, (url, heading) in pages.items():
        page.goto(url)
        expect(page.locator("h1")).to_have_text(heading)
        # htmx fetches the card's counters after load; let it finish before the picture.
        page.wait_for_load_state("networkidle")
        screenshot(name)

    asked = {request.split("?")[0] for request in page_log.requests}
    assert f"{page_log.origin}/static/django_htmx/htmx-2.min.js" in asked
    assert f"{page_log.origin}{reverse('interactions:my_day_counters')}" in asked
    # The `page` fixture fails the test on console errors or foreign URLs; said here too.
    assert page_log.errors == []
    assert page_log.foreign_requests() == []


def test_the_language_switch_turns_the_interface_russian(manager, page, sign_in, screenshot):
    sign_in(manager)
    expect(page.locator("h1")).to_have_text("My day")

    page.locator("nav button[name=language][value=ru]").click()

    expect(page.locator("html")).to_have_attribute("lang", "ru")
    expect(page.locator("h1")).to_have_text("Мой день")
    expect(page.locator("#plan-counters h3").first).to_have_text("Состоявшиеся контакты")
    manager.refresh_from_db()
    assert manager.language == "ru"
    screenshot("my_day_ru")
