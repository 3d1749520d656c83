"""interactions.services: logging the journal and one-click status changes."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from crm_project.core.exceptions import ConflictError
from crm_project.core.models import AuditEntry
from interactions.models import Interaction
from interactions.services import interaction_log, interaction_set_status
from tests.factories import ClientFactory, ContactPersonFactory, InteractionFactory, status

pytestmark = pytest.mark.django_db

CALL = Interaction.Kind.OUTGOING_CALL


@pytest.fixture
def own_client(manager):
    return ClientFactory(responsible_manager=manager)


@pytest.fixture
def colleagues_client(other_manager):
    return ClientFactory(responsible_manager=other_manager)


def ago(**kwargs) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(**kwargs)


# interaction_log


def test_manager_logs_a_call_with_his_own_client(manager, own_client, team):
    contact = ContactPersonFactory(client=own_client)
    when = ago(minutes=5)
    interaction = interaction_log(
        actor=manager,
        kind=CALL,
        client=own_client,
        contact=contact,
        occurred_at=when,
        duration_seconds=95,
        subject=" Offer ",
        result=" Agreed to a meeting ",
        status=status(CALL, "completed"),
    )
    interaction.refresh_from_db()
    assert interaction.manager == manager
    assert interaction.team == team
    assert interaction.created_by == manager
    assert interaction.source == Interaction.Source.MANUAL
    assert (interaction.subject, interaction.result) == ("Offer", "Agreed to a meeting")
    assert interaction.status.code == "completed"
    assert interaction.status_changed_at is not None
    own_client.refresh_from_db()
    assert own_client.last_interaction_at == when


def test_interaction_log_writes_one_audit_entry(manager, own_client):
    interaction = interaction_log(actor=manager, kind=CALL, client=own_client)
    entry = AuditEntry.objects.get()
    assert entry.action == "interactions.interaction.logged"
    assert entry.actor == manager
    assert (entry.object_type, entry.object_id) == ("interactions.interaction", str(interaction.pk))
    assert entry.changes == {"kind": CALL, "client": own_client.pk, "status": None}


def test_manager_logs_an_interaction_with_a_colleagues_client_as_his_own(
    manager, colleagues_client
):
    interaction = interaction_log(
        actor=manager, kind=Interaction.Kind.NOTE, client=colleagues_client
    )
    assert interaction.manager == manager
    assert colleagues_client.responsible_manager != manager


def test_manager_cannot_credit_his_interaction_to_a_colleague(manager, other_manager, own_client):
    with pytest.raises(PermissionDenied):
        interaction_log(actor=manager, kind=CALL, client=own_client, manager=other_manager)
    assert not Interaction.objects.exists()


def test_supervisor_may_log_for_a_manager_of_his_team(supervisor, manager, own_client):
    interaction = interaction_log(actor=supervisor, kind=CALL, client=own_client, manager=manager)
    assert interaction.manager == manager
    assert interaction.created_by == supervisor


def test_a_contact_of_another_client_is_refused(manager, own_client, colleagues_client):
    stranger = ContactPersonFactory(client=colleagues_client)
    with pytest.raises(ValidationError) as error:
        interaction_log(actor=manager, kind=CALL, client=own_client, contact=stranger)
    assert "contact" in error.value.message_dict
    assert not Interaction.objects.exists()
    assert not AuditEntry.objects.exists()


def test_a_status_of_another_kind_is_refused_with_a_message(manager, own_client):
    held = status("meeting", "held")
    with pytest.raises(ValidationError) as error:
        interaction_log(actor=manager, kind=CALL, client=own_client, status=held, result="x")
    assert error.value.message_dict["status"] == [
        "“Held” is not a status of this kind of interaction."
    ]
    assert not Interaction.objects.exists()


def test_an_inactive_status_is_refused(manager, own_client):
    retired = status(CALL, "missed")
    retired.is_active = False
    retired.save()
    with pytest.raises(ValidationError) as error:
        interaction_log(actor=manager, kind=CALL, client=own_client, status=retired)
    assert "status" in error.value.message_dict


@pytest.mark.parametrize("result", ["", "   "])
def test_a_status_that_requires_a_result_is_refused_without_one(manager, own_client, result):
    with pytest.raises(ValidationError) as error:
        interaction_log(
            actor=manager,
            kind=CALL,
            client=own_client,
            status=status(CALL, "completed"),
            result=result,
        )
    assert "result" in error.value.message_dict
    assert not Interaction.objects.exists()
    assert not AuditEntry.objects.exists()


def test_an_interaction_that_took_place_cannot_be_in_the_future(manager, own_client):
    with pytest.raises(ValidationError) as error:
        interaction_log(
            actor=manager,
            kind=CALL,
            client=own_client,
            occurred_at=timezone.now() + datetime.timedelta(hours=2),
        )
    assert "occurred_at" in error.value.message_dict
    own_client.refresh_from_db()
    assert own_client.last_interaction_at is None


def test_a_planned_interaction_has_no_occurred_time_and_does_not_touch_last_contact(
    manager, own_client
):
    tomorrow = timezone.now() + datetime.timedelta(days=1)
    interaction = interaction_log(
        actor=manager,
        kind=Interaction.Kind.MEETING,
        client=own_client,
        # Issue 3: a planned meeting needs its contact person and subject too.
        contact=ContactPersonFactory(client=own_client),
        subject="Presentation",
        planned_at=tomorrow,
        status=status("meeting", "planned"),
    )
    assert interaction.is_planned
    assert interaction.occurred_at is None
    assert interaction.planned_at == tomorrow
    own_client.refresh_from_db()
    assert own_client.last_interaction_at is None


def test_without_times_the_interaction_happened_now(manager, own_client):
    before = timezone.now()
    interaction = interaction_log(actor=manager, kind=Interaction.Kind.NOTE, client=own_client)
    assert before <= interaction.occurred_at <= timezone.now()


def test_last_contact_moves_forward_never_backward(manager, own_client):
    recent, older = ago(hours=1), ago(days=3)
    interaction_log(actor=manager, kind=CALL, client=own_client, occurred_at=recent)
    interaction_log(actor=manager, kind=CALL, client=own_client, occurred_at=older)
    own_client.refresh_from_db()
    assert own_client.last_interaction_at == recent
    newest = ago(minutes=1)
    interaction_log(actor=manager, kind=CALL, client=own_client, occurred_at=newest)
    own_client.refresh_from_db()
    assert own_client.last_interaction_at == newest


def test_an_unknown_caller_is_logged_by_phone(manager, settings):
    settings.PHONE_DEFAULT_REGION = "RU"
    interaction = interaction_log(
        actor=manager, kind=Interaction.Kind.INCOMING_CALL, client=None, phone="8 495 123-45-67"
    )
    assert (interaction.phone_raw, interaction.phone_e164) == ("8 495 123-45-67", "+74951234567")


def test_neither_client_nor_phone_is_refused(manager):
    with pytest.raises(ValidationError) as error:
        interaction_log(actor=manager, kind=CALL, client=None)
    assert "client" in error.value.message_dict


def test_an_unknown_kind_is_refused(manager, own_client):
    with pytest.raises(ValidationError) as error:
        interaction_log(actor=manager, kind="telegram", client=own_client)
    assert "kind" in error.value.message_dict


def test_operator_cannot_log_interactions(operator, own_client):
    with pytest.raises(PermissionDenied):
        interaction_log(actor=operator, kind=CALL, client=own_client)
    assert not Interaction.objects.exists()


# interaction_set_status


@pytest.fixture
def call(manager, own_client):
    return InteractionFactory(client=own_client, manager=manager, kind=CALL)


def test_one_click_status_change(manager, call):
    no_answer = status(CALL, "no_answer")
    changed = interaction_set_status(actor=manager, interaction=call, status=no_answer)
    assert changed.status == no_answer
    assert changed.status_changed_at is not None
    call.refresh_from_db()
    assert call.status == no_answer
    entry = AuditEntry.objects.get()
    assert entry.action == "interactions.interaction.status_changed"
    assert entry.actor == manager
    assert entry.object_id == str(call.pk)
    assert entry.changes == {"status": [None, no_answer.pk]}


def test_wrong_number_excludes_the_call_from_every_count(manager, call, own_client):
    other = InteractionFactory(client=own_client, manager=manager, kind=CALL)
    assert set(Interaction.objects.counted()) == {call, other}
    interaction_set_status(actor=manager, interaction=call, status=status(CALL, "wrong_number"))
    assert set(Interaction.objects.counted()) == {other}
    interaction_set_status(actor=manager, interaction=other, status=status(CALL, "no_answer"))
    assert set(Interaction.objects.counted()) == {other}


def test_a_stale_status_is_a_conflict_and_the_first_writers_status_stays(manager, supervisor, call):
    stale_copy = Interaction.objects.get(pk=call.pk)
    first = status(CALL, "call_back_later")
    interaction_set_status(
        actor=supervisor, interaction=call, status=first, expected_status_id=None
    )
    with pytest.raises(ConflictError):
        interaction_set_status(
            actor=manager,
            interaction=stale_copy,
            status=status(CALL, "missed"),
            expected_status_id=stale_copy.status_id,
        )
    call.refresh_from_db()
    assert call.status == first
    assert AuditEntry.objects.count() == 1


def test_a_stale_copy_without_an_explicit_expected_status_is_also_a_conflict(manager, call):
    stale_copy = Interaction.objects.get(pk=call.pk)
    interaction_set_status(actor=manager, interaction=call, status=status(CALL, "missed"))
    with pytest.raises(ConflictError):
        interaction_set_status(
            actor=manager, interaction=stale_copy, status=status(CALL, "no_answer")
        )
    call.refresh_from_db()
    assert call.status.code == "missed"


def test_a_manager_cannot_set_the_status_of_a_colleagues_interaction(other_manager, call):
    with pytest.raises(PermissionDenied):
        interaction_set_status(
            actor=other_manager, interaction=call, status=status(CALL, "no_answer")
        )
    call.refresh_from_db()
    assert call.status is None


def test_operator_cannot_set_a_status(operator, call):
    with pytest.raises(PermissionDenied):
        interaction_set_status(actor=operator, interaction=call, status=status(CALL, "missed"))


def test_set_status_needs_a_result_when_the_status_requires_one(manager, call):
    with pytest.raises(ValidationError) as error:
        interaction_set_status(actor=manager, interaction=call, status=status(CALL, "completed"))
    assert "result" in error.value.message_dict
    done = interaction_set_status(
        actor=manager, interaction=call, status=status(CALL, "completed"), result=" Sold "
    )
    assert done.result == "Sold"


def test_set_status_of_another_kind_is_refused(manager, call):
    with pytest.raises(ValidationError) as error:
        interaction_set_status(actor=manager, interaction=call, status=status("meeting", "held"))
    assert "status" in error.value.message_dict


def test_taking_a_queued_call_makes_it_the_managers(manager, own_client, team):
    queued = InteractionFactory(client=own_client, manager=None, team=team, created_by=None)
    taken = interaction_set_status(
        actor=manager, interaction=queued, status=status(CALL, "taken_into_work")
    )
    assert taken.manager == manager
