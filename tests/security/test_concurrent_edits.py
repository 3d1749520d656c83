"""Two people saving the same client, contact person or deal: the second gets a clear conflict.

Every edit form carries the version it was loaded with; the service compares it with the locked
row. The second save is refused (nothing of it is written, the first one's values stay), the
page comes back with the second person's input kept and the saved values shown, and saving
again from there applies it. The API answers 409 in the documented error shape.
"""

from __future__ import annotations

import html
import threading
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.urls import reverse

from clients.models import Client, ContactPerson, Deal
from clients.services import (
    RecordChangedError,
    client_merge,
    client_transfer,
    client_update,
    deal_move_stage,
    deal_reassign,
    deal_update,
    person_erase,
    personal_record_save,
)
from crm_project.accounts.models import User
from interactions.models import Interaction
from interactions.services import interaction_log
from tests.api.conftest import api, error_of  # noqa: F401 (the JSON API client fixture)
from tests.conftest import require_postgresql
from tests.deals.factories import DealFactory, stage
from tests.factories import ClientFactory, ContactPersonFactory, UserFactory


class FormFields(HTMLParser):
    """What a browser would submit from the first form whose attributes match `wanted`.

    A wanted value of None means the attribute is absent (a form posting to its own page).
    """

    def __init__(self, **wanted: str | None) -> None:
        super().__init__()
        self.wanted = wanted
        self.inside = False
        self.done = False
        self.data: dict[str, str] = {}
        self.select: str | None = None
        self.first_option: str | None = None
        self.textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attributes = dict(attrs)
        if tag == "form" and not self.done and not self.inside:
            self.inside = all(attributes.get(key) == value for key, value in self.wanted.items())
            return
        if not self.inside:
            return
        name = attributes.get("name")
        if tag == "input" and name:
            kind = attributes.get("type", "text")
            if kind in ("submit", "button", "file"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attributes:
                return
            self.data[name] = attributes.get("value") or ("on" if kind == "checkbox" else "")
        elif tag == "select" and name:
            self.select, self.first_option = name, None
        elif tag == "option" and self.select:
            value = attributes.get("value", "")
            if self.first_option is None:
                self.first_option = value
            if "selected" in attributes:
                self.data[self.select] = value
        elif tag == "textarea" and name:
            self.textarea = name
            self.data[name] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "select" and self.select:
            self.data.setdefault(self.select, self.first_option or "")
            self.select = None
        elif tag == "textarea":
            self.textarea = None
        elif tag == "form" and self.inside:
            self.inside, self.done = False, True

    def handle_data(self, data: str) -> None:
        if self.textarea:
            self.data[self.textarea] += data.removeprefix("\n")


def loaded_form(response, form_id: str | None = None, **wanted: str | None) -> dict[str, str]:
    """The edit form on the page: the admin's by its id, else the one posting to the page."""
    assert response.status_code in (200, 409), response.status_code
    parser = FormFields(**({"id": form_id} if form_id else wanted or {"action": None}))
    parser.feed(response.content.decode())
    assert parser.data, "no form on the page"
    return parser.data


def page_text(response) -> str:
    return html.unescape(response.content.decode())


def change_url(model: str, pk: int) -> str:
    return reverse(f"operator_admin:clients_{model}_change", args=[pk])


def conflict_message(kind: str, who: User) -> str:
    return f"This {kind} was changed by {who} at"


REVIEW = "Your changes were not saved: review the current values below and save again."


# The operators' admin -------------------------------------------------------------------------


def test_second_operator_saving_a_client_gets_a_conflict_with_his_input_kept(
    operator, admin, login
):
    client = ClientFactory(name="Acme")
    first, second = login(operator), login(admin)
    url = change_url("client", client.pk)
    first_form = loaded_form(first.get(url), "client_form")
    second_form = loaded_form(second.get(url), "client_form")

    saved = first.post(url, {**first_form, "name": "Acme Ltd"})
    assert saved.status_code == 302
    refused = second.post(url, {**second_form, "name": "ACME Group", "status": "active"})

    assert refused.status_code == 200
    text = page_text(refused)
    assert conflict_message("client", operator) in text and REVIEW in text
    assert "Currently saved: Acme Ltd" in text
    again = loaded_form(refused, "client_form")
    assert (again["name"], again["status"]) == ("ACME Group", "active")
    client.refresh_from_db()
    assert (client.name, client.status, client.version) == ("Acme Ltd", "prospect", 2)
    assert client.updated_by == operator

    # Having reviewed the current values, he saves again: now his input is applied.
    assert second.post(url, again).status_code == 302
    client.refresh_from_db()
    assert (client.name, client.status, client.version) == ("ACME Group", "active", 3)


def test_second_operator_saving_a_contact_person_gets_a_conflict(operator, admin, login):
    contact = ContactPersonFactory(last_name="Ivanov", first_name="Ivan", position="")
    first, second = login(operator), login(admin)
    url = change_url("contactperson", contact.pk)
    first_form = loaded_form(first.get(url), "contactperson_form")
    second_form = loaded_form(second.get(url), "contactperson_form")

    assert first.post(url, {**first_form, "last_name": "Ivanova"}).status_code == 302
    refused = second.post(url, {**second_form, "position": "Chief engineer"})

    assert refused.status_code == 200
    text = page_text(refused)
    assert conflict_message("contact person", operator) in text
    assert "Currently saved: Ivanova" in text
    assert loaded_form(refused, "contactperson_form")["position"] == "Chief engineer"
    contact.refresh_from_db()
    assert (contact.last_name, contact.position) == ("Ivanova", "")


def test_a_stale_contact_row_on_the_client_page_conflicts_and_saves_nothing(operator, admin, login):
    client = ClientFactory(name="Acme")
    contact = ContactPersonFactory(client=client, last_name="Ivanov", is_primary=True)
    stale = loaded_form(login(admin).get(change_url("client", client.pk)), "client_form")
    editor = login(operator)
    contact_url = change_url("contactperson", contact.pk)
    form = loaded_form(editor.get(contact_url), "contactperson_form")
    assert editor.post(contact_url, {**form, "last_name": "Petrov"}).status_code == 302

    row = next(name for name, value in stale.items() if value == "Ivanov")
    refused = login(admin).post(
        change_url("client", client.pk), {**stale, "name": "Acme Ltd", row: "Sidorov"}
    )

    assert refused.status_code == 200
    assert conflict_message("contact person", operator) in page_text(refused)
    client.refresh_from_db()
    contact.refresh_from_db()
    # The whole page was refused: neither the client's new name nor the stale row is saved.
    assert (client.name, contact.last_name) == ("Acme", "Petrov")


def test_a_stale_contact_row_left_as_it_was_still_conflicts_instead_of_writing_it_back(
    operator, admin, login
):
    # The page still shows the old name: submitted as it is, it would undo the other change.
    client = ClientFactory(name="Acme")
    contact = ContactPersonFactory(client=client, last_name="Ivanov", is_primary=True)
    second = login(admin)
    stale = loaded_form(second.get(change_url("client", client.pk)), "client_form")
    editor = login(operator)
    contact_url = change_url("contactperson", contact.pk)
    form = loaded_form(editor.get(contact_url), "contactperson_form")
    assert editor.post(contact_url, {**form, "last_name": "Petrov"}).status_code == 302

    refused = second.post(change_url("client", client.pk), {**stale, "name": "Acme Ltd"})

    assert refused.status_code == 200
    text = page_text(refused)
    assert conflict_message("contact person", operator) in text
    assert "Currently saved: Petrov" in text
    client.refresh_from_db()
    contact.refresh_from_db()
    assert (client.name, contact.last_name) == ("Acme", "Petrov")

    # He takes over the current name in the row and saves: his client name goes through.
    again = loaded_form(refused, "client_form")
    row = next(name for name, value in again.items() if value == "Ivanov")
    assert second.post(change_url("client", client.pk), {**again, row: "Petrov"}).status_code == 302
    client.refresh_from_db()
    contact.refresh_from_db()
    assert (client.name, contact.last_name, contact.version) == ("Acme Ltd", "Petrov", 2)


def test_a_form_opened_before_an_erasure_cannot_write_the_name_back(operator, admin, login):
    client = ClientFactory(kind=Client.Kind.COMPANY)
    contact = ContactPersonFactory(client=client, last_name="Ivanov")
    browser = login(operator)
    url = change_url("contactperson", contact.pk)
    form = loaded_form(browser.get(url), "contactperson_form")
    person_erase(actor=admin, subject=contact)

    refused = browser.post(url, {**form, "position": "Engineer"})

    assert refused.status_code == 200
    assert conflict_message("contact person", admin) in page_text(refused)
    contact.refresh_from_db()
    assert (contact.last_name, contact.position) == ("Erased", "")


def test_a_transfer_made_while_an_operator_edits_the_client_is_a_conflict(
    operator, supervisor, manager, other_manager, login
):
    client = ClientFactory(name="Acme", responsible_manager=manager)
    browser = login(operator)
    url = change_url("client", client.pk)
    form = loaded_form(browser.get(url), "client_form")
    client_transfer(actor=supervisor, client=client, to_manager=other_manager, reason="Holiday")

    refused = browser.post(url, {**form, "name": "Acme Ltd"})

    assert refused.status_code == 200
    assert conflict_message("client", supervisor) in page_text(refused)
    client.refresh_from_db()
    assert (client.name, client.responsible_manager) == ("Acme", other_manager)


def test_the_full_admin_edits_clients_with_the_same_conflict_check(admin, login):
    other_admin = UserFactory(
        username="admin2", role=User.Role.ADMIN, team=None, is_staff=True, is_superuser=True
    )
    client = ClientFactory(name="Acme")
    url = reverse("admin:clients_client_change", args=[client.pk])
    first, second = login(admin), login(other_admin)
    first_form = loaded_form(first.get(url), "client_form")
    second_form = loaded_form(second.get(url), "client_form")

    assert first.post(url, {**first_form, "name": "Acme Ltd"}).status_code == 302
    refused = second.post(url, {**second_form, "name": "ACME Group"})

    assert refused.status_code == 200
    assert conflict_message("client", admin) in page_text(refused)
    client.refresh_from_db()
    assert client.name == "Acme Ltd"


def test_the_operator_admin_refuses_an_edit_without_the_version(operator, login):
    client = ClientFactory(name="Acme")
    browser = login(operator)
    url = change_url("client", client.pk)
    form = loaded_form(browser.get(url), "client_form")
    del form["version"]

    response = browser.post(url, {**form, "name": "Acme Ltd"})

    assert response.status_code == 200
    assert "did not say which version" in page_text(response)
    client.refresh_from_db()
    assert client.name == "Acme"


# The deal pages -------------------------------------------------------------------------------


@pytest.fixture
def deal(manager):
    client = ClientFactory(name="Romashka", responsible_manager=manager, created_by=manager)
    return DealFactory(client=client, title="Pumps", amount=Decimal("100.00"))


def test_second_person_saving_a_deal_gets_a_conflict_with_his_input_kept(
    deal, manager, supervisor, login
):
    first, second = login(manager), login(supervisor)
    url = reverse("clients:deal_update", args=[deal.pk])
    first_form, second_form = loaded_form(first.get(url)), loaded_form(second.get(url))

    assert first.post(url, {**first_form, "title": "Pumps, 2 units"}).status_code == 302
    refused = second.post(url, {**second_form, "amount": "250.00"})

    assert refused.status_code == 409
    text = page_text(refused)
    assert conflict_message("deal", manager) in text and REVIEW in text
    assert "Currently saved: Pumps, 2 units" in text
    again = loaded_form(refused)
    assert (again["title"], again["amount"]) == ("Pumps", "250.00")
    deal.refresh_from_db()
    assert (deal.title, deal.amount, deal.version) == ("Pumps, 2 units", Decimal("100.00"), 2)

    # He keeps the manager's title and saves his amount again.
    assert second.post(url, {**again, "title": "Pumps, 2 units"}).status_code == 302
    deal.refresh_from_db()
    assert (deal.title, deal.amount, deal.version) == ("Pumps, 2 units", Decimal("250.00"), 3)


def test_the_deal_form_refuses_an_edit_without_the_version(deal, manager, login):
    browser = login(manager)
    url = reverse("clients:deal_update", args=[deal.pk])
    form = loaded_form(browser.get(url))
    del form["version"]

    response = browser.post(url, {**form, "title": "Renamed"})

    assert response.status_code == 409
    assert "did not say which version" in page_text(response)
    deal.refresh_from_db()
    assert deal.title == "Pumps"
    # The page now carries the current version: saving from it goes through.
    assert browser.post(url, loaded_form(response)).status_code == 302
    deal.refresh_from_db()
    assert deal.title == "Renamed"


def test_a_stage_move_from_a_stale_card_is_a_conflict(deal, manager, supervisor, login):
    browser = login(manager)
    card = browser.get(deal.get_absolute_url())
    form = loaded_form(card, **{"data-testid": "stage-form"})
    deal_move_stage(actor=supervisor, deal=deal, stage=stage("proposal_sent"))

    refused = browser.post(
        reverse("clients:deal_move_stage", args=[deal.pk]),
        {**form, f"deal{deal.pk}-stage": stage("presentation_sent").pk},
    )

    assert refused.status_code == 409
    assert conflict_message("deal", supervisor) in page_text(refused)
    deal.refresh_from_db()
    assert deal.stage.code == "proposal_sent"


def test_a_deal_moved_meanwhile_refuses_a_stale_edit_form(deal, manager, supervisor, login):
    browser = login(manager)
    url = reverse("clients:deal_update", args=[deal.pk])
    form = loaded_form(browser.get(url))
    deal_move_stage(actor=supervisor, deal=deal, stage=stage("proposal_sent"))

    refused = browser.post(url, {**form, "title": "Renamed"})

    assert refused.status_code == 409
    assert conflict_message("deal", supervisor) in page_text(refused)
    deal.refresh_from_db()
    assert deal.title == "Pumps"


# The API --------------------------------------------------------------------------------------


def test_api_exposes_the_version_and_answers_409_to_a_stale_client_patch(
    api,  # noqa: F811
    manager,
    supervisor,
):
    client = ClientFactory(responsible_manager=manager, status="prospect")
    url = reverse("api:client-detail", args=[client.pk])
    read = api(manager).get(url).json()
    assert read["version"] == 1

    first = api(supervisor).patch(url, {"status": "active", "version": read["version"]})
    assert first.status_code == 200 and first.json()["version"] == 2
    second = api(manager).patch(url, {"status": "inactive", "version": read["version"]})

    assert second.status_code == 409
    error = error_of(second)
    assert error["code"] == "conflict"
    assert str(supervisor) in error["message"]
    client.refresh_from_db()
    assert (client.status, client.version) == ("active", 2)


def test_api_without_a_version_keeps_last_write_wins_for_older_integrations(
    api,  # noqa: F811
    manager,
):
    client = ClientFactory(responsible_manager=manager, status="prospect")
    client_update(actor=manager, client=client, status="active")

    response = api(manager).patch(
        reverse("api:client-detail", args=[client.pk]), {"status": "inactive"}
    )

    assert response.status_code == 200
    assert response.json()["version"] == 3


def test_api_answers_409_to_a_stale_deal_patch_and_stage_move(
    api,  # noqa: F811
    deal,
    manager,
    supervisor,
):
    url = reverse("api:deal-detail", args=[deal.pk])
    seen = api(manager).get(url).json()["version"]
    assert api(supervisor).patch(url, {"title": "Valves", "version": seen}).status_code == 200

    stale_patch = api(manager).patch(url, {"amount": "5.00", "version": seen})
    stale_move = api(manager).post(
        reverse("api:deal-move-stage", args=[deal.pk]),
        {"stage": stage("presentation_sent").pk, "version": seen},
    )

    assert (stale_patch.status_code, stale_move.status_code) == (409, 409)
    assert error_of(stale_patch)["code"] == error_of(stale_move)["code"] == "conflict"
    deal.refresh_from_db()
    assert (deal.title, deal.amount, deal.stage.code) == ("Valves", Decimal("100.00"), "new")


def test_contact_persons_expose_their_version(api, operator):  # noqa: F811
    contact = ContactPersonFactory()
    body = api(operator).get(reverse("api:contact-detail", args=[contact.pk])).json()
    assert body["version"] == 1


def test_the_schema_documents_409_and_the_version(client, db):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    paths = schema["paths"]
    assert "409" in paths["/api/v1/clients/{id}/"]["patch"]["responses"]
    assert "409" in paths["/api/v1/deals/{id}/"]["patch"]["responses"]
    assert "409" in paths["/api/v1/deals/{id}/stage/"]["post"]["responses"]
    components = schema["components"]["schemas"]
    assert components["Client"]["properties"]["version"]["readOnly"] is True
    assert "version" in components["PatchedDealUpdateRequest"]["properties"]


# Really at once, on PostgreSQL ----------------------------------------------------------------


def _save_client(actor: User, record: Client, value: str) -> None:
    client_update(actor=actor, client=record, expected_version=record.version, status=value)


def _save_contact(actor: User, record: ContactPerson, value: str) -> None:
    record.position = value
    personal_record_save(actor=actor, record=record, expected_version=record.version)


def _save_deal(actor: User, record: Deal, value: str) -> None:
    deal_update(actor=actor, deal=record, expected_version=record.version, title=value)


CASES = {
    "client": (Client, "status", ("active", "inactive"), _save_client),
    "contact": (ContactPerson, "position", ("Engineer", "Director"), _save_contact),
    "deal": (Deal, "title", ("Pumps", "Valves"), _save_deal),
}


# Committed rows, seen by both threads' own connections. Not serialized_rollback: restoring the
# serialized content types collides with the ones a preceding transactional test's flush made
# again; the deal stages the deal case needs are re-seeded by the factory instead.
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("kind", CASES)
def test_two_saves_at_the_same_moment_exactly_one_wins(kind, team):
    require_postgresql()
    model, field, values, save = CASES[kind]
    supervisor = UserFactory(username="boss", role=User.Role.SUPERVISOR, team=team)
    operator = UserFactory(username="second", role=User.Role.OPERATOR, team=None)
    manager = UserFactory(username="first", role=User.Role.MANAGER, team=team)
    client = ClientFactory(responsible_manager=manager)
    records = {
        "client": client,
        "contact": ContactPersonFactory(client=client),
        "deal": DealFactory(client=client) if kind == "deal" else None,
    }
    pk = records[kind].pk
    people = {
        "client": (manager, supervisor),
        "contact": (operator, UserFactory(username="third", role=User.Role.OPERATOR, team=None)),
        "deal": (manager, supervisor),
    }[kind]
    start = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def save_at_once(actor: User, value: str) -> None:
        try:
            loaded = model.objects.get(pk=pk)  # both forms show version 1
            start.wait(timeout=5)
            save(actor, loaded, value)
            outcomes[value] = "won"
        except RecordChangedError:
            outcomes[value] = "conflict"
        except Exception as error:  # reported by the assertion below
            outcomes[value] = repr(error)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=save_at_once, args=(actor, value))
        for actor, value in zip(people, values, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)

    assert sorted(outcomes.values()) == ["conflict", "won"], outcomes
    winner = next(value for value, outcome in outcomes.items() if outcome == "won")
    saved = model.objects.get(pk=pk)
    assert (getattr(saved, field), saved.version) == (winner, 2)


