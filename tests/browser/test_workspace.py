"""The manager's workspace in real Chromium: search, quick logging, live counters, the inbox."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from interactions.models import Interaction
from tests.browser.conftest import assert_not_reloaded, mark_no_reload
from tests.factories import (
    ClientFactory,
    ContactPersonFactory,
    InteractionFactory,
    PhoneFactory,
    status,
)

# Transactional (the live server reads what the test wrote); serialized_rollback restores the
# status picklist that the flush after each such test wipes.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

MEETING = Interaction.Kind.MEETING


def counter(page, key: str, *, root: str = "#plan-counters"):
    return page.locator(f"{root} [data-counter={key}] [data-counter-link]")


def done(locator, target: int) -> int:
    """The counter's "N of target" once it has loaded, as N."""
    expect(locator).to_have_text(re.compile(rf"^\s*\d+ of {target}\s*$"))
    return int(locator.inner_text().split()[0])


def meeting_form(page):
    page.locator("#quick-log-tab-meeting").click()
    form = page.locator("#quick-log-meeting")
    expect(form).to_be_visible()
    return form


def test_a_manager_signs_in_and_lands_on_my_day(manager, romashka, page, sign_in, screenshot):
    sign_in(manager)

    expect(page.locator("h1")).to_have_text("My day")
    expect(counter(page, "meetings_held")).to_have_text("0 of 10")
    expect(page.get_by_test_id("inbox-empty")).to_be_visible()
    screenshot("my_day_empty")


def test_search_finds_a_client_by_a_phone_typed_in_another_format(
    manager, other_manager, romashka, page, sign_in, screenshot
):
    vasilek = ClientFactory(name="Vasilek", responsible_manager=other_manager)
    PhoneFactory(client=vasilek, number_e164="+74957654321")
    sign_in(manager)
    page.goto(reverse("clients:list"))
    search = page.locator("main input[name=q]")

    search.press_sequentially("8 (495) 123-45-67")

    verdict = page.get_by_test_id("search-verdict")
    expect(verdict).to_contain_text("Known")
    expect(verdict.get_by_test_id("verdict-row")).to_have_count(1)
    expect(verdict.get_by_test_id("verdict-row")).to_contain_text("Romashka")
    expect(verdict.get_by_test_id("verdict-owner")).to_have_text("your client")
    screenshot("client_search_own")

    search.fill("")
    search.press_sequentially("7 495 765 43 21")

    expect(verdict.get_by_test_id("verdict-row")).to_contain_text("Vasilek")
    expect(verdict.get_by_test_id("verdict-owner")).to_contain_text(
        f"client of {other_manager} (Moscow sales)"
    )
    screenshot("client_search_colleague")


def test_a_held_meeting_without_a_result_is_refused_then_logged_in_place(
    manager, romashka, page, sign_in, screenshot
):
    contact = romashka.contacts.get()
    sign_in(manager)
    page.goto(romashka.get_absolute_url())
    mark_no_reload(page)
    form = meeting_form(page)
    expect(form.locator("input[name=state][value=held]")).to_be_checked()
    form.locator("select[name=contact]").select_option(str(contact.pk))
    form.locator("input[name=subject]").fill("Price list for the autumn")

    form.get_by_role("button", name="Save").click()

    error = page.locator("#quick-log-meeting [data-field=result] [data-error-for=result]")
    expect(error).to_have_text("Write down the result of the meeting.")
    expect(page.locator("#quick-log-meeting [role=alert]")).to_contain_text(
        "Nothing has been saved"
    )
    assert not Interaction.objects.filter(client=romashka, kind=MEETING).exists()
    # What was typed survives the refusal.
    expect(form.locator("input[name=subject]")).to_have_value("Price list for the autumn")
    screenshot("client_card_meeting_refused")

    form.locator("textarea[name=result]").fill("They take the offer to the board")
    form.get_by_role("button", name="Save").click()

    expect(form.get_by_test_id("quick-log-saved")).to_be_visible()
    newest = page.locator("#client-journal-rows tr").first
    expect(newest).to_contain_text("Price list for the autumn")
    expect(newest).to_contain_text("They take the offer to the board")
    expect(newest).to_contain_text("Held")
    meeting = Interaction.objects.get(client=romashka, kind=MEETING)
    assert (meeting.status.code, meeting.contact, meeting.manager) == ("held", contact, manager)
    assert meeting.result == "They take the offer to the board"
    assert_not_reloaded(page)
    screenshot("client_card_meeting_logged")


