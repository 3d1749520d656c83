"""Personal data of a client a persona may not see never reaches that persona.

The rules as designed (clients.models.personal_data_q): the client base is corporate, so every
member of staff reads every client's name and the journal; the personal data (contact persons'
names, phones, e-mails, postal addresses) is unmasked only for the responsible manager, his
team's supervisor, operators and admins. Deals, transfers and reports are per team. So for a
client of another team (and for a colleague's client) the personal data must not appear in any
page, API answer, export, search result or error page; the deal must not appear at all.

Each surface is also read by the client's own manager, so a test fails if the data were never
shown to anybody (a check that cannot fail proves nothing).
"""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from django.urls import reverse

from tests.deals.factories import DealFactory
from tests.factories import (
    ClientFactory,
    ContactPersonFactory,
    EmailFactory,
    InteractionFactory,
    PhoneFactory,
)

PHONE = "+74957770011"
EMAIL = "zanzibar.secret@example.org"
CONTACT_LAST, CONTACT_FIRST = "Przhevalskaya", "Evdokia"
CLIENT_NAME = "Zanzibar Trading"
DEAL_TITLE = "Zanzibar warehouse lease"
PERSONAL = (EMAIL, CONTACT_LAST, CONTACT_FIRST)


@pytest.fixture
def secret(foreign_manager):
    """A client of the other team with all its personal data, a call and a deal."""
    client = ClientFactory(name=CLIENT_NAME, responsible_manager=foreign_manager)
    PhoneFactory(client=client, number_e164=PHONE, number_raw="8 (495) 777-00-11")
    EmailFactory(client=client, address=EMAIL)
    contact = ContactPersonFactory(client=client, last_name=CONTACT_LAST, first_name=CONTACT_FIRST)
    PhoneFactory(client=client, number_e164="+74957770012")
    interaction = InteractionFactory(client=client, manager=foreign_manager, contact=contact)
    deal = DealFactory(client=client, manager=foreign_manager, title=DEAL_TITLE)
    return {"client": client, "contact": contact, "interaction": interaction, "deal": deal}


