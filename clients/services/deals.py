"""Deals: entering, editing, moving through the key stages, and the supervisor's stage control."""

from __future__ import annotations

import datetime
import logging
from collections import defaultdict
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from clients.models import Client, Deal, DealReminder, DealStage, DealStageChange, personal_data_q
from clients.services.points import points_award_deal_won
from clients.services.versions import bump, check_version
from crm_project.accounts.models import User
from crm_project.core.audit import audit_record, diff, snapshot
from crm_project.core.capabilities import Capability, has_capability
from crm_project.core.tasks_util import enqueue_after_commit

if TYPE_CHECKING:
    from interactions.models import Interaction

logger = logging.getLogger(__name__)

EDITABLE_FIELDS = ("title", "amount", "currency", "expected_close_date")
# A supervisor's note with a reminder or a reassignment: a few paragraphs at most.
NOTE_MAX_LENGTH = 2000
COURTESY_CALL_HOUR = 10


# Mail and queue helpers shared by the deal and transfer services ------------------------------


def send_user_mail(user: User, *, template: str, context: dict[str, Any]) -> bool:
    """E-mail `user` in his own language; `template`.txt holds the subject on its first line."""
    if not user.email:
        return False
    with translation.override(user.language or settings.LANGUAGE_CODE):
        subject, _newline, body = render_to_string(
            f"{template}.txt", {**context, "recipient": user}
        ).partition("\n")
    send_mail(subject.strip(), body.strip() + "\n", None, [user.email])
    return True


def enqueue_on_commit(task: Any, *args: Any) -> None:
    """Send a Celery task once the current transaction commits; a broker outage is logged, and
    clients.tasks.notices_resend_task sends what is still due later."""
    enqueue_after_commit(task, *args)


def team_supervisor(user: User) -> User | None:
    """The supervisor leading the user's team (the first by id if there are several)."""
    if not user.team_id:
        return None
    return (
        User.objects.filter(role=User.Role.SUPERVISOR, is_active=True, team_id=user.team_id)
        .order_by("id")
        .first()
    )


# Rules ----------------------------------------------------------------------------------------


def manages_team_deals(actor: User, manager: User) -> bool:
    """May `actor` control the deals of `manager`: a supervisor his team's, an admin all."""
    if not has_capability(actor, Capability.MANAGE_DEALS_OF_TEAM):
        return False
    return actor.is_admin or (actor.team_id is not None and manager.team_id == actor.team_id)


def may_change_deal(actor: User, deal: Deal) -> bool:
    if not has_capability(actor, Capability.WORK_ON_DEALS):
        return False
    return deal.manager_id == actor.pk or manages_team_deals(actor, deal.manager)


def may_open_deal(actor: User, client: Client) -> bool:
    """A manager opens deals with his own clients, a supervisor with his team's, an admin any."""
    if not has_capability(actor, Capability.WORK_ON_DEALS):
        return False
    if actor.is_manager:
        return client.responsible_manager_id == actor.pk
    return Client.objects.filter(personal_data_q(actor), pk=client.pk).exists()


def _check_may_change(actor: User, deal: Deal) -> None:
    if not may_change_deal(actor, deal):
        raise PermissionDenied(_("Only the deal's manager or his supervisor may change this deal."))


def _check_manages(actor: User, deal: Deal) -> None:
    if not manages_team_deals(actor, deal.manager):
        raise PermissionDenied(_("Only the supervisor of the deal's team may do this."))


def _check_open(deal: Deal) -> None:
    if not deal.is_open:
        raise ValidationError(
            {"stage": [_("This deal is closed; it cannot change any more.")]}, code="closed"
        )


def check_assignee(actor: User, manager: User | None, *, field: str = "manager") -> User:
    if manager is None or not (manager.is_manager and manager.is_active):
        raise ValidationError({field: [_("Choose an active manager.")]}, code="invalid")
    if not actor.is_admin and manager.team_id != actor.team_id:
        raise ValidationError({field: [_("Choose a manager of your team.")]}, code="invalid")
    return manager


