"""Every write to the journal goes through these functions."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from clients.models import Client, ContactPerson, Email, Phone
from crm_project.core import phones
from crm_project.core.audit import audit_record, diff, snapshot
from crm_project.core.capabilities import Capability, has_capability
from crm_project.core.exceptions import ConflictError
from interactions.models import Interaction, InteractionStatus

if TYPE_CHECKING:
    from crm_project.accounts.models import User


def _validate_status(kind: str, status: InteractionStatus | None, result: str) -> None:
    if status is None:
        return
    if status.kind != kind or not status.is_active:
        raise ValidationError(
            {
                "status": [
                    _("“%(status)s” is not a status of this kind of interaction.")
                    % {"status": status.localized_name}
                ]
            },
            code="invalid_status",
        )
    if status.requires_result and not result.strip():
        raise ValidationError(
            {
                "result": [
                    _("The status “%(status)s” needs the result.")
                    % {"status": status.localized_name}
                ]
            },
            code="required",
        )


def _touch_client(client: Client | None, occurred_at: datetime.datetime | None) -> None:
    # Conditional update keeps last_interaction_at the latest even under concurrent logging.
    if client is None or occurred_at is None:
        return
    Client.objects.filter(pk=client.pk).filter(
        Q(last_interaction_at__isnull=True) | Q(last_interaction_at__lt=occurred_at)
    ).update(last_interaction_at=occurred_at)


# Statuses with a meaning in the rules below (codes are stable; names are admin-editable).
HELD = "held"
PLANNED = "planned"
TASK_KINDS = (Interaction.Kind.OUTGOING_CALL, Interaction.Kind.MEETING)
CLOCK_SKEW = datetime.timedelta(minutes=5)
COMPLETION_FIELDS = ("status", "occurred_at", "result", "manager")

Errors = dict[str, list[str]]


def _status_by_code(kind: str, code: str) -> InteractionStatus | None:
    return InteractionStatus.objects.for_kind(kind).filter(code=code).first()


def _default_status(
    kind: str,
    status: InteractionStatus | None,
    *,
    occurred_at: datetime.datetime | None,
    planned_at: datetime.datetime | None,
) -> InteractionStatus | None:
    """A meeting that took place is held, a planned call or meeting is planned, unless told."""
    if status is not None:
        return status
    if occurred_at is None and planned_at is not None:
        return _status_by_code(kind, PLANNED)
    if kind == Interaction.Kind.MEETING and occurred_at is not None:
        return _status_by_code(kind, HELD)
    return None


def _has_contact_details(contact: ContactPerson) -> bool:
    return (
        Phone.objects.filter(contact=contact).exists()
        or Email.objects.filter(contact=contact).exists()
    )


def _add(errors: Errors, field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def _meeting_errors(
    *,
    client: Client | None,
    contact: ContactPerson | None,
    occurred_at: datetime.datetime | None,
    subject: str,
    result: str,
    status: InteractionStatus | None,
) -> Errors:
    """The minimum data set of a meeting: planned (date, client, contact, subject) or held
    (also the date it took place, a contact person one can reach, and the result)."""
    errors: Errors = {}
    if client is None:
        _add(errors, "client", _("Choose the client."))
    if contact is None:
        _add(errors, "contact", _("Choose the contact person."))
    if not subject:
        _add(errors, "subject", _("Give the subject of the meeting."))
    if status is None or status.code != HELD:
        return errors
    if occurred_at is None:
        _add(errors, "occurred_at", _("Give the date the meeting took place."))
    if contact is not None and not _has_contact_details(contact):
        _add(
            errors,
            "contact",
            _("This contact person has no phone number or e-mail address: add one first."),
        )
    if not result:
        _add(errors, "result", _("Write down the result of the meeting."))
    return errors


def _status_errors(kind: str, status: InteractionStatus | None, result: str) -> Errors:
    try:
        _validate_status(kind, status, result)
    except ValidationError as error:
        return error.message_dict
    return {}


def _raise_if(errors: Errors) -> None:
    if errors:
        raise ValidationError(errors)


def _merge(errors: Errors, more: Errors) -> Errors:
    for field, messages in more.items():
        if field not in errors:
            errors[field] = list(messages)
    return errors


def _check_may_log(actor: User, manager: User | None) -> None:
    if not has_capability(actor, Capability.LOG_INTERACTION):
        raise PermissionDenied(_("You may not log interactions."))
    if actor.is_manager and manager is not None and manager.pk != actor.pk:
        # Interactions count in plans and bonuses: a manager logs only his own.
        raise PermissionDenied(_("You may log interactions only in your own name."))


def _normalise_phone(phone: str) -> str:
    return phones.to_e164(phone) if phone.strip() else ""


@transaction.atomic
def interaction_log(
    *,
    actor: User,
    kind: str,
    client: Client | None,
    contact: ContactPerson | None = None,
    occurred_at: datetime.datetime | None = None,
    planned_at: datetime.datetime | None = None,
    duration_seconds: int | None = None,
    subject: str = "",
    result: str = "",
    status: InteractionStatus | None = None,
    phone: str = "",
    manager: User | None = None,
) -> Interaction:
    """Log a call, meeting, e-mail or note by hand, or plan one (planned_at without occurred_at).

    Any manager may log an interaction with any client of the corporate base; the interaction
    is his (`manager` defaults to the actor). Each kind asks for its minimum data set: a call
    the client or a phone number; a meeting its date, the client, the contact person and the
    subject, and once held also a reachable contact person and the result. Without a status a
    held meeting becomes "held" and a planned call or meeting "planned". All missing fields
    are reported at once, keyed by field; nothing is saved.
    """
    return _log(
        action="interactions.interaction.logged",
        actor=actor,
        kind=kind,
        client=client,
        contact=contact,
        occurred_at=occurred_at,
        planned_at=planned_at,
        duration_seconds=duration_seconds,
        subject=subject,
        result=result,
        status=status,
        phone=phone,
        manager=manager,
    )


def _log(
    *,
    action: str,
    actor: User,
    kind: str,
    client: Client | None,
    contact: ContactPerson | None,
    occurred_at: datetime.datetime | None,
    planned_at: datetime.datetime | None,
    duration_seconds: int | None,
    subject: str,
    result: str,
    status: InteractionStatus | None,
    phone: str,
    manager: User | None,
) -> Interaction:
    _check_may_log(actor, manager)
    if kind not in Interaction.Kind.values:
        raise ValidationError({"kind": [_("Unknown kind of interaction.")]}, code="invalid")
    subject, result = (subject or "").strip(), (result or "").strip()
    is_meeting = kind == Interaction.Kind.MEETING
    errors = _log_errors(
        kind=kind,
        client=client,
        contact=contact,
        occurred_at=occurred_at,
        planned_at=planned_at,
        phone=phone,
    )
    if occurred_at is None and planned_at is None and not is_meeting:
        occurred_at = timezone.now()
    status = _default_status(kind, status, occurred_at=occurred_at, planned_at=planned_at)
    if is_meeting:
        _merge(
            errors,
            _meeting_errors(
                client=client,
                contact=contact,
                occurred_at=occurred_at,
                subject=subject,
                result=result,
                status=status,
            ),
        )
    _raise_if(_merge(errors, _status_errors(kind, status, result)))
    manager = manager or actor
    interaction = Interaction.objects.create(
        kind=kind,
        client=client,
        contact=contact,
        phone_raw=phone.strip(),
        phone_e164=_normalise_phone(phone),
        manager=manager,
        team=manager.team,
        planned_at=planned_at,
        occurred_at=occurred_at,
        duration_seconds=duration_seconds,
        subject=subject,
        result=result,
        status=status,
        status_changed_at=timezone.now() if status else None,
        source=Interaction.Source.MANUAL,
        created_by=actor,
    )
    _touch_client(client, occurred_at)
    audit_record(
        actor=actor,
        action=action,
        target=interaction,
        changes={
            "kind": kind,
            "client": getattr(client, "pk", None),
            "status": getattr(status, "code", None),
        },
    )
    return interaction


def _log_errors(
    *,
    kind: str,
    client: Client | None,
    contact: ContactPerson | None,
    occurred_at: datetime.datetime | None,
    planned_at: datetime.datetime | None,
    phone: str,
) -> Errors:
    """The rules every kind shares: who it was with, and when."""
    errors: Errors = {}
    if client is None and not phone.strip() and kind != Interaction.Kind.MEETING:
        _add(errors, "client", _("Choose the client or give the phone number."))
    if contact is not None and contact.client_id != getattr(client, "pk", None):
        _add(errors, "contact", _("This contact person belongs to another client."))
    if occurred_at is None and planned_at is None and kind == Interaction.Kind.MEETING:
        _add(errors, "occurred_at", _("Give the date of the meeting."))
    if occurred_at is not None and occurred_at > timezone.now() + CLOCK_SKEW:
        _add(errors, "occurred_at", _("An interaction that took place cannot be in the future."))
    if phone.strip():
        try:
            phones.to_e164(phone)
        except ValidationError as error:
            errors["phone"] = list(error.messages)
    return errors


@transaction.atomic
def interaction_set_status(
    *,
    actor: User,
    interaction: Interaction,
    status: InteractionStatus,
    result: str | None = None,
    expected_status_id: int | type[...] | None = ...,
) -> Interaction:
    """Set the business status of an interaction, e.g. one click in the calls inbox.

    `expected_status_id` is the status the user saw; if someone else changed it meanwhile the
    change is refused with ConflictError instead of silently overwriting theirs.
    """
    if not has_capability(actor, Capability.LOG_INTERACTION):
        raise PermissionDenied(_("You may not change interactions."))
    if actor.is_manager and interaction.manager_id not in (None, actor.pk):
        raise PermissionDenied(_("This interaction belongs to another manager."))
    if actor.is_supervisor and interaction.team_id not in (None, actor.team_id):
        raise PermissionDenied(_("This interaction belongs to another team."))
    new_result = interaction.result if result is None else result.strip()
    _validate_status(interaction.kind, status, new_result)
    seen = interaction.status_id if expected_status_id is ... else expected_status_id
    now = timezone.now()
    updated = Interaction.objects.filter(pk=interaction.pk, status_id=seen).update(
        status=status,
        result=new_result,
        status_changed_at=now,
        updated_at=now,
        manager_id=interaction.manager_id or actor.pk,
    )
    if not updated:
        raise ConflictError(
            _("Someone else has just changed this interaction's status. Reload to see it.")
        )
    audit_record(
        actor=actor,
        action="interactions.interaction.status_changed",
        target=interaction,
        changes={"status": [seen, status.pk]},
    )
    interaction.refresh_from_db()
    return interaction


# Tasks: planned calls and meetings -------------------------------------------------------------


def _check_may_work_on(actor: User, task: Interaction) -> None:
    """A manager works on his own tasks (and his team's unassigned ones), a supervisor on his
    team's, an admin on all."""
    if not has_capability(actor, Capability.LOG_INTERACTION):
        raise PermissionDenied(_("You may not change interactions."))
    if actor.is_manager and task.manager_id != actor.pk:
        in_own_queue = task.manager_id is None and actor.team_id and task.team_id == actor.team_id
        if not in_own_queue:
            raise PermissionDenied(_("This task belongs to another manager."))
    if actor.is_supervisor and task.team_id not in (None, actor.team_id):
        raise PermissionDenied(_("This task belongs to another team."))


def _check_still_open(task: Interaction) -> None:
    if task.occurred_at is not None or (task.status is not None and task.status.is_final):
        raise ConflictError(_("This task is already done."))


@transaction.atomic
def task_plan(
    *,
    actor: User,
    kind: str,
    client: Client | None,
    planned_at: datetime.datetime | None,
    contact: ContactPerson | None = None,
    subject: str = "",
    phone: str = "",
    manager: User | None = None,
) -> Interaction:
    """Plan a call or a meeting: a task with the status "planned" on the manager's day.

    A meeting needs the client, the contact person and the subject; a call the client or a
    phone number. The time must lie ahead.
    """
    _check_may_log(actor, manager)
    errors: Errors = {}
    if kind not in TASK_KINDS:
        _add(errors, "kind", _("Only a call or a meeting can be planned."))
    if planned_at is None:
        _add(errors, "planned_at", _("Choose when."))
    elif planned_at < timezone.now() - CLOCK_SKEW:
        _add(errors, "planned_at", _("Choose a time in the future."))
    _raise_if(errors)
    return _log(
        action="interactions.interaction.planned",
        actor=actor,
        kind=kind,
        client=client,
        contact=contact,
        occurred_at=None,
        planned_at=planned_at,
        duration_seconds=None,
        subject=subject,
        result="",
        status=_status_by_code(kind, PLANNED),
        phone=phone,
        manager=manager,
    )


@transaction.atomic
def task_complete(
    *,
    actor: User,
    task: Interaction,
    status: InteractionStatus,
    result: str = "",
    occurred_at: datetime.datetime | None = None,
) -> Interaction:
    """Close a planned call or meeting: how it ended (held / not held, completed / no answer
    …), when, and the result where the status asks for one.

    Refused with ConflictError when the task is already done, also by someone else meanwhile.
    """
    _check_may_work_on(actor, task)
    _check_still_open(task)
    result = (result or "").strip()
    occurred_at = occurred_at or timezone.now()
    errors: Errors = {}
    if task.kind == Interaction.Kind.MEETING:
        errors = _meeting_errors(
            client=task.client,
            contact=task.contact,
            occurred_at=occurred_at,
            subject=task.subject,
            result=result,
            status=status,
        )
    _merge(errors, _status_errors(task.kind, status, result))
    if status.code == PLANNED:
        _add(errors, "status", _("Choose how the task ended."))
    if occurred_at > timezone.now() + CLOCK_SKEW:
        _add(errors, "occurred_at", _("An interaction that took place cannot be in the future."))
    _raise_if(errors)
    now = timezone.now()
    updated = (
        Interaction.objects.filter(pk=task.pk, occurred_at__isnull=True, status_id=task.status_id)
        .exclude(status__is_final=True)
        .update(
            status=status,
            result=result or task.result,
            occurred_at=occurred_at,
            status_changed_at=now,
            updated_at=now,
            manager_id=task.manager_id or actor.pk,
            team_id=task.team_id or actor.team_id,
        )
    )
    if not updated:
        raise ConflictError(_("Someone else has just changed this task. Reload to see it."))
    _touch_client(task.client, occurred_at)
    before = snapshot(task, COMPLETION_FIELDS)
    task.refresh_from_db()
    audit_record(
        actor=actor,
        action="interactions.interaction.completed",
        target=task,
        changes=diff(before, snapshot(task, COMPLETION_FIELDS)),
    )
    return task


@transaction.atomic
def task_reschedule(
    *, actor: User, task: Interaction, planned_at: datetime.datetime | None
) -> Interaction:
    """Move a planned call or meeting to a new time ahead.

    Refused with ConflictError when the task is done or was moved by someone else meanwhile.
    """
    _check_may_work_on(actor, task)
    _check_still_open(task)
    if planned_at is None:
        raise ValidationError({"planned_at": [_("Choose the new time.")]}, code="required")
    if planned_at <= timezone.now():
        raise ValidationError({"planned_at": [_("Choose a time in the future.")]}, code="invalid")
    updated = (
        Interaction.objects.filter(pk=task.pk, occurred_at__isnull=True, planned_at=task.planned_at)
        .exclude(status__is_final=True)
        .update(planned_at=planned_at, updated_at=timezone.now())
    )
    if not updated:
        raise ConflictError(_("Someone else has just changed this task. Reload to see it."))
    before = snapshot(task, ["planned_at"])
    task.refresh_from_db()
    audit_record(
        actor=actor,
        action="interactions.interaction.rescheduled",
        target=task,
        changes=diff(before, snapshot(task, ["planned_at"])),
    )
    return task
