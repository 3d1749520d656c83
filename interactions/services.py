"""Every write to the journal goes through these functions."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from clients.models import Client, ContactPerson
from crm_project.core import phones
from crm_project.core.audit import audit_record
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
                    % {"status": status.name}
                ]
            },
            code="invalid_status",
        )
    if status.requires_result and not result.strip():
        raise ValidationError(
            {"result": [_("The status “%(status)s” needs the result.") % {"status": status.name}]},
            code="required",
        )


def _touch_client(client: Client | None, occurred_at: datetime.datetime | None) -> None:
    # Conditional update keeps last_interaction_at the latest even under concurrent logging.
    if client is None or occurred_at is None:
        return
    Client.objects.filter(pk=client.pk).filter(
        Q(last_interaction_at__isnull=True) | Q(last_interaction_at__lt=occurred_at)
    ).update(last_interaction_at=occurred_at)


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
    is his (`manager` defaults to the actor).
    """
    if not has_capability(actor, Capability.LOG_INTERACTION):
        raise PermissionDenied(_("You may not log interactions."))
    if actor.is_manager and manager is not None and manager.pk != actor.pk:
        # Interactions count in plans and bonuses: a manager logs only his own.
        raise PermissionDenied(_("You may log interactions only in your own name."))
    if kind not in Interaction.Kind.values:
        raise ValidationError({"kind": [_("Unknown kind of interaction.")]}, code="invalid")
    if client is None and not phone.strip():
        raise ValidationError({"client": [_("Choose the client.")]}, code="required")
    if contact is not None and contact.client_id != getattr(client, "pk", None):
        raise ValidationError(
            {"contact": [_("This contact person belongs to another client.")]}, code="invalid"
        )
    if occurred_at is None and planned_at is None:
        occurred_at = timezone.now()
    if occurred_at is not None and occurred_at > timezone.now() + datetime.timedelta(minutes=5):
        raise ValidationError(
            {"occurred_at": [_("An interaction that took place cannot be in the future.")]},
            code="invalid",
        )
    result = (result or "").strip()
    _validate_status(kind, status, result)
    phone_e164 = ""
    if phone.strip():
        try:
            phone_e164 = phones.to_e164(phone)
        except ValidationError as error:
            raise ValidationError({"phone": error.messages}, code="invalid") from error
    manager = manager or actor
    interaction = Interaction.objects.create(
        kind=kind,
        client=client,
        contact=contact,
        phone_raw=phone.strip(),
        phone_e164=phone_e164,
        manager=manager,
        team=manager.team,
        planned_at=planned_at,
        occurred_at=occurred_at,
        duration_seconds=duration_seconds,
        subject=(subject or "").strip(),
        result=result,
        status=status,
        status_changed_at=timezone.now() if status else None,
        source=Interaction.Source.MANUAL,
        created_by=actor,
    )
    _touch_client(client, occurred_at)
    audit_record(
        actor=actor,
        action="interactions.interaction.logged",
        target=interaction,
        changes={
            "kind": kind,
            "client": getattr(client, "pk", None),
            "status": getattr(status, "code", None),
        },
    )
    return interaction


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
