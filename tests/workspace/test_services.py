"""interactions.services: the minimum data set per kind, and planning and closing tasks."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from crm_project.accounts.models import User
from crm_project.core.exceptions import ConflictError
from crm_project.core.models import AuditEntry
from interactions.models import Interaction
from interactions.services import interaction_log, task_complete, task_plan, task_reschedule
from tests.factories import ClientFactory, UserFactory, status
from tests.workspace.conftest import in_hours, minutes_ago, planned

pytestmark = pytest.mark.django_db

MEETING = Interaction.Kind.MEETING
CALL = Interaction.Kind.OUTGOING_CALL


def errors_of(call, **kwargs):
    with pytest.raises(ValidationError) as error:
        call(**kwargs)
    return error.value.message_dict


# The minimum data set in interaction_log


def test_a_held_meeting_with_its_minimum_data_set_is_logged_as_held(
    manager, own_client, reachable_contact
):
    meeting = interaction_log(
        actor=manager,
        kind=MEETING,
        client=own_client,
        contact=reachable_contact,
        occurred_at=minutes_ago(60),
        subject="Presentation",
        result="They want a quote",
    )
    assert meeting.status.code == "held"
    assert AuditEntry.objects.get().changes["status"] == "held"


def test_a_held_meeting_names_every_missing_field_at_once_and_saves_nothing(manager, own_client):
    errors = errors_of(
        interaction_log,
        actor=manager,
        kind=MEETING,
        client=own_client,
        occurred_at=minutes_ago(60),
        status=status(MEETING, "held"),
    )
    assert set(errors) == {"contact", "subject", "result"}
    assert errors["contact"] == ["Choose the contact person."]
    assert errors["subject"] == ["Give the subject of the meeting."]
    assert errors["result"] == ["Write down the result of the meeting."]
    assert not Interaction.objects.exists()
    assert not AuditEntry.objects.exists()


def test_a_held_meeting_needs_a_contact_person_one_can_reach(
    manager, own_client, unreachable_contact
):
    errors = errors_of(
        interaction_log,
        actor=manager,
        kind=MEETING,
        client=own_client,
        contact=unreachable_contact,
        occurred_at=minutes_ago(60),
        subject="Presentation",
        result="Agreed",
    )
    assert errors == {
        "contact": ["This contact person has no phone number or e-mail address: add one first."]
    }


def test_an_e_mail_address_is_contact_detail_enough(manager, own_client, emailed_contact):
    meeting = interaction_log(
        actor=manager,
        kind=MEETING,
        client=own_client,
        contact=emailed_contact,
        occurred_at=minutes_ago(60),
        subject="Presentation",
        result="Agreed",
    )
    assert meeting.status.code == "held"


def test_a_held_meeting_needs_the_client(manager):
    errors = errors_of(
        interaction_log,
        actor=manager,
        kind=MEETING,
        client=None,
        phone="+74951112233",
        occurred_at=minutes_ago(60),
        subject="Presentation",
        result="Agreed",
    )
    assert errors["client"] == ["Choose the client."]


def test_a_meeting_with_the_held_status_needs_the_date_it_took_place(
    manager, own_client, reachable_contact
):
    errors = errors_of(
        interaction_log,
        actor=manager,
        kind=MEETING,
        client=own_client,
        contact=reachable_contact,
        planned_at=minutes_ago(60),
        subject="Presentation",
        result="Agreed",
        status=status(MEETING, "held"),
    )
    assert errors == {"occurred_at": ["Give the date the meeting took place."]}


def test_a_meeting_without_any_date_is_refused(manager, own_client, reachable_contact):
    errors = errors_of(
        interaction_log,
        actor=manager,
        kind=MEETING,
        client=own_client,
        contact=reachable_contact,
        subject="Presentation",
        result="Agreed",
    )
    assert errors == {"occurred_at": ["Give the date of the meeting."]}


def test_a_planned_meeting_needs_client_contact_and_subject_but_no_result(
    manager, own_client, unreachable_contact
):
    errors = errors_of(
        interaction_log, actor=manager, kind=MEETING, client=own_client, planned_at=in_hours(24)
    )
    assert set(errors) == {"contact", "subject"}

    meeting = interaction_log(
        actor=manager,
        kind=MEETING,
        client=own_client,
        contact=unreachable_contact,
        subject="Presentation",
        planned_at=in_hours(24),
    )
    assert meeting.status.code == "planned"
    assert meeting.is_planned


def test_a_call_needs_the_client_or_a_phone(manager):
    errors = errors_of(interaction_log, actor=manager, kind=CALL, client=None)
    assert errors == {"client": ["Choose the client or give the phone number."]}
    call = interaction_log(actor=manager, kind=CALL, client=None, phone="+74951112233")
    assert call.phone_e164 == "+74951112233"


def test_a_call_asks_for_nothing_more(manager, own_client):
    call = interaction_log(actor=manager, kind=CALL, client=own_client)
    assert call.status is None
    assert call.occurred_at is not None


# task_plan


def test_task_plan_creates_a_planned_meeting_with_its_audit_entry(
    manager, own_client, unreachable_contact
):
    when = in_hours(3)
    task = task_plan(
        actor=manager,
        kind=MEETING,
        client=own_client,
        contact=unreachable_contact,
        planned_at=when,
        subject=" Presentation ",
    )
    assert (task.planned_at, task.occurred_at, task.subject) == (when, None, "Presentation")
    assert task.status.code == "planned"
    assert task.manager == manager
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.actor, entry.object_id) == (
        "interactions.interaction.planned",
        manager,
        str(task.pk),
    )


def test_task_plan_of_a_call_needs_only_the_client_and_the_time(manager, own_client):
    task = task_plan(actor=manager, kind=CALL, client=own_client, planned_at=in_hours(1))
    assert task.status.code == "planned"


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"kind": Interaction.Kind.NOTE, "planned_at": in_hours(1)}, "kind"),
        ({"kind": CALL, "planned_at": None}, "planned_at"),
        ({"kind": CALL, "planned_at": minutes_ago(60)}, "planned_at"),
        ({"kind": MEETING, "planned_at": in_hours(1)}, "contact"),
    ],
)
def test_task_plan_refuses_bad_input(manager, own_client, values, field):
    errors = errors_of(task_plan, actor=manager, client=own_client, **values)
    assert field in errors
    assert not Interaction.objects.exists()


def test_a_manager_cannot_plan_a_task_for_a_colleague(manager, other_manager, own_client):
    with pytest.raises(PermissionDenied):
        task_plan(
            actor=manager,
            kind=CALL,
            client=own_client,
            planned_at=in_hours(1),
            manager=other_manager,
        )


def test_operator_cannot_plan_tasks(operator, own_client):
    with pytest.raises(PermissionDenied):
        task_plan(actor=operator, kind=CALL, client=own_client, planned_at=in_hours(1))


# task_complete


@pytest.fixture
def meeting_task(manager, own_client, reachable_contact):
    return planned(manager=manager, client=own_client, kind=MEETING, contact=reachable_contact)


@pytest.fixture
def call_task(manager, own_client):
    return planned(manager=manager, client=own_client)


def test_completing_a_meeting_as_held_records_when_the_status_and_the_result(
    manager, meeting_task, own_client
):
    before = timezone.now()
    done = task_complete(
        actor=manager, task=meeting_task, status=status(MEETING, "held"), result=" Signed "
    )
    assert done.status.code == "held"
    assert done.result == "Signed"
    assert before <= done.occurred_at <= timezone.now()
    own_client.refresh_from_db()
    assert own_client.last_interaction_at == done.occurred_at
    entry = AuditEntry.objects.get()
    assert entry.action == "interactions.interaction.completed"
    assert entry.actor == manager
    assert entry.changes["status"] == [status(MEETING, "planned").pk, status(MEETING, "held").pk]
    assert "occurred_at" in entry.changes


@pytest.mark.parametrize("code", ["held", "not_held"])
def test_a_meeting_is_not_closed_without_the_result(manager, meeting_task, code):
    errors = errors_of(
        task_complete, actor=manager, task=meeting_task, status=status(MEETING, code)
    )
    assert "result" in errors
    meeting_task.refresh_from_db()
    assert meeting_task.occurred_at is None
    assert not AuditEntry.objects.exists()


def test_a_meeting_is_not_held_with_a_contact_one_cannot_reach(
    manager, own_client, unreachable_contact
):
    task = planned(manager=manager, client=own_client, kind=MEETING, contact=unreachable_contact)
    errors = errors_of(
        task_complete, actor=manager, task=task, status=status(MEETING, "held"), result="Ok"
    )
    assert "contact" in errors


@pytest.mark.parametrize(("code", "result"), [("completed", "Sold"), ("no_answer", "")])
def test_a_planned_call_is_completed_or_not_answered(manager, call_task, code, result):
    done = task_complete(actor=manager, task=call_task, status=status(CALL, code), result=result)
    assert done.status.code == code
    assert done.occurred_at is not None


def test_the_planned_status_does_not_close_a_task(manager, call_task):
    errors = errors_of(task_complete, actor=manager, task=call_task, status=status(CALL, "planned"))
    assert "status" in errors


def test_a_task_already_done_is_refused_with_a_conflict(manager, call_task):
    stale = Interaction.objects.get(pk=call_task.pk)
    task_complete(actor=manager, task=call_task, status=status(CALL, "no_answer"))
    with pytest.raises(ConflictError):
        task_complete(actor=manager, task=call_task, status=status(CALL, "completed"), result="x")
    with pytest.raises(ConflictError):
        # Someone else closed it after this copy was read: one winner, no overwrite.
        task_complete(actor=manager, task=stale, status=status(CALL, "completed"), result="x")
    call_task.refresh_from_db()
    assert call_task.status.code == "no_answer"
    assert AuditEntry.objects.count() == 1


def test_a_task_with_a_final_status_is_done(manager, own_client):
    cancelled = planned(manager=manager, client=own_client)
    cancelled.status = status(CALL, "cancelled")
    cancelled.save()
    with pytest.raises(ConflictError):
        task_complete(actor=manager, task=cancelled, status=status(CALL, "no_answer"))


def test_a_manager_cannot_close_a_colleagues_task(other_manager, call_task):
    with pytest.raises(PermissionDenied):
        task_complete(actor=other_manager, task=call_task, status=status(CALL, "no_answer"))
    with pytest.raises(PermissionDenied):
        task_reschedule(actor=other_manager, task=call_task, planned_at=in_hours(2))


def test_a_supervisor_closes_his_teams_tasks_but_not_another_teams(
    supervisor, call_task, foreign_manager, other_team
):
    foreign_task = planned(
        manager=foreign_manager, client=ClientFactory(responsible_manager=foreign_manager)
    )
    with pytest.raises(PermissionDenied):
        task_complete(actor=supervisor, task=foreign_task, status=status(CALL, "no_answer"))
    done = task_complete(actor=supervisor, task=call_task, status=status(CALL, "no_answer"))
    assert done.manager == call_task.manager


def test_a_manager_takes_a_task_from_his_teams_queue(manager, team, own_client):
    queued = planned(manager=None, client=own_client, team=team, created_by=None)
    done = task_complete(actor=manager, task=queued, status=status(CALL, "no_answer"))
    assert done.manager == manager
    outsider = UserFactory(role=User.Role.MANAGER)
    queued_again = planned(manager=None, client=own_client, team=team, created_by=None)
    with pytest.raises(PermissionDenied):
        task_complete(actor=outsider, task=queued_again, status=status(CALL, "no_answer"))


# task_reschedule


def test_rescheduling_moves_the_task_and_is_audited(manager, call_task):
    when = in_hours(26)
    moved = task_reschedule(actor=manager, task=call_task, planned_at=when)
    assert moved.planned_at == when
    assert moved.occurred_at is None
    entry = AuditEntry.objects.get()
    assert entry.action == "interactions.interaction.rescheduled"
    assert entry.changes["planned_at"][1] == when.isoformat()


def test_rescheduling_into_the_past_is_refused(manager, call_task):
    errors = errors_of(
        task_reschedule,
        actor=manager,
        task=call_task,
        planned_at=timezone.now() - datetime.timedelta(minutes=1),
    )
    assert errors == {"planned_at": ["Choose a time in the future."]}


def test_a_done_task_cannot_be_rescheduled(manager, call_task):
    task_complete(actor=manager, task=call_task, status=status(CALL, "no_answer"))
    with pytest.raises(ConflictError):
        task_reschedule(actor=manager, task=call_task, planned_at=in_hours(2))


def test_two_reschedules_from_the_same_view_have_one_winner(manager, call_task):
    stale = Interaction.objects.get(pk=call_task.pk)
    task_reschedule(actor=manager, task=call_task, planned_at=in_hours(2))
    with pytest.raises(ConflictError):
        task_reschedule(actor=manager, task=stale, planned_at=in_hours(5))
