"""Each language of LANGUAGES in real Chromium: the main pages hold no text of another language.

For a translated language, no English msgid of the catalogue (12 characters or more, whose
translation differs) may be left on the page, and no letters of another language's script
(Cyrillic outside Russian, Devanagari outside Hindi) either; English pages hold neither script.
"""

from __future__ import annotations

import importlib
import re
from functools import cache
from pathlib import Path

import polib
import pytest
from django.apps import apps
from django.conf import settings
from django.urls import reverse
from playwright.sync_api import expect

from crm_project.accounts.models import User
from interactions.models import Interaction
from tests.deals.factories import DealFactory, stage
from tests.factories import PASSWORD, InteractionFactory, UserFactory, status

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

LOCALE = Path(settings.BASE_DIR) / "locale"
SCRIPTS = {"ru": re.compile(r"[\u0400-\u04ff]"), "hi": re.compile(r"[\u0900-\u097f]")}
# Shorter msgids ("Client", "Status") are too often part of names, codes or other words.
MIN_LENGTH = 12
# Text that is the same in every language: the product's and the demo client's names.
NEUTRAL = {"Romashka"}


@cache
def english_left_behind_candidates(language: str) -> tuple[str, ...]:
    po = polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))
    return tuple(
        entry.msgid
        for entry in po.translated_entries()
        if len(entry.msgid) >= MIN_LENGTH
        and not entry.msgid_plural
        and entry.msgstr.strip() != entry.msgid.strip()
        and not re.search(r"[%{}\n<]", entry.msgid)
    )


def foreign_text(language: str, text: str) -> list[str]:
    found = [
        f"{script} script: {match.group(0)!r}"
        for script, pattern in SCRIPTS.items()
        if script != language
        for match in [pattern.search(text)]
        if match
    ]
    if language != settings.LANGUAGE_CODE:
        found += [msgid for msgid in english_left_behind_candidates(language) if msgid in text]
    return found


def seed_translated_picklists() -> None:
    """The statuses and stages as migrated, names in every language (after a flush, too)."""
    status(Interaction.Kind.MEETING, "held")
    stage("new")
    for module in [
        "interactions.migrations.0005_seed_status_name_translations",
        "clients.migrations.0006_seed_picklist_name_translations",
    ]:
        importlib.import_module(module).add_names(apps, None)


def visible_text(page) -> str:
    page.wait_for_load_state("networkidle")
    return page.locator("body").inner_text()


@pytest.mark.parametrize("language", [code for code, _name in settings.LANGUAGES])
def test_the_main_pages_read_in_one_language(
    language, manager, supervisor, romashka, page, sign_in, screenshot
):
    if language != settings.LANGUAGE_CODE and not (LOCALE / language).exists():
        pytest.fail(f"locale/{language}/ is missing: LANGUAGES offers a language without catalogue")
    seed_translated_picklists()
    InteractionFactory(
        client=romashka,
        manager=manager,
        kind=Interaction.Kind.MEETING,
        status=status(Interaction.Kind.MEETING, "held"),
        subject="Romashka",
    )
    DealFactory(client=romashka, title="Romashka", stage=stage("proposal_sent"))
    User.objects.filter(pk__in=[manager.pk, supervisor.pk]).update(language=language)
    leftovers: dict[str, list[str]] = {}

    sign_in(manager)
    expect(page.locator("html")).to_have_attribute("lang", language)
    pages = {
        "my_day": reverse("core:home"),
        "clients": reverse("clients:list"),
        "client_card": romashka.get_absolute_url(),
        "journal": reverse("interactions:list"),
    }
    for name, url in pages.items():
        page.goto(url)
        leftovers[name] = foreign_text(language, visible_text(page))
    screenshot(f"client_card_{language}")

    page.context.clear_cookies()
    sign_in(supervisor)
    page.goto(reverse("reports:index"))
    leftovers["reports"] = foreign_text(language, visible_text(page))

    assert not {name: found for name, found in leftovers.items() if found}, leftovers


def test_hindi_pages_use_a_devanagari_font_of_the_system(manager, page, sign_in):
    if "hi" not in dict(settings.LANGUAGES):
        pytest.skip("Hindi is not offered yet (settings.LANGUAGES)")
    manager.language = "hi"
    manager.save()

    sign_in(manager)

    font = page.evaluate("getComputedStyle(document.querySelector('h1')).fontFamily")
    assert "Noto Sans Devanagari" in font
    # The `page` fixture fails the test if a font (or anything) came from outside the server.


def test_a_french_browser_gets_french_pages(chromium, live_server):
    if "fr" not in dict(settings.LANGUAGES):
        pytest.skip("French is not offered yet (settings.LANGUAGES)")
    newcomer = UserFactory(username="newcomer", role=User.Role.MANAGER)
    # A browser set to French: Chromium sends its locale as Accept-Language.
    context = chromium.new_context(base_url=live_server.url, locale="fr-FR")
    try:
        page = context.new_page()
        page.goto(reverse("login"))
        expect(page.locator("html")).to_have_attribute("lang", "fr")
        page.locator("#id_username").fill(newcomer.username)
        page.locator("#id_password").fill(PASSWORD)
        page.locator("main form button[type=submit]").click()
        page.wait_for_url(f"{live_server.url}{reverse('core:home')}")

        expect(page.locator("html")).to_have_attribute("lang", "fr")
    finally:
        context.close()
    newcomer.refresh_from_db()
    assert newcomer.language == ""
