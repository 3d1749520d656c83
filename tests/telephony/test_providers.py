"""Each provider's real format through its endpoint (or the CDR import) into one journal entry."""

import datetime
import json

import pytest
from django.core.management import call_command

from interactions.models import Interaction
from interactions.telephony import twilio
from interactions.telephony.events import Outcome
from interactions.telephony.models import TelephonyEvent
from interactions.telephony.services import telephony_event_process
from tests.factories import ClientFactory, ContactPersonFactory, PhoneFactory, status
from tests.telephony.conftest import post_generic, post_twilio, post_zadarma, process_all

pytestmark = [pytest.mark.urls("tests.telephony.urls"), pytest.mark.usefixtures("statuses")]
MSK = datetime.timezone(datetime.timedelta(hours=3))


@pytest.fixture
def known_client(manager):
    client = ClientFactory(responsible_manager=manager)
    contact = ContactPersonFactory(client=client)
    PhoneFactory(client=client, contact=contact, number_e164="+74951234567")
    return client


@pytest.fixture
def extension_101(other_manager):
    other_manager.phone_extension = "101"
    other_manager.save()
    return other_manager


# --- Twilio ---------------------------------------------------------------------------------


def twilio_params(status_, **extra):
    return {
        "AccountSid": "AC" + "0" * 32,
        "CallSid": "CA" + "1" * 32,
        "CallStatus": status_,
        "Direction": "inbound",
        "From": "+74951234567",
        "To": "+74957654321",
        "Timestamp": "Thu, 15 Jan 2026 07:00:00 +0000",
        **extra,
    }


def test_twilio_signature_matches_the_documented_example():
    # The example from Twilio's security documentation.
    params = {
        "CallSid": "CA1234567890ABCDE",
        "Caller": "+12349013030",
        "Digits": "1234",
        "From": "+12349013030",
        "To": "+18005551212",
    }
    url = "https://mycompany.com/myapp.php?foo=1&bar=2"
    assert twilio.sign("12345", url, params) == "0/KCTR6DLpKmkAf8muzZqo1nDgQ="


@pytest.mark.django_db
def test_twilio_ringing_then_completed_is_one_answered_call(browser, known_client, manager):
    assert post_twilio(browser, twilio_params("ringing", SequenceNumber="0")).status_code == 204
    completed = twilio_params(
        "completed",
        SequenceNumber="2",
        CallDuration="95",
        Timestamp="Thu, 15 Jan 2026 07:02:00 +0000",
        RecordingUrl="https://api.twilio.com/rec/RE1",
    )
    assert post_twilio(browser, completed).status_code == 204
    assert post_twilio(browser, completed).status_code == 204
    assert TelephonyEvent.objects.count() == 2
    assert process_all() == ["done", "done"]
    call = Interaction.objects.get()
    assert call.client == known_client
    assert call.manager == manager
    assert call.occurred_at == datetime.datetime(2026, 1, 15, 7, 0, tzinfo=datetime.UTC)
    assert call.talk_seconds == 95
    assert call.answered_at == datetime.datetime(2026, 1, 15, 7, 0, 25, tzinfo=datetime.UTC)
    assert call.provider_disposition == "completed"
    assert call.recording_ref == "https://api.twilio.com/rec/RE1"


@pytest.mark.django_db
def test_twilio_no_answer_is_a_missed_call_with_a_call_back(browser, known_client):
    post_twilio(browser, twilio_params("no-answer"))
    process_all()
    missed = Interaction.objects.get(kind=Interaction.Kind.INCOMING_CALL)
    assert missed.status == status(Interaction.Kind.INCOMING_CALL, "missed")
    assert missed.callbacks.count() == 1


@pytest.mark.django_db
def test_twilio_dialled_leg_names_the_manager_who_answered(browser, known_client, extension_101):
    post_twilio(browser, twilio_params("ringing"))
    leg = twilio_params(
        "in-progress",
        CallSid="CA" + "2" * 32,
        ParentCallSid="CA" + "1" * 32,
        Direction="outbound-dial",
        To="sip:101@crm.sip.twilio.com",
    )
    post_twilio(browser, leg)
    process_all()
    call = Interaction.objects.get()
    assert call.manager == extension_101
    assert call.extension == "101"
    assert call.phone_e164 == "+74951234567"


@pytest.mark.django_db
def test_twilio_unknown_status_is_a_bad_payload(browser):
    response = post_twilio(browser, twilio_params("exploded"))
    assert response.status_code == 400
    assert not TelephonyEvent.objects.exists()


# --- Zadarma --------------------------------------------------------------------------------


def zadarma_params(event, **extra):
    return {
        "event": event,
        "call_start": "2026-01-15 10:00:00",
        "pbx_call_id": "in_0123456789abcdef",
        "caller_id": "74951234567",
        "called_did": "74957654321",
        **extra,
    }


