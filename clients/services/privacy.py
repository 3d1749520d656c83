"""Personal data: the operators' writes, displays and exports, correction requests, erasure.

Every function here writes an audit entry whose target is the client the data belongs to, so a
client's whole personal-data history is one indexed lookup (AuditEntry.objects.for_object).
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clients.models import (
    Client,
    Consent,
    ContactPerson,
    CorrectionRequest,
    Email,
    LeadSource,
    Phone,
    PostalAddress,
)
from clients.services.base import (
    DuplicateContactError,
    normalise_email,
    normalise_phone,
)
from clients.services.versions import bump, bumped, check_version, is_versioned
from crm_project.core import phones
from crm_project.core.audit import audit_record, diff, snapshot
from crm_project.core.capabilities import Capability, has_capability

if TYPE_CHECKING:
    from crm_project.accounts.models import User

# The fields of each personal-data record that are audited before/after.
AUDITED_FIELDS: dict[type[models.Model], tuple[str, ...]] = {
    Client: ("kind", "name", "status", "lead_source", "responsible_manager"),
    ContactPerson: ("client", "last_name", "first_name", "middle_name", "position", "is_primary"),
    Phone: (
        "contact",
        "number_raw",
        "number_e164",
        "kind",
        "consent",
        "consent_at",
        "consent_source",
    ),
    Email: ("contact", "address", "consent", "consent_at", "consent_source"),
    PostalAddress: ("contact", "postcode", "city", "street", "country"),
    LeadSource: ("name", "position", "is_active"),
}
ERASED = "Erased"


def require_personal_data_rights(actor: User) -> None:
    if not has_capability(actor, Capability.EDIT_PERSONAL_DATA):
        raise PermissionDenied(_("Only operators may change clients' personal data."))


def _client_of(record: models.Model) -> models.Model:
    """The audit target: the client a record belongs to (a lead source is its own target)."""
    if isinstance(record, Client | LeadSource):
        return record
    return record.client  # type: ignore[attr-defined]


def _label(record: models.Model) -> str:
    return f"{record._meta.app_label}.{record._meta.model_name}"


def _check_consent(record: Phone | Email) -> None:
    if record.consent == Consent.UNKNOWN:
        return
    errors = {}
    if record.consent_at is None:
        errors["consent_at"] = [_("Say when the consent was given or withdrawn.")]
    if not record.consent_source:
        errors["consent_source"] = [_("Say how the consent was given or withdrawn.")]
    if errors:
        raise ValidationError(errors, code="required")


def _check_phone(record: Phone) -> None:
    record.number_raw = (record.number_raw or "").strip()
    record.number_e164 = normalise_phone(record.number_raw, field_name="number_raw")
    existing = (
        Phone.objects.select_related("client")
        .filter(number_e164=record.number_e164)
        .exclude(pk=record.pk)
        .first()
    )
    if existing is not None:
        raise DuplicateContactError(
            "number_raw",
            _("%(number)s is already in the base: client “%(client)s”.")
            % {
                "number": phones.format_international(record.number_e164),
                "client": existing.client.name,
            },
            existing.client,
        )
    _check_consent(record)


def _check_email(record: Email) -> None:
    record.address = normalise_email(record.address, field_name="address")
    existing = (
        Email.objects.select_related("client")
        .filter(address__iexact=record.address)
        .exclude(pk=record.pk)
        .first()
    )
    if existing is not None:
        raise DuplicateContactError(
            "address",
            _("%(address)s is already in the base: client “%(client)s”.")
            % {"address": record.address, "client": existing.client.name},
            existing.client,
        )
    _check_consent(record)


def _check_contact(record: ContactPerson) -> None:
    for name in ("last_name", "first_name", "middle_name", "position"):
        setattr(record, name, (getattr(record, name) or "").strip())
    if not (record.last_name or record.first_name):
        raise ValidationError(
            {"last_name": [_("Enter the contact person's last or first name.")]}, code="required"
        )
    if record.is_primary and record.client_id:
        others = ContactPerson.objects.filter(client_id=record.client_id, is_primary=True)
        if others.exclude(pk=record.pk).exists():
            raise ValidationError(
                {"is_primary": [_("The client already has a primary contact person.")]}
            )


def _check_client(record: Client) -> None:
    record.name = (record.name or "").strip()
    if not record.name:
        raise ValidationError({"name": [_("Enter the client's name.")]}, code="required")
    manager = record.responsible_manager
    if manager is not None and not (manager.is_manager and manager.is_active):
        raise ValidationError(
            {"responsible_manager": [_("The responsible manager must be an active manager.")]}
        )


def _check_address(record: PostalAddress) -> None:
    for name in ("postcode", "city", "street", "country"):
        setattr(record, name, (getattr(record, name) or "").strip())
    errors = {}
    if not record.city:
        errors["city"] = [_("Enter the city.")]
    if not record.street:
        errors["street"] = [_("Enter the street and house.")]
    if errors:
        raise ValidationError(errors, code="required")


_CHECKS = {
    Phone: _check_phone,
    Email: _check_email,
    ContactPerson: _check_contact,
    Client: _check_client,
    PostalAddress: _check_address,
}


def personal_record_check(*, record: models.Model) -> None:
    """Validate (and normalise, on a copy) a record before a form accepts it.

    Raises ValidationError naming the field; a duplicate phone or e-mail raises
    DuplicateContactError, which names the client that already has it.
    """
    check = _CHECKS.get(type(record))
    if check is not None:
        check(copy.copy(record))


@transaction.atomic
def personal_record_save(
    *,
    actor: User,
    record: models.Model,
    ip_address: str | None = None,
    expected_version: int | None = None,
) -> models.Model:
    """Create or change one personal-data record (client, contact, phone, e-mail, address).

    Operators and admins only; normalises, refuses duplicates and consents without a date and
    source, and audits the fields before and after. A client or contact person changed since
    the caller loaded it (`expected_version`) is refused with RecordChangedError.
    """
    require_personal_data_rights(actor)
    model = type(record)
    fields = AUDITED_FIELDS[model]
    is_new = record._state.adding
    locked = None if is_new else model.objects.select_for_update().get(pk=record.pk)
    before = {} if locked is None else snapshot(locked, fields)
    if locked is not None and is_versioned(model):
        check_version(locked, expected_version)
        # The record was read before the lock: keep what others changed outside the form.
        record.version = locked.version  # type: ignore[attr-defined]
        if isinstance(record, Client):
            record.last_interaction_at = locked.last_interaction_at
    check = _CHECKS.get(model)
    if check is not None:
        check(record)
    if is_new and isinstance(record, Client | ContactPerson):
        record.created_by = actor
    if is_new and isinstance(record, Client):
        manager = record.responsible_manager
        record.team = manager.team if manager else actor.team
    changes = diff(before, snapshot(record, fields))
    if is_versioned(model) and (is_new or changes):
        if is_new:
            record.updated_by = actor  # type: ignore[attr-defined]
        else:
            bump(record, actor=actor)
    record.save()
    if changes or is_new:
        audit_record(
            actor=actor,
            action=f"{_label(record)}.{'created' if is_new else 'updated'}",
            target=_client_of(record),
            changes={"record": record.pk, "fields": changes},
            ip_address=ip_address,
        )
    return record


@transaction.atomic
def personal_record_delete(
    *, actor: User, record: models.Model, ip_address: str | None = None
) -> None:
    """Delete one personal-data record, keeping its last values in the audit trail."""
    require_personal_data_rights(actor)
    model = type(record)
    if isinstance(record, Client):
        raise PermissionDenied(_("Clients are merged or erased, never deleted."))
    target = _client_of(record)
    values = snapshot(record, AUDITED_FIELDS[model])
    record_id = record.pk
    record.delete()
    audit_record(
        actor=actor,
        action=f"{_label(record)}.deleted",
        target=target,
        changes={"record": record_id, "fields": {name: [v, None] for name, v in values.items()}},
        ip_address=ip_address,
    )


def personal_data_viewed(
    *, actor: User, client: Client, via: str, ip_address: str | None = None
) -> None:
    """Record that `actor` was shown `client`'s personal data unmasked (one row per display)."""
    audit_record(
        actor=actor,
        action="clients.client.personal_data_viewed",
        target=client,
        changes={"via": via},
        ip_address=ip_address,
    )