def text_of(response) -> str:
    """What the reader gets: the body, unzipped for XLSX."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if content[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            content = b"".join(archive.read(name) for name in archive.namelist())
    return content.decode("utf-8", errors="replace")


def leaked(text: str, secrets: tuple[str, ...] = PERSONAL, typed: str = "") -> list[str]:
    """The secrets in `text`; what the reader typed himself (a search box echoes it) aside."""
    if typed:
        text = text.replace(typed, "").replace(typed.replace(" ", "+"), "")
    found = [secret for secret in secrets if secret.lower() in text.lower()]
    # The phone in any spelling: its digits in a row (a masked number keeps the last four only).
    if PHONE.lstrip("+")[1:] in re.sub(r"\D", "", text):
        found.append(PHONE)
    return found


def typed(url: str) -> str:
    return url.partition("=")[2]


def client_pages(secret) -> list[str]:
    client = secret["client"]
    return [
        reverse("clients:list"),
        reverse("clients:list") + f"?q={CLIENT_NAME}",
        reverse("clients:list") + "?q=8 495 777 00 11",
        reverse("clients:list") + f"?q={EMAIL}",
        reverse("clients:list") + f"?q={CONTACT_LAST}",
        reverse("clients:detail", args=[client.pk]),
        reverse("interactions:list"),
        reverse("interactions:list") + f"?q={CLIENT_NAME}",
    ]


def api_reads(secret) -> list[str]:
    client, contact = secret["client"], secret["contact"]
    return [
        reverse("api:client-list"),
        reverse("api:client-list") + f"?q={CLIENT_NAME}",
        reverse("api:client-list") + f"?phone={PHONE}",
        reverse("api:client-detail", args=[client.pk]),
        reverse("api:contact-list"),
        reverse("api:contact-detail", args=[contact.pk]),
        reverse("api:interaction-list"),
        reverse("api:interaction-detail", args=[secret["interaction"].pk]),
    ]


@pytest.mark.parametrize("persona", ["manager", "other_manager", "supervisor"])
def test_pages_and_searches_mask_another_teams_client(persona, secret, request, login):
    browser = login(request.getfixturevalue(persona))
    card = reverse("clients:detail", args=[secret["client"].pk])
    for url in client_pages(secret):
        response = browser.get(url)
        assert response.status_code == 200, url
        text = text_of(response)
        if url == card:
            # The names in the card's journal rows: test_contact_names_in_journal_rows.
            text = text.split('id="client-journal-rows"')[0] + quick_log_of(text)
        # Contact names in journal rows: test_contact_names_in_journal_rows.
        journal = url.startswith(reverse("interactions:list"))
        found = leaked(text, (EMAIL,) if journal else PERSONAL, typed=typed(url))
        assert not found, f"{url} shows {found}"


def quick_log_of(card: str) -> str:
    return "".join(re.findall(r'<select name="contact".*?</select>', card, flags=re.S))


def test_contact_names_in_journal_rows(secret, manager, login):
    browser = login(manager)
    card = text_of(browser.get(reverse("clients:detail", args=[secret["client"].pk])))
    journal = text_of(browser.get(reverse("interactions:list")))
    assert not leaked(card) and not leaked(journal)


def test_the_owner_sees_what_the_others_may_not(secret, foreign_manager, login):
    browser = login(foreign_manager)
    card = text_of(browser.get(reverse("clients:detail", args=[secret["client"].pk])))
    assert set(leaked(card.split('id="client-journal-rows"')[0])) == {*PERSONAL, PHONE}
    assert CONTACT_LAST in quick_log_of(card)
    api = browser.get(reverse("api:client-detail", args=[secret["client"].pk])).json()
    assert EMAIL in str(api) and PHONE in str(api)


def test_a_colleagues_client_is_masked_too(manager, other_manager, login):
    client = ClientFactory(responsible_manager=manager, name="Colleague Client")
    EmailFactory(client=client, address="colleague.secret@example.org")
    browser = login(other_manager)
    for url in (
        reverse("clients:detail", args=[client.pk]),
        reverse("clients:list") + "?q=Colleague",
        reverse("api:client-detail", args=[client.pk]),
    ):
        assert "colleague.secret@example.org" not in text_of(browser.get(url)), url


@pytest.mark.parametrize("persona", ["manager", "other_manager", "supervisor"])
def test_the_api_masks_another_teams_client(persona, secret, request, login):
    browser = login(request.getfixturevalue(persona))
    for url in api_reads(secret):
        response = browser.get(url)
        assert response.status_code == 200, url
        found = leaked(text_of(response), typed=typed(url))
        assert not found, f"{url} gives {found}"


def test_the_api_gives_the_owner_the_data(secret, foreign_manager, login):
    browser = login(foreign_manager)
    found = set()
    for url in api_reads(secret):
        found |= set(leaked(text_of(browser.get(url))))
    assert found == {*PERSONAL, PHONE}


@pytest.mark.parametrize("persona", ["manager", "other_manager", "supervisor"])
def test_another_teams_deal_is_nowhere(persona, secret, request, login):
    """Deals are per team: not in lists, panels or transfers; the 404 does not name it."""
    browser = login(request.getfixturevalue(persona))
    deal, client = secret["deal"], secret["client"]
    for url in (
        reverse("clients:deal_list"),
        reverse("clients:client_deals_panel", args=[client.pk]),
        reverse("clients:at_risk"),
        reverse("clients:transfer_list"),
        reverse("api:deal-list"),
        reverse("api:deal-stage-change-list"),
        reverse("api:client-transfer-list"),
        reverse("core:home"),
        reverse("interactions:my_day_inbox"),
    ):
        response = browser.get(url)
        assert response.status_code == 200, url
        assert DEAL_TITLE not in text_of(response), url
    for url in (
        reverse("clients:deal_detail", args=[deal.pk]),
        reverse("clients:deal_update", args=[deal.pk]),
        reverse("api:deal-detail", args=[deal.pk]),
    ):
        response = browser.get(url)
        assert response.status_code == 404, url
        assert not leaked(text_of(response), (DEAL_TITLE, CLIENT_NAME, *PERSONAL)), url


def test_the_transfer_page_of_another_teams_client_is_refused(secret, supervisor, login):
    response = login(supervisor).get(reverse("clients:transfer", args=[secret["client"].pk]))
    assert response.status_code == 403
    assert not leaked(text_of(response), (DEAL_TITLE, *PERSONAL))


def test_the_transfer_page_of_the_teams_client_lists_its_deals(manager, supervisor, login):
    client = ClientFactory(responsible_manager=manager)
    DealFactory(client=client, manager=manager, title="Our warehouse lease")
    response = login(supervisor).get(reverse("clients:transfer", args=[client.pk]))
    assert response.status_code == 200
    assert "Our warehouse lease" in text_of(response)


def report_keys(browser) -> list[str]:
    return [report["key"] for report in browser.get(reverse("api:report-list")).json()]


@pytest.mark.parametrize("persona", ["manager", "other_manager", "supervisor"])
def test_reports_and_their_exports_hold_no_other_teams_data(persona, secret, request, login):
    browser = login(request.getfixturevalue(persona))
    keys = report_keys(browser)
    assert keys
    secrets = (CLIENT_NAME, DEAL_TITLE, *PERSONAL)
    for key in keys:
        urls = [reverse("reports:detail", args=[key]), reverse("api:report-detail", args=[key])]
        urls += [reverse("reports:export", args=[key, fmt]) for fmt in ("csv", "xlsx")]
        for url in urls:
            response = browser.get(url)
            assert response.status_code in (200, 403), url
            assert not leaked(text_of(response), secrets), f"{url}: {leaked(text_of(response))}"


def test_reports_are_figures_per_manager(secret, foreign_manager, login):
    """What the exports hold: managers' names and counts (so no client data to leak)."""
    browser = login(foreign_manager)
    export = text_of(browser.get(reverse("reports:export", args=["activity", "csv"])))
    assert foreign_manager.get_full_name() in export