# Every other write moves the version too ------------------------------------------------------


def versions(*records) -> list[int]:
    return [type(record).objects.get(pk=record.pk).version for record in records]


def test_transfers_stage_moves_and_reassignments_move_the_version(
    manager, other_manager, supervisor
):
    client = ClientFactory(responsible_manager=manager)
    deal = DealFactory(client=client)
    client_transfer(actor=supervisor, client=client, to_manager=other_manager, reason="Holiday")
    assert versions(client, deal) == [2, 2]
    deal_move_stage(actor=supervisor, deal=deal, stage=stage("presentation_sent"))
    deal_reassign(actor=supervisor, deal=deal, manager=manager)
    assert versions(deal) == [4]
    assert Deal.objects.get(pk=deal.pk).updated_by == supervisor


def test_merging_and_erasing_move_the_version(operator, admin, manager):
    keep = ClientFactory(responsible_manager=manager)
    drop = ClientFactory(responsible_manager=manager, kind=Client.Kind.PERSON)
    contact = ContactPersonFactory(client=drop)
    deal = DealFactory(client=drop)
    client_merge(actor=operator, source=drop, target=keep)
    assert versions(keep, contact, deal) == [2, 2, 2]
    person_erase(actor=admin, subject=contact)
    assert versions(contact) == [3]
    assert ContactPerson.objects.get(pk=contact.pk).updated_by == admin


def test_saving_unchanged_values_or_logging_a_call_does_not_move_the_version(manager):
    client = ClientFactory(responsible_manager=manager, status="active")
    client_update(actor=manager, client=client, expected_version=1, status="active")
    interaction_log(
        actor=manager, kind=Interaction.Kind.NOTE, client=client, subject="Called", result="Ok"
    )
    # The last-contact date is kept by the system: an edit form open meanwhile stays valid.
    client_update(actor=manager, client=client, expected_version=1, status="inactive")
    assert versions(client) == [2]