@pytest.mark.django_db
def test_zadarma_start_end_and_record_are_one_call_in_local_time(
    browser, known_client, extension_101
):
    assert post_zadarma(browser, zadarma_params("NOTIFY_START")).status_code == 202
    end = zadarma_params(
        "NOTIFY_END",
        internal="101",
        duration="75",
        disposition="answered",
        status_code="16",
        is_recorded="1",
        call_id_with_rec="1234567890.123",
    )
    assert post_zadarma(browser, end).status_code == 202
    record = {
        "event": "NOTIFY_RECORD",
        "pbx_call_id": "in_0123456789abcdef",
        "call_id_with_rec": "1234567890.123",
    }
    assert post_zadarma(browser, record).status_code == 202
    assert process_all() == ["done", "done", "done"]
    call = Interaction.objects.get()
    assert call.occurred_at == datetime.datetime(2026, 1, 15, 10, 0, tzinfo=MSK)
    assert call.client == known_client
    assert call.manager == extension_101
    assert (call.duration_seconds, call.talk_seconds) == (75, 75)
    assert call.recording_ref == "1234567890.123"
    assert call.provider_disposition == "answered"


@pytest.mark.django_db
def test_zadarma_outgoing_call(browser, known_client, extension_101):
    out = {
        "event": "NOTIFY_OUT_END",
        "call_start": "2026-01-15 11:00:00",
        "pbx_call_id": "out_1",
        "internal": "101",
        "destination": "84951234567",
        "duration": "0",
        "disposition": "busy",
    }
    post_zadarma(browser, out)
    process_all()
    call = Interaction.objects.get()
    assert call.kind == Interaction.Kind.OUTGOING_CALL
    assert call.manager == extension_101
    assert call.client == known_client
    assert call.call_outcome == Outcome.BUSY
    assert call.status == status(Interaction.Kind.OUTGOING_CALL, "no_answer")


@pytest.mark.django_db
def test_zadarma_recording_before_its_call_waits_for_the_call(browser, known_client):
    record = {"event": "NOTIFY_RECORD", "pbx_call_id": "in_9", "call_id_with_rec": "r9"}
    post_zadarma(browser, record)
    assert process_all() == ["deferred"]
    assert TelephonyEvent.objects.get().state == TelephonyEvent.State.PENDING
    post_zadarma(browser, zadarma_params("NOTIFY_START", pbx_call_id="in_9"))
    assert process_all() == ["deferred", "done"]
    assert process_all() == ["done"]
    assert Interaction.objects.get().recording_ref == "r9"


@pytest.mark.django_db
def test_zadarma_unsupported_notification_is_acknowledged_and_not_stored(browser):
    response = post_zadarma(browser, {"event": "SMS", "caller_id": "1"}, secret="any")
    assert response.status_code == 200
    assert not TelephonyEvent.objects.exists()


# --- Asterisk -------------------------------------------------------------------------------

# accountcode, src, dst, dcontext, clid, channel, dstchannel, lastapp, lastdata, start, answer,
# end, duration, billsec, disposition, amaflags, uniqueid, userfield, linkedid
MASTER_CSV = "\n".join(
    [
        # An incoming call: the trunk leg rings 101 (no answer) and 102 (answers).
        '"","84951234567","74957654321","from-trunk","""Ivanov"" <84951234567>",'
        '"PJSIP/trunk-00000001","PJSIP/102-00000003","Dial","PJSIP/101&PJSIP/102,30",'
        '"2026-01-15 10:00:00","2026-01-15 10:00:12","2026-01-15 10:03:12",192,180,'
        '"ANSWERED","DOCUMENTATION","1736924400.1","","1736924400.1"',
        '"","84951234567","101","from-internal","""Ivanov"" <84951234567>",'
        '"PJSIP/trunk-00000001","PJSIP/101-00000002","Dial","PJSIP/101,30",'
        '"2026-01-15 10:00:01","","2026-01-15 10:00:12",11,0,'
        '"NO ANSWER","DOCUMENTATION","1736924400.2","","1736924400.1"',
        # An outgoing call from extension 101.
        '"","101","84951234567","from-internal","""Manager"" <101>",'
        '"PJSIP/101-00000004","PJSIP/trunk-00000005","Dial","PJSIP/84951234567@trunk",'
        '"2026-01-15 11:00:00","2026-01-15 11:00:05","2026-01-15 11:01:05",65,60,'
        '"ANSWERED","DOCUMENTATION","1736928000.4","","1736928000.4"',
        # An internal call between extensions: not logged.
        '"","101","102","from-internal","""Manager"" <101>","PJSIP/101-00000006",'
        '"PJSIP/102-00000007","Dial","PJSIP/102","2026-01-15 12:00:00","2026-01-15 12:00:02",'
        '"2026-01-15 12:00:30",30,28,"ANSWERED","DOCUMENTATION","1736931600.6","","1736931600.6"',
        # Old cdr_csv layout without ids: a missed call from an unknown number.
        '"","88125551234","74957654321","from-trunk","""Unknown"" <88125551234>",'
        '"PJSIP/trunk-00000008","","Dial","PJSIP/101,30","2026-01-15 13:00:00","",'
        '"2026-01-15 13:00:20",20,0,"NO ANSWER","DOCUMENTATION"',
    ]
)