# Correction requests ------------------------------------------------------------------------


@transaction.atomic
def correction_request_create(
    *,
    actor: User,
    client: Client,
    field: str,
    proposed_value: str,
    current_value: str = "",
    comment: str = "",
    ip_address: str | None = None,
) -> CorrectionRequest:
    """A manager asks the operators to correct a client's personal data."""
    if not has_capability(actor, Capability.REQUEST_CORRECTION):
        raise PermissionDenied(_("Your role may not request corrections."))
    if field not in CorrectionRequest.Field.values:
        raise ValidationError({"field": [_("Choose what is wrong.")]}, code="invalid")
    proposed_value = (proposed_value or "").strip()
    if not proposed_value:
        raise ValidationError({"proposed_value": [_("Enter the correct value.")]}, code="required")
    request = CorrectionRequest.objects.create(
        client=client,
        field=field,
        current_value=(current_value or "")[:255],
        proposed_value=proposed_value[:255],
        comment=(comment or "").strip(),
        requested_by=actor,
    )
    audit_record(
        actor=actor,
        action="clients.correction.requested",
        target=client,
        changes={"request": request.pk, "field": field},
        ip_address=ip_address,
    )
    return request


@transaction.atomic
def correction_request_resolve(
    *,
    actor: User,
    request: CorrectionRequest,
    status: str,
    note: str = "",
    ip_address: str | None = None,
) -> CorrectionRequest:
    """An operator closes a request: done (he corrected the data) or rejected with a note."""
    if not has_capability(actor, Capability.RESOLVE_CORRECTIONS):
        raise PermissionDenied(_("Only operators resolve correction requests."))
    if status not in (CorrectionRequest.Status.DONE, CorrectionRequest.Status.REJECTED):
        raise ValidationError({"status": [_("Choose done or rejected.")]}, code="invalid")
    note = (note or "").strip()
    if status == CorrectionRequest.Status.REJECTED and not note:
        raise ValidationError({"note": [_("Say why the request is rejected.")]}, code="required")
    locked = CorrectionRequest.objects.select_for_update().get(pk=request.pk)
    if locked.status != CorrectionRequest.Status.OPEN:
        raise ValidationError(_("This request has already been resolved."), code="resolved")
    locked.status = status
    locked.resolution_note = note
    locked.resolved_by = actor
    locked.resolved_at = timezone.now()
    locked.save(update_fields=["status", "resolution_note", "resolved_by", "resolved_at"])
    audit_record(
        actor=actor,
        action=f"clients.correction.{status}",
        target=locked.client,
        changes={"request": locked.pk, "note": note},
        ip_address=ip_address,
    )
    return locked


