"""Real Chromium on pages full of XSS payloads: nothing runs, nothing is blocked, the text is shown.

Every free-text field holds its payloads (tests/security/test_xss_everywhere.py fills them through
the real forms). An alert() that ran would open a dialog; an injected inline handler or script
that the Content-Security-Policy blocked would fire a securitypolicyviolation event (and log a
console error, which the `page` fixture fails on).
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.security.test_xss_everywhere import build_hostile_world, hostile

pytestmark = [
    pytest.mark.browser,
    # Transactional (the live server reads what the test wrote); the picklists come from the
    # `statuses` fixture and the world's own seeding, as in test_csp_in_the_browser.py. All
    # databases: the world's report snapshot reads through the reports' replica alias.
    pytest.mark.django_db(transaction=True, databases="__all__"),
]

# Listens before any of the page's own code runs; init scripts are not subject to the page's CSP.
LISTEN_FOR_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.reportViolation(`${event.violatedDirective} ${event.blockedURI} ${event.sample}`);
});
"""


def test_payloads_run_nowhere_in_the_card_and_the_journal(
    team,
    manager,
    other_manager,
    supervisor,
    operator,
    admin,
    statuses,
    page,
    page_log,
    sign_in,
):
    world = build_hostile_world(
        team=team,
        manager=manager,
        other_manager=other_manager,
        supervisor=supervisor,
        operator=operator,
        admin=admin,
    )
    dialogs: list[str] = []
    violations: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.expose_function("reportViolation", lambda text: violations.append(text))
    page.add_init_script(LISTEN_FOR_VIOLATIONS)
    client = world.objects["client"]
    sign_in(manager)

    for url in (client.get_absolute_url(), reverse("interactions:list"), reverse("core:home")):
        page.goto(url)
        page.wait_for_load_state("networkidle")
        # Hovering and focusing would fire an injected onmouseover / onfocus.
        page.mouse.move(300, 300)
        page.keyboard.press("Tab")
        assert page.locator("img[src=x], svg[onload], xss, [onmouseover], [onfocus]").count() == 0
    page.goto(client.get_absolute_url())
    expect(page.locator("h1")).to_contain_text(hostile("clients.Client.name"))
    page.goto(reverse("interactions:list"))
    expect(page.locator("main")).to_contain_text(hostile("interactions.Interaction.subject"))

    assert dialogs == [], f"a payload ran: {dialogs}"
    assert violations == [], f"the policy had to block: {violations}"

    # The listeners work: markup a page forgot to escape is blocked, and reported.
    errors_so_far = list(page_log.errors)
    with page.expect_console_message(lambda message: "Content Security Policy" in message.text):
        page.evaluate(
            "document.body.insertAdjacentHTML('beforeend', '<img src=x onerror=alert(1)>')"
        )
    page.wait_for_timeout(200)
    assert violations and dialogs == []
    # The canary's own console errors (the blocked handler, the 404 of src=x) are expected.
    page_log.errors[:] = errors_so_far
