"""The admins' Master.csv upload: one transaction, duplicates counted, bad files refused."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from crm_project.core.models import AuditEntry
from interactions.models import Interaction
from interactions.telephony.models import TelephonyEvent
from tests.factories import ClientFactory, PhoneFactory
from tests.telephony.conftest import process_all
from tests.telephony.test_providers import MASTER_CSV

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("statuses")]

UPLOAD_URL = "admin:interactions_telephonyevent_import_cdr"
# A well-formed row whose disposition Asterisk never writes: refused, the other calls stored.
UNKNOWN_DISPOSITION = (
    '"","84957770000","74957654321","from-trunk","","PJSIP/trunk-1","","Dial","",'
    '"2026-01-15 14:00:00","","2026-01-15 14:00:09",9,0,"ON HOLD","DOCUMENTATION",'
    '"1736946000.1","","1736946000.1"'
)


def upload(browser, content, *, encoding="utf-8-sig", name="Master.csv"):
    data = content if isinstance(content, bytes) else content.encode()
    return browser.post(
        reverse(UPLOAD_URL),
        {"file": SimpleUploadedFile(name, data, content_type="text/csv"), "encoding": encoding},
    )


@pytest.fixture
def admin_browser(login, admin):
    return login(admin)


def test_the_changelist_links_to_the_upload(admin_browser):
    response = admin_browser.get(reverse("admin:interactions_telephonyevent_changelist"))
    assert reverse(UPLOAD_URL) in response.content.decode()


def test_admin_uploads_a_file_and_its_calls_reach_the_journal(admin_browser, admin, manager):
    client = ClientFactory(responsible_manager=manager)
    PhoneFactory(client=client, number_e164="+74951234567")
    response = upload(admin_browser, MASTER_CSV + "\n")
    assert response.status_code == 200
    result = response.context["result"]
    assert (result.stored, result.duplicates, result.internal, result.refused) == (3, 0, 1, [])
    assert TelephonyEvent.objects.filter(state="pending").count() == 3
    entry = AuditEntry.objects.get(action="interactions.telephony_event.cdr_imported")
    assert entry.actor == admin
    assert entry.changes["stored"] == 3
    assert process_all() == ["done", "done", "done"]
    assert Interaction.objects.get(external_id="1736924400.1").client == client


def test_uploading_the_same_file_again_stores_nothing_new(admin_browser):
    upload(admin_browser, MASTER_CSV)
    response = upload(admin_browser, MASTER_CSV)
    result = response.context["result"]
    assert (result.stored, result.duplicates) == (0, 3)
    assert TelephonyEvent.objects.count() == 3
    assert "Already imported before" in response.content.decode()


def test_a_call_that_does_not_parse_is_refused_with_its_line(admin_browser):
    response = upload(admin_browser, MASTER_CSV + "\n" + UNKNOWN_DISPOSITION + "\n")
    result = response.context["result"]
    assert result.stored == 3
    assert result.refused == [([6], "Unknown disposition “ON HOLD”.")]
    assert "Lines 6:" in response.content.decode()
    assert not TelephonyEvent.objects.filter(external_id="1736946000.1").exists()


def test_a_file_with_a_line_that_is_not_a_cdr_row_stores_nothing(admin_browser):
    response = upload(admin_browser, MASTER_CSV + "\nfoo,bar,baz\n")
    assert response.status_code == 200
    assert response.context["result"] is None
    page = response.content.decode()
    assert "Line 6 has 3 columns" in page
    assert "nothing was stored" in page
    assert not TelephonyEvent.objects.exists()


@pytest.mark.parametrize(
    ("content", "error"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file"),
        (b"\n\n", "no call records"),
        ('"","Иванов"'.encode("cp1251"), "not UTF-8 text"),
    ],
)
def test_a_file_that_is_not_a_master_csv_is_refused(admin_browser, content, error):
    response = upload(admin_browser, content)
    assert error in response.content.decode()
    assert not TelephonyEvent.objects.exists()


def test_a_file_in_another_encoding_is_read_when_chosen(admin_browser):
    row = MASTER_CSV.splitlines()[-1].replace("Unknown", "Неизвестный")
    response = upload(admin_browser, row.encode("cp1251"), encoding="cp1251")
    assert response.context["result"].stored == 1
    leg = TelephonyEvent.objects.get().payload["legs"][0]
    assert leg["clid"].startswith('"Неизвестный"')


def test_a_file_over_the_size_limit_is_refused(admin_browser, settings):
    settings.TELEPHONY_CDR_UPLOAD_MAX_MB = 0
    response = upload(admin_browser, MASTER_CSV)
    assert "the largest accepted is" in response.content.decode()
    assert not TelephonyEvent.objects.exists()


@pytest.mark.parametrize("persona", ["anonymous", "manager", "supervisor", "operator"])
def test_only_admins_reach_the_upload(request, login, persona):
    browser = login(request.getfixturevalue(persona))
    url = reverse(UPLOAD_URL)
    response = browser.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    response = upload(browser, MASTER_CSV)
    assert response.status_code == 302
    assert not TelephonyEvent.objects.exists()