@pytest.mark.django_db
def test_import_cdr_groups_legs_and_logs_each_call_once(
    tmp_path, known_client, manager, extension_101, other_team
):
    from tests.factories import UserFactory

    UserFactory(username="agent102", phone_extension="102", team=other_team)
    path = tmp_path / "Master.csv"
    path.write_text(MASTER_CSV + "\n", encoding="utf-8")
    call_command("import_cdr", str(path))
    incoming = Interaction.objects.get(external_id="1736924400.1")
    assert incoming.kind == Interaction.Kind.INCOMING_CALL
    assert incoming.client == known_client
    assert incoming.manager.username == "agent102"
    assert incoming.extension == "102"
    assert incoming.occurred_at == datetime.datetime(2026, 1, 15, 10, 0, tzinfo=MSK)
    assert incoming.answered_at == datetime.datetime(2026, 1, 15, 10, 0, 12, tzinfo=MSK)
    assert (incoming.duration_seconds, incoming.talk_seconds) == (192, 180)
    outgoing = Interaction.objects.get(external_id="1736928000.4")
    assert outgoing.kind == Interaction.Kind.OUTGOING_CALL
    assert outgoing.manager == extension_101
    assert outgoing.client == known_client
    unknown = Interaction.objects.get(phone_e164="+78125551234", kind="incoming_call")
    assert unknown.client is None
    assert unknown.status == status(Interaction.Kind.INCOMING_CALL, "missed")
    assert unknown.callbacks.count() == 1
    assert not Interaction.objects.filter(external_id="1736931600.6").exists()
    calls = Interaction.objects.count()
    call_command("import_cdr", str(path))
    assert Interaction.objects.count() == calls


@pytest.mark.django_db
def test_import_cdr_refuses_a_file_that_is_not_a_cdr(tmp_path):
    from django.core.management.base import CommandError

    path = tmp_path / "Master.csv"
    path.write_text("a,b,c\n", encoding="utf-8")
    with pytest.raises(CommandError, match="Line 1"):
        call_command("import_cdr", str(path))


@pytest.mark.django_db
def test_asterisk_live_json_legs_are_one_call(browser, known_client, extension_101):
    legs = [
        {
            "src": "84951234567",
            "dst": "74957654321",
            "dcontext": "from-trunk",
            "channel": "PJSIP/trunk-00000001",
            "dstchannel": "PJSIP/101-00000002",
            "start": "2026-01-15 10:00:00",
            "answer": "2026-01-15 10:00:05",
            "end": "2026-01-15 10:01:05",
            "duration": 65,
            "billsec": 60,
            "disposition": "ANSWERED",
            "uniqueid": "1736924400.9",
            "linkedid": "1736924400.9",
        }
    ]
    response = post_generic(browser, {"legs": legs}, path="asterisk")
    assert response.status_code == 202
    assert process_all() == ["done"]
    call = Interaction.objects.get()
    assert call.manager == extension_101
    assert call.talk_seconds == 60
    assert call.occurred_at == datetime.datetime(2026, 1, 15, 10, 0, tzinfo=MSK)


@pytest.mark.django_db
def test_asterisk_json_with_an_unknown_disposition_is_refused(browser):
    leg = {"src": "1", "dst": "2", "dcontext": "from-trunk", "disposition": "EXPLODED"}
    response = post_generic(browser, leg, path="asterisk")
    assert response.status_code == 400
    assert json.loads(response.content)["error"]["code"] == "invalid_payload"


@pytest.mark.django_db
def test_stored_event_is_reprocessed_from_its_raw_payload(browser, known_client):
    post_zadarma(browser, zadarma_params("NOTIFY_START"))
    event = TelephonyEvent.objects.get()
    assert event.payload["caller_id"] == "74951234567"
    assert telephony_event_process(event_id=event.pk) == "done"


def test_a_disposition_longer_than_the_column_still_logs_the_call(browser, known_client):
    disposition = "no answer after the provider's new, very long internal disposition code"
    out = {
        "event": "NOTIFY_OUT_END",
        "call_start": "2026-01-15 11:00:00",
        "pbx_call_id": "out_long",
        "internal": "101",
        "destination": "84951234567",
        "duration": "0",
        "disposition": disposition,
    }
    assert post_zadarma(browser, out).status_code == 202
    assert process_all() == ["done"]
    assert Interaction.objects.get().provider_disposition == disposition[:40]