def test_the_meetings_counter_goes_up_without_a_reload(
    manager, romashka, page, sign_in, screenshot
):
    contact = romashka.contacts.get()
    InteractionFactory(
        kind=MEETING,
        client=romashka,
        contact=contact,
        manager=manager,
        status=status(MEETING, "held"),
        occurred_at=timezone.now() - datetime.timedelta(minutes=5),
        subject="First visit",
        result="Met the director",
    )
    sign_in(manager)
    page.goto(romashka.get_absolute_url())
    meetings = counter(page, "meetings_held", root="[data-testid=card-counters]")
    held_before = done(meetings, 10)
    assert held_before >= 1
    mark_no_reload(page)
    form = meeting_form(page)
    form.locator("select[name=contact]").select_option(str(contact.pk))
    form.locator("input[name=subject]").fill("Second visit")
    form.locator("textarea[name=result]").fill("Signed the protocol")

    form.get_by_role("button", name="Save").click()

    expect(meetings).to_have_text(f"{held_before + 1} of 10")
    assert_not_reloaded(page)
    screenshot("client_card_counters")


def test_wrong_number_takes_an_inbox_call_out_in_one_click(
    manager, romashka, page, sign_in, screenshot
):
    call = InteractionFactory(
        kind=Interaction.Kind.INCOMING_CALL,
        client=romashka,
        contact=romashka.contacts.get(),
        manager=manager,
        source=Interaction.Source.TELEPHONY,
        provider="generic",
        external_id="x1",
        phone_raw="+74951234567",
        phone_e164="+74951234567",
        call_outcome="answered",
        occurred_at=timezone.now() - datetime.timedelta(minutes=10),
        subject="",
        status=None,
        created_by=None,
    )
    sign_in(manager)
    expect(page.get_by_test_id("inbox-empty")).to_be_hidden()
    row = page.locator(f"[data-inbox-row='{call.pk}']")
    expect(row).to_contain_text("Romashka")
    # An answered call of a known client counts as a contact taken until it is a wrong number.
    contacts = counter(page, "contacts_taken")
    taken_before = done(contacts, 40)
    assert taken_before >= 1
    screenshot("my_day_inbox")
    mark_no_reload(page)

    with page.expect_response(lambda response: "/my-day/counters/" in response.url):
        row.locator("button[data-status-code=wrong_number]").click()

    expect(row).to_have_count(0)
    expect(page.get_by_test_id("inbox-empty")).to_be_visible()
    expect(page.locator("#my-day-announcer")).to_contain_text("Wrong number")
    expect(contacts).to_have_text(f"{taken_before - 1} of 40")
    call.refresh_from_db()
    assert call.status.code == "wrong_number"
    assert call.status_changed_at is not None
    assert_not_reloaded(page)
    screenshot("my_day_after_wrong_number")


def test_a_contact_person_on_another_managers_client_stays_masked(
    manager, other_manager, page, sign_in
):
    vasilek = ClientFactory(name="Vasilek", responsible_manager=other_manager)
    contact = ContactPersonFactory(client=vasilek, last_name="Petrova", first_name="Anna")
    PhoneFactory(client=vasilek, contact=contact, number_e164="+74957654321")
    sign_in(manager)

    page.goto(vasilek.get_absolute_url())

    expect(page.get_by_test_id("masked-note")).to_be_visible()
    expect(page.locator("main")).to_contain_text("+7 *** ***-43-21")
    expect(page.locator("main")).not_to_contain_text("765")
    expect(page.locator("#quick-log")).to_be_visible()