def _clean_values(values: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    if "title" in values:
        values["title"] = (values["title"] or "").strip()
        if not values["title"]:
            errors["title"] = [_("Give the deal a title.")]
    if "amount" in values:
        try:
            amount = Decimal(str(values["amount"]))
        except (InvalidOperation, ValueError):
            amount = None
        if amount is None or not amount.is_finite():
            errors["amount"] = [_("Enter the amount as a number.")]
        elif amount < 0:
            errors["amount"] = [_("The amount cannot be negative.")]
        elif amount.as_tuple().exponent < -2 or abs(amount) >= 10**12:  # type: ignore[operator]
            errors["amount"] = [_("At most 12 digits before the point and 2 after it.")]
        else:
            values["amount"] = amount.quantize(Decimal("0.01"))
    if "currency" in values and values["currency"] not in Deal.Currency.values:
        errors["currency"] = [_("Choose a currency.")]
    if errors:
        raise ValidationError(errors, code="invalid")
    return values


# Entering and editing -------------------------------------------------------------------------


@transaction.atomic
def deal_create(
    *,
    actor: User,
    client: Client,
    title: str,
    amount: Decimal | str | int,
    currency: str = Deal.Currency.RUB,
    expected_close_date: datetime.date | None = None,
    manager: User | None = None,
) -> Deal:
    """Open a deal with a client in the first stage.

    A manager opens deals for himself with his own clients; a supervisor for a manager of his
    team with a client of the team (by default the client's responsible manager).
    """
    if not may_open_deal(actor, client):
        raise PermissionDenied(_("You may open deals only with your own (or your team's) clients."))
    if actor.is_manager:
        if manager not in (None, actor):
            raise PermissionDenied(_("A manager opens deals for himself."))
        manager = actor
    else:
        manager = check_assignee(actor, manager or client.responsible_manager)
    values = _clean_values({"title": title, "amount": amount, "currency": currency})
    stage = DealStage.objects.open().first()
    if stage is None:
        raise ValidationError({"stage": [_("No deal stages are set up.")]}, code="no_stages")
    now = timezone.now()
    deal = Deal.objects.create(
        client=client,
        manager=manager,
        expected_close_date=expected_close_date,
        stage=stage,
        stage_entered_at=now,
        stage_due_at=stage.due_at(now),
        created_by=actor,
        updated_by=actor,
        **values,
    )
    DealStageChange.objects.create(deal=deal, to_stage=stage, changed_by=actor, changed_at=now)
    audit_record(
        actor=actor,
        action="clients.deal.created",
        target=deal,
        changes=snapshot(deal, ("client", "manager", "title", "amount", "currency", "stage")),
    )
    return deal


@transaction.atomic
def deal_update(
    *, actor: User, deal: Deal, expected_version: int | None = None, **values: Any
) -> Deal:
    """Change an open deal's title, amount, currency or expected close date.

    `expected_version` is the version the caller loaded: if the deal changed since, nothing is
    saved (RecordChangedError); None applies the change whatever happened meanwhile.
    """
    unknown = set(values) - set(EDITABLE_FIELDS)
    if unknown:
        raise PermissionDenied(
            _("You may not change: %(fields)s.") % {"fields": ", ".join(sorted(unknown))}
        )
    deal = Deal.objects.select_for_update().get(pk=deal.pk)
    _check_may_change(actor, deal)
    check_version(deal, expected_version)
    _check_open(deal)
    values = _clean_values(values)
    before = snapshot(deal, values.keys())
    for name, value in values.items():
        setattr(deal, name, value)
    changes = diff(before, snapshot(deal, values.keys()))
    if changes:
        bump(deal, actor=actor)
        deal.save()
        audit_record(actor=actor, action="clients.deal.updated", target=deal, changes=changes)
    return deal


# Stages ---------------------------------------------------------------------------------------


def is_next_step(current: DealStage, target: DealStage, open_stages: list[DealStage]) -> bool:
    """One step forward: the next working stage, won after the last one, lost from any."""
    if target.is_lost:
        return True
    ids = [stage.pk for stage in open_stages]
    if current.pk not in ids:
        return False
    index = ids.index(current.pk)
    if target.is_won:
        return index == len(ids) - 1
    return index + 1 < len(ids) and ids[index + 1] == target.pk


def next_stages(deal: Deal, *, actor: User) -> list[DealStage]:
    """The stages `actor` may move the deal to: one step for its manager, any for a supervisor."""
    if not deal.is_open or not may_change_deal(actor, deal):
        return []
    stages = [stage for stage in DealStage.objects.active() if stage.pk != deal.stage_id]
    if manages_team_deals(actor, deal.manager):
        return stages
    open_stages = [stage for stage in stages if not stage.is_closed] + [deal.stage]
    open_stages.sort(key=lambda stage: (stage.position, stage.pk))
    return [stage for stage in stages if is_next_step(deal.stage, stage, open_stages)]


@transaction.atomic
def deal_move_stage(
    *,
    actor: User,
    deal: Deal,
    stage: DealStage,
    reason: str = "",
    comment: str = "",
    expected_version: int | None = None,
) -> Deal:
    """Move a deal to another stage; the move is kept in its history.

    Managers go one step forward (or to lost, which needs a reason); a move back or over a
    stage is for the team's supervisor and is marked as such. A won deal counts in the
    manager's plan at once, credits the primary contact's author, and plans a courtesy control
    call for the supervisor. Refused with RecordChangedError if the deal changed since the
    caller loaded `expected_version`.
    """
    deal = Deal.objects.select_for_update().get(pk=deal.pk)
    _check_may_change(actor, deal)
    check_version(deal, expected_version)
    _check_open(deal)
    if not stage.is_active or stage.pk == deal.stage_id:
        raise ValidationError({"stage": [_("Choose another stage.")]}, code="invalid")
    in_order = is_next_step(deal.stage, stage, list(DealStage.objects.open()))
    if not in_order and not manages_team_deals(actor, deal.manager):
        raise PermissionDenied(_("Only a supervisor may move a deal back or over a stage."))
    reason = (reason or "").strip()
    if stage.is_lost and not reason:
        raise ValidationError({"reason": [_("Say why the deal was lost.")]}, code="required")
    now = timezone.now()
    previous = deal.stage
    deal.stage = stage
    deal.stage_entered_at = now
    deal.stage_due_at = stage.due_at(now)
    if stage.is_closed:
        deal.state = Deal.State.WON if stage.is_won else Deal.State.LOST
        deal.closed_at = now
        deal.close_reason = reason
    bump(deal, actor=actor)
    deal.save()
    DealStageChange.objects.create(
        deal=deal,
        from_stage=previous,
        to_stage=stage,
        changed_by=actor,
        changed_at=now,
        is_out_of_order=not in_order,
        comment=(comment or reason).strip(),
    )
    audit_record(
        actor=actor,
        action="clients.deal.stage_changed",
        target=deal,
        changes={"stage": [previous.pk, stage.pk], "out_of_order": not in_order},
    )
    if stage.is_won:
        points_award_deal_won(actor=actor, deal=deal)
        plan_courtesy_call(deal=deal, now=now)
    return deal


def plan_courtesy_call(*, deal: Deal, now: datetime.datetime) -> Interaction | None:
    """Plan the supervisor's control call to the client of a won deal (next day, 10:00)."""
    from interactions.models import Interaction
    from interactions.services import task_plan

    supervisor = team_supervisor(deal.manager)
    if supervisor is None:
        return None
    local = timezone.localtime(now) + datetime.timedelta(days=1)
    planned_at = local.replace(hour=COURTESY_CALL_HOUR, minute=0, second=0, microsecond=0)
    with translation.override(supervisor.language or settings.LANGUAGE_CODE):
        subject = _("Courtesy control call: deal “%(deal)s” won by %(manager)s") % {
            "deal": deal.title,
            "manager": deal.manager,
        }
    # Planned in the supervisor's own name: the call is his task on his day.
    return task_plan(
        actor=supervisor,
        kind=Interaction.Kind.OUTGOING_CALL,
        client=deal.client,
        contact=deal.client.contacts.filter(is_primary=True).first(),
        planned_at=planned_at,
        subject=subject[:255],
        manager=supervisor,
    )


# Stage control --------------------------------------------------------------------------------


@transaction.atomic
def deal_remind(*, actor: User, deal: Deal, message: str = "") -> DealReminder:
    """Remind the deal's manager of it by e-mail (sent by Celery after commit)."""
    _check_manages(actor, deal)
    _check_open(deal)
    message = _checked_note(message, field="message")
    reminder = DealReminder.objects.create(
        deal=deal, manager=deal.manager, sent_by=actor, message=message
    )
    audit_record(
        actor=actor,
        action="clients.deal.reminded",
        target=deal,
        changes={"manager": deal.manager_id, "reminder": reminder.pk},
    )
    from clients.tasks import deal_reminder_send_task

    enqueue_on_commit(deal_reminder_send_task, reminder.pk)
    return reminder


def deal_reminder_send(*, reminder_id: int) -> bool:
    """E-mail one reminder; False when it was sent already (the task ran twice)."""
    with transaction.atomic():
        claimed = DealReminder.objects.filter(pk=reminder_id, sent_at__isnull=True).update(
            sent_at=timezone.now()
        )
        if not claimed:
            return False
        reminder = DealReminder.objects.select_related(
            "deal", "deal__client", "deal__stage", "manager", "sent_by"
        ).get(pk=reminder_id)
        # Sent inside the claim: a failing mail server rolls the claim back for the retry.
        send_user_mail(
            reminder.manager,
            template="deals/emails/reminder",
            context={"reminder": reminder, "deal": reminder.deal, "base_url": site_url()},
        )
    return True


@transaction.atomic
def deal_reassign(*, actor: User, deal: Deal, manager: User, reason: str = "") -> Deal:
    """Give an open deal to another manager of the team; its stage and history stay."""
    deal = Deal.objects.select_for_update().get(pk=deal.pk)
    _check_manages(actor, deal)
    _check_open(deal)
    reason = _checked_note(reason, field="reason")
    manager = check_assignee(actor, manager)
    if manager.pk == deal.manager_id:
        raise ValidationError({"manager": [_("The deal is already his.")]}, code="invalid")
    previous = deal.manager_id
    deal.manager = manager
    deal.save(update_fields=["manager", *bump(deal, actor=actor)])
    audit_record(
        actor=actor,
        action="clients.deal.reassigned",
        target=deal,
        changes={"manager": [previous, manager.pk], "reason": reason},
    )
    return deal


def _checked_note(text: str | None, *, field: str) -> str:
    text = (text or "").strip()
    if len(text) > NOTE_MAX_LENGTH:
        message = _("At most %(limit)d characters (this one has %(length)d).") % {
            "limit": NOTE_MAX_LENGTH,
            "length": len(text),
        }
        raise ValidationError({field: [message]}, code="max_length")
    return text


def site_url() -> str:
    hosts = [host for host in settings.ALLOWED_HOSTS if host and "*" not in host]
    return f"https://{hosts[0]}" if hosts and not settings.DEBUG else "http://127.0.0.1:8000"


def deals_overdue_notify(*, now: datetime.datetime | None = None) -> int:
    """E-mail each supervisor his team's deals that became overdue since the last list.

    Each overdue episode is reported once: the deals are claimed (their episode marked as
    reported) in the same transaction that sends the e-mails, so a second run sends nothing and
    a failing mail server leaves them for the next run. Returns the number of deals reported.
    """
    now = now or timezone.now()
    with transaction.atomic():
        deals = list(
            Deal.objects.overdue_unreported(now)
            .filter(manager__team__isnull=False)
            .select_for_update(skip_locked=True, of=("self",))
            .select_related("manager", "client", "stage")
            .order_by("stage_due_at", "id")
        )
        by_team: dict[int, list[Deal]] = defaultdict(list)
        for deal in deals:
            by_team[deal.manager.team_id].append(deal)
        supervisors = User.objects.filter(
            role=User.Role.SUPERVISOR, is_active=True, team_id__in=by_team
        )
        reported: list[int] = []
        for supervisor in supervisors:
            team_deals = by_team.get(supervisor.team_id, [])
            send_user_mail(
                supervisor,
                template="deals/emails/overdue_digest",
                context={"deals": team_deals, "base_url": site_url(), "now": now},
            )
            reported.extend(deal.pk for deal in team_deals)
        Deal.objects.filter(pk__in=reported).update(overdue_reported_due_at=F("stage_due_at"))
    return len(set(reported))