def test_anonymous_gets_nothing(secret, anonymous, login):
    browser = login(anonymous)
    for url in [*client_pages(secret), *api_reads(secret)]:
        response = browser.get(url)
        assert response.status_code in (302, 401), url
        assert not leaked(text_of(response), (CLIENT_NAME, *PERSONAL)), url


@pytest.mark.parametrize("persona", ["manager", "supervisor"])
def test_not_found_pages_do_not_name_what_was_asked(persona, secret, request, login):
    """A 404 for a hidden object (HTML and API) does not echo its name or its id's owner."""
    browser = login(request.getfixturevalue(persona))
    for url in (
        reverse("clients:deal_detail", args=[secret["deal"].pk]),
        reverse("api:deal-detail", args=[secret["deal"].pk]),
        reverse("clients:detail", args=[10**9]),
        reverse("api:client-detail", args=[10**9]),
        f"/clients/{CLIENT_NAME}/",
    ):
        response = browser.get(url)
        assert response.status_code == 404, url
        body = text_of(response)
        assert not leaked(body, (CLIENT_NAME, DEAL_TITLE, *PERSONAL)), url
        assert "Traceback" not in body


def test_segment_exports_hold_only_the_managers_own_clients(secret, manager, login):
    from django.utils import timezone

    from clients.models import Consent
    from clients.services import segment_create

    own = ClientFactory(responsible_manager=manager, name="My Own Client")
    EmailFactory(
        client=own,
        address="mine@example.org",
        consent=Consent.GIVEN,
        consent_at=timezone.now(),
        consent_source="web_form",
    )
    EmailFactory(
        client=secret["client"],
        address="theirs@example.org",
        consent=Consent.GIVEN,
        consent_at=timezone.now(),
        consent_source="web_form",
    )
    segment = segment_create(actor=manager, name="All mine")
    response = login(manager).post(reverse("clients:segment_export", args=[segment.pk]))
    assert response.status_code == 200
    body = text_of(response)
    assert "mine@example.org" in body
    assert not leaked(body, (CLIENT_NAME, "theirs@example.org", *PERSONAL))