# Data-subject requests ----------------------------------------------------------------------


def _require_data_subject_rights(actor: User) -> None:
    if not has_capability(actor, Capability.HANDLE_DATA_SUBJECT_REQUESTS):
        raise PermissionDenied(_("Only administrators handle data-subject requests."))


def _subject_scope(subject: Client | ContactPerson) -> tuple[Client, dict[str, Any]]:
    """The client and the filter selecting a person's channels and addresses."""
    if isinstance(subject, ContactPerson):
        return subject.client, {"contact": subject}
    if subject.kind != Client.Kind.PERSON:
        raise ValidationError(
            _("A company is not a person: choose one of its contact persons."), code="invalid"
        )
    return subject, {"client": subject}


def _channels(scope: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    return {
        "phones": list(
            Phone.objects.filter(**scope).values(
                "id", "number_raw", "number_e164", "kind", "consent", "consent_at", "consent_source"
            )
        ),
        "emails": list(
            Email.objects.filter(**scope).values(
                "id", "address", "consent", "consent_at", "consent_source"
            )
        ),
        "postal_addresses": list(
            PostalAddress.objects.filter(**scope).values(
                "id", "postcode", "city", "street", "country"
            )
        ),
    }


@transaction.atomic
def person_export(
    *, actor: User, subject: Client | ContactPerson, ip_address: str | None = None
) -> dict[str, Any]:
    """Everything the CRM holds about one person (a contact person or a private client)."""
    _require_data_subject_rights(actor)
    client, scope = _subject_scope(subject)
    from interactions.models import Interaction

    interactions = Interaction.objects.filter(**scope).order_by("id")
    data: dict[str, Any] = {
        "person": (
            {
                "type": "contact_person",
                "id": subject.pk,
                "last_name": subject.last_name,
                "first_name": subject.first_name,
                "middle_name": subject.middle_name,
                "position": subject.position,
                "created_at": subject.created_at,
            }
            if isinstance(subject, ContactPerson)
            else {"type": "client", "id": subject.pk, "name": subject.name}
        ),
        "client": {"id": client.pk, "name": client.name, "kind": client.kind},
        **_channels(scope),
        "interactions": list(
            interactions.values(
                "id", "kind", "occurred_at", "planned_at", "subject", "result", "phone_e164"
            )
        ),
    }
    if isinstance(subject, Client):
        data["deals"] = list(
            subject.deals.values("id", "title", "amount", "currency", "state", "created_at")
        )
    audit_record(
        actor=actor,
        action="clients.person.exported",
        target=client,
        changes={"person": data["person"]["type"], "record": subject.pk},
        ip_address=ip_address,
    )
    return data


def person_export_rows(data: dict[str, Any]) -> list[list[Any]]:
    """The export flattened for CSV: section, record id, field, value."""
    rows: list[list[Any]] = []
    for section, value in data.items():
        records = value if isinstance(value, list) else [value]
        for record in records:
            for name, field_value in record.items():
                rows.append([section, record.get("id", ""), name, field_value])
    return rows


@transaction.atomic
def person_erase(
    *, actor: User, subject: Client | ContactPerson, ip_address: str | None = None
) -> None:
    """Anonymise one person: names become "Erased", phones, e-mails and addresses go.

    Interactions, deals and points stay (with the caller's number blanked), so reports do
    not change.
    """
    _require_data_subject_rights(actor)
    client, scope = _subject_scope(subject)
    from interactions.models import Interaction

    numbers = list(Phone.objects.filter(**scope).values_list("number_e164", flat=True))
    counts = {
        "phones": Phone.objects.filter(**scope).delete()[0],
        "emails": Email.objects.filter(**scope).delete()[0],
        "postal_addresses": PostalAddress.objects.filter(**scope).delete()[0],
    }
    interactions = Interaction.objects.filter(client=client, phone_e164__in=numbers)
    counts["interactions_number_blanked"] = interactions.update(phone_raw="", phone_e164="")
    # Bumped versions: an edit form opened before the erasure cannot write the names back.
    if isinstance(subject, ContactPerson):
        ContactPerson.objects.filter(pk=subject.pk).update(
            last_name=ERASED, first_name="", middle_name="", position="", **bumped(actor=actor)
        )
    else:
        Client.objects.filter(pk=client.pk).update(name=ERASED, **bumped(actor=actor))
        ContactPerson.objects.filter(client=client).update(
            last_name=ERASED, first_name="", middle_name="", position="", **bumped(actor=actor)
        )
    audit_record(
        actor=actor,
        action="clients.person.erased",
        target=client,
        changes={"record": subject.pk, "person": _label(subject), "removed": counts},
        ip_address=ip_address,
    )
