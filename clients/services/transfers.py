"""Client transfers between managers: one client, or a leaving manager's whole base."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clients.models import Client, ClientTransfer, Deal, TransferRule, personal_data_q
from clients.services.deals import check_assignee, enqueue_on_commit, send_user_mail, site_url
from clients.services.versions import bump, bumped
from crm_project.core.audit import audit_record
from crm_project.core.capabilities import Capability, has_capability

if TYPE_CHECKING:
    from crm_project.accounts.models import User


def _check_capability(actor: User) -> None:
    if not has_capability(actor, Capability.TRANSFER_CLIENT):
        raise PermissionDenied(_("Only supervisors may transfer clients."))


def _clean_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {"reason": [_("Say why the client is transferred.")]}, code="required"
        )
    return reason


def _check_deals_left(client: Client, deals_left: list[Deal]) -> None:
    for deal in deals_left:
        mine = deal.client_id == client.pk and deal.manager_id == client.responsible_manager_id
        if not (mine and deal.is_open):
            raise ValidationError(
                {
                    "deals_left": [
                        _("Only open deals of this client's current manager can be left to him.")
                    ]
                },
                code="invalid",
            )


def _transfer(
    *,
    actor: User,
    client: Client,
    to_manager: User,
    reason: str,
    rule: TransferRule | None,
    deals_left: list[Deal],
) -> ClientTransfer:
    """Move one locked client; its open deals go along unless left to the previous manager."""
    if client.responsible_manager_id == to_manager.pk:
        raise ValidationError(
            {"to_manager": [_("“%(client)s” is already his client.") % {"client": client.name}]},
            code="invalid",
        )
    _check_deals_left(client, deals_left)
    from_manager = client.responsible_manager
    moved = 0
    if from_manager is not None:
        moved = (
            Deal.objects.open()
            .filter(client=client, manager=from_manager)
            .exclude(pk__in=[deal.pk for deal in deals_left])
            .update(manager=to_manager, **bumped(actor=actor))
        )
    client.responsible_manager = to_manager
    client.team = to_manager.team
    client.save(update_fields=["responsible_manager", "team", *bump(client, actor=actor)])
    transfer = ClientTransfer.objects.create(
        client=client,
        from_manager=from_manager,
        to_manager=to_manager,
        rule=rule,
        reason=reason,
        transferred_by=actor,
    )
    if deals_left:
        transfer.deals_left.set(deals_left)
    audit_record(
        actor=actor,
        action="clients.client.transferred",
        target=client,
        changes={
            "responsible_manager": [getattr(from_manager, "pk", None), to_manager.pk],
            "rule": getattr(rule, "pk", None),
            "reason": reason,
            "deals_moved": moved,
            "deals_left": [deal.pk for deal in deals_left],
        },
    )
    return transfer


@transaction.atomic
def client_transfer(
    *,
    actor: User,
    client: Client,
    to_manager: User,
    reason: str,
    rule: TransferRule | None = None,
    deals_left: Iterable[Deal] = (),
) -> ClientTransfer:
    """Make another active manager responsible for a client, at once; both are e-mailed.

    The new manager gets the client's personal data and edit rights, the previous one keeps
    reading the journal (it is corporate) and any open deal left to him until it closes.
    """
    _check_capability(actor)
    client = Client.objects.select_for_update().get(pk=client.pk)
    if not Client.objects.filter(personal_data_q(actor), pk=client.pk).exists():
        raise PermissionDenied(_("This client belongs to another team."))
    to_manager = check_assignee(actor, to_manager, field="to_manager")
    transfer = _transfer(
        actor=actor,
        client=client,
        to_manager=to_manager,
        reason=_clean_reason(reason),
        rule=rule,
        deals_left=list(deals_left),
    )
    from clients.tasks import client_transfer_notify_task

    enqueue_on_commit(client_transfer_notify_task, [transfer.pk])
    return transfer


@transaction.atomic
def clients_transfer_bulk(
    *,
    actor: User,
    from_manager: User,
    to_manager: User,
    reason: str,
    rule: TransferRule | None = None,
) -> list[ClientTransfer]:
    """Transfer a (leaving) manager's whole base: one transfer per client, all or nothing."""
    _check_capability(actor)
    if not (actor.is_admin or (actor.team_id and from_manager.team_id == actor.team_id)):
        raise PermissionDenied(_("This manager belongs to another team."))
    to_manager = check_assignee(actor, to_manager, field="to_manager")
    if to_manager.pk == from_manager.pk:
        raise ValidationError(
            {"to_manager": [_("Choose another manager than the one leaving.")]}, code="invalid"
        )
    reason = _clean_reason(reason)
    clients = list(
        Client.objects.select_for_update().filter(responsible_manager=from_manager).order_by("id")
    )
    if not clients:
        raise ValidationError({"from_manager": [_("This manager has no clients.")]}, code="invalid")
    transfers = [
        _transfer(
            actor=actor,
            client=client,
            to_manager=to_manager,
            reason=reason,
            rule=rule,
            deals_left=[],
        )
        for client in clients
    ]
    from clients.tasks import client_transfer_notify_task

    enqueue_on_commit(client_transfer_notify_task, [transfer.pk for transfer in transfers])
    return transfers


def client_transfer_notify(*, transfer_ids: list[int]) -> int:
    """E-mail the previous and the new manager their transfers (one e-mail each).

    Transfers already notified are skipped, so a repeated task sends nothing; the claim and
    the e-mails share a transaction, so a failing mail server leaves them for the retry.
    """
    with transaction.atomic():
        transfers = list(
            ClientTransfer.objects.filter(pk__in=transfer_ids, notified_at__isnull=True)
            .select_for_update(skip_locked=True, of=("self",))
            .select_related("client", "from_manager", "to_manager", "transferred_by", "rule")
            .order_by("id")
        )
        received: dict[User, list[ClientTransfer]] = defaultdict(list)
        given: dict[User, list[ClientTransfer]] = defaultdict(list)
        for transfer in transfers:
            received[transfer.to_manager].append(transfer)
            if transfer.from_manager is not None:
                given[transfer.from_manager].append(transfer)
        context = {"base_url": site_url()}
        for manager, rows in received.items():
            send_user_mail(
                manager,
                template="clients/emails/transfer_received",
                context={**context, "transfers": rows},
            )
        for manager, rows in given.items():
            send_user_mail(
                manager,
                template="clients/emails/transfer_given",
                context={**context, "transfers": rows},
            )
        ClientTransfer.objects.filter(pk__in=[transfer.pk for transfer in transfers]).update(
            notified_at=timezone.now()
        )
    return len(transfers)
