"""Merging two client cards that turned out to be the same client."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from clients.models import Client, PointsEntry
from clients.services.privacy import AUDITED_FIELDS, require_personal_data_rights
from clients.services.versions import bump, bumped, is_versioned
from crm_project.core.audit import audit_record, snapshot

if TYPE_CHECKING:
    from crm_project.accounts.models import User


@transaction.atomic
def client_merge(
    *, actor: User, source: Client, target: Client, ip_address: str | None = None
) -> Client:
    """Move everything of `source` (contacts, phones, e-mails, addresses, interactions, deals,
    transfers, points, requests) to `target`, then delete `source`.

    The target keeps its primary contact; when both were credited for entering the primary
    contact, the duplicate's credit goes (the client was already in the base).
    """
    require_personal_data_rights(actor)
    if source.pk == target.pk:
        raise ValidationError(_("Choose two different clients to merge."), code="same")
    both = Client.objects.select_for_update().filter(pk__in=[source.pk, target.pk])
    locked = {client.pk: client for client in both}
    source, target = locked[source.pk], locked[target.pk]
    removed_credit = None
    if target.contacts.filter(is_primary=True).exists():
        source.contacts.filter(is_primary=True).update(is_primary=False, **bumped(actor=actor))
    credits = PointsEntry.objects.filter(reason=PointsEntry.Reason.PRIMARY_CONTACT)
    if credits.filter(client=target).exists():
        duplicate = credits.filter(client=source).first()
        if duplicate is not None:
            removed_credit = {"user": duplicate.user_id, "points": duplicate.points}
            duplicate.delete()
    moved = {}
    # Every reverse foreign key, hidden ones included (related_name="+").
    for relation in Client._meta.get_fields(include_hidden=True):
        if not (relation.auto_created and relation.one_to_many):
            continue
        model = relation.related_model
        # Moved contacts and deals change version: a form opened on the duplicate is stale.
        extra = bumped(actor=actor) if is_versioned(model) else {}
        count = model._base_manager.filter(**{relation.field.name: source}).update(
            **{relation.field.name: target}, **extra
        )
        if count:
            moved[model._meta.label_lower] = count
    before = snapshot(source, AUDITED_FIELDS[Client])
    source_id = source.pk
    source.delete()
    target.save(update_fields=bump(target, actor=actor))
    audit_record(
        actor=actor,
        action="clients.client.merged",
        target=target,
        changes={
            "merged_from": source_id,
            "source": before,
            "moved": moved,
            "removed_credit": removed_credit,
        },
        ip_address=ip_address,
    )
    return target
