"""Every write to the client base goes through these functions (browser, API, admin, tasks)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from clients.models import Client, ContactPerson, Email, LeadSource, Phone, personal_data_q
from clients.services.points import points_award_primary_contact
from clients.services.versions import bump, check_version
from crm_project.core import phones
from crm_project.core.audit import audit_record, diff, snapshot
from crm_project.core.capabilities import Capability, has_capability

if TYPE_CHECKING:
    from crm_project.accounts.models import User

# Fields a manager or supervisor may change; everything else on a client is personal data.
WORK_FIELDS = ("status", "lead_source")
PERSONAL_FIELDS = ("kind", "name")


@dataclass(frozen=True)
class ContactData:
    last_name: str = ""
    first_name: str = ""
    middle_name: str = ""
    position: str = ""
    phones: list[str] = field(default_factory=list)
    emails: list[str] = field(default_factory=list)


class DuplicateContactError(ValidationError):
    """A phone or e-mail is already in the base; `client` is where it lives."""

    def __init__(self, field_name: str, message: str, client: Client) -> None:
        super().__init__({field_name: [message]}, code="duplicate")
        self.client = client


def normalise_phone(raw: str, *, field_name: str = "phones") -> str:
    try:
        return phones.to_e164(raw)
    except ValidationError as error:
        raise ValidationError({field_name: error.messages}, code="invalid") from error


def normalise_email(raw: str, *, field_name: str = "emails") -> str:
    address = (raw or "").strip().lower()
    try:
        validate_email(address)
    except ValidationError as error:
        raise ValidationError(
            {field_name: [_("%(value)s is not a valid e-mail address.") % {"value": raw}]},
            code="invalid",
        ) from error
    return address


def _check_phone_is_new(e164: str, *, field_name: str) -> None:
    existing = Phone.objects.select_related("client").filter(number_e164=e164).first()
    if existing is not None:
        raise DuplicateContactError(
            field_name,
            _("%(number)s is already in the base: client “%(client)s”.")
            % {"number": phones.format_international(e164), "client": existing.client.name},
            existing.client,
        )


def _check_email_is_new(address: str, *, field_name: str) -> None:
    existing = Email.objects.select_related("client").filter(address__iexact=address).first()
    if existing is not None:
        raise DuplicateContactError(
            field_name,
            _("%(address)s is already in the base: client “%(client)s”.")
            % {"address": address, "client": existing.client.name},
            existing.client,
        )


def _insert_unique(insert: Callable[[], object], *, check: Callable[[], None]) -> None:
    """Check for a duplicate, insert; if a concurrent entry won the race, report it the same way.

    The unique index is the real guard: when two people enter the same number at once the
    second insert fails, and the check, run again, names the client that got it.
    """
    check()
    try:
        with transaction.atomic():
            insert()
    except IntegrityError:
        check()
        raise


def _add_channels(*, client: Client, contact: ContactPerson | None, data: ContactData) -> None:
    seen_phones: set[str] = set()
    for raw in data.phones:
        if not raw.strip():
            continue
        e164 = normalise_phone(raw)
        if e164 in seen_phones:
            continue
        seen_phones.add(e164)
        _insert_unique(
            lambda raw=raw, e164=e164: Phone.objects.create(
                client=client, contact=contact, number_raw=raw.strip(), number_e164=e164
            ),
            check=lambda e164=e164: _check_phone_is_new(e164, field_name="phones"),
        )
    seen_emails: set[str] = set()
    for raw in data.emails:
        if not raw.strip():
            continue
        address = normalise_email(raw)
        if address in seen_emails:
            continue
        seen_emails.add(address)
        _insert_unique(
            lambda address=address: Email.objects.create(
                client=client, contact=contact, address=address
            ),
            check=lambda address=address: _check_email_is_new(address, field_name="emails"),
        )


@transaction.atomic
def client_create(
    *,
    actor: User,
    name: str,
    kind: str = Client.Kind.COMPANY,
    status: str = Client.Status.PROSPECT,
    lead_source: LeadSource | None = None,
    responsible_manager: User | None = None,
    primary_contact: ContactData | None = None,
) -> Client:
    """Enter a new client with its primary contact; `actor` becomes its immutable author.

    A manager who enters a client becomes its responsible manager unless another is given.
    Duplicated phones or e-mails abort the whole entry.
    """
    if not has_capability(actor, Capability.CREATE_CLIENT):
        raise PermissionDenied(_("You may not enter clients."))
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": [_("Enter the client's name.")]}, code="required")
    if kind not in Client.Kind.values:
        raise ValidationError({"kind": [_("Choose a kind of client.")]}, code="invalid")
    if status not in Client.Status.values:
        raise ValidationError({"status": [_("Choose a status.")]}, code="invalid")
    if actor.is_manager and responsible_manager not in (None, actor):
        raise PermissionDenied(
            _("A manager enters clients for himself; a supervisor assigns them.")
        )
    if responsible_manager is None and actor.is_manager:
        responsible_manager = actor
    if responsible_manager is not None and not (
        responsible_manager.is_manager and responsible_manager.is_active
    ):
        raise ValidationError(
            {"responsible_manager": [_("The responsible manager must be an active manager.")]}
        )
    team = responsible_manager.team if responsible_manager else actor.team
    client = Client.objects.create(
        name=name,
        kind=kind,
        status=status,
        lead_source=lead_source,
        responsible_manager=responsible_manager,
        team=team,
        created_by=actor,
        updated_by=actor,
    )
    if primary_contact is not None:
        _contact_create(actor=actor, client=client, data=primary_contact, is_primary=True)
        points_award_primary_contact(actor=actor, client=client)
    audit_record(
        actor=actor,
        action="clients.client.created",
        target=client,
        changes=snapshot(client, ("name", "kind", "status", "lead_source", "responsible_manager")),
    )
    return client


def _contact_create(
    *, actor: User, client: Client, data: ContactData, is_primary: bool
) -> ContactPerson:
    if not (data.last_name.strip() or data.first_name.strip()):
        raise ValidationError(
            {"last_name": [_("Enter the contact person's last or first name.")]}, code="required"
        )
    contact = ContactPerson.objects.create(
        client=client,
        last_name=data.last_name.strip(),
        first_name=data.first_name.strip(),
        middle_name=data.middle_name.strip(),
        position=data.position.strip(),
        is_primary=is_primary,
        created_by=actor,
        updated_by=actor,
    )
    _add_channels(client=client, contact=contact, data=data)
    return contact


@transaction.atomic
def contact_person_create(*, actor: User, client: Client, data: ContactData) -> ContactPerson:
    """Add a contact person (with phones and e-mails) to a client: personal data."""
    _require_personal_data_rights(actor, client)
    is_primary = not client.contacts.filter(is_primary=True).exists()
    contact = _contact_create(actor=actor, client=client, data=data, is_primary=is_primary)
    audit_record(
        actor=actor,
        action="clients.contact.created",
        target=contact,
        changes={
            "client": client.pk,
            "name": contact.full_name,
            "phones": [phones.to_e164(raw) for raw in data.phones if raw.strip()],
            "emails": [raw.strip().lower() for raw in data.emails if raw.strip()],
        },
    )
    return contact


def _require_personal_data_rights(actor: User, client: Client) -> None:
    # Operators own personal data; the manager who enters a brand-new client may add to it
    # only through client_create.
    if not has_capability(actor, Capability.EDIT_PERSONAL_DATA):
        raise PermissionDenied(_("Only operators may change clients' personal data."))


def _require_work_field_rights(actor: User, client: Client) -> None:
    # Managers and supervisors change only the clients whose card they see in full (the one
    # visibility rule): a manager his own, a supervisor his team's. Checked on the locked row.
    if has_capability(actor, Capability.EDIT_PERSONAL_DATA):
        return
    if not Client.objects.filter(personal_data_q(actor), pk=client.pk).exists():
        if actor.is_manager:
            raise PermissionDenied(_("Only the responsible manager may change this client."))
        raise PermissionDenied(_("This client belongs to another team."))


@transaction.atomic
def client_update(
    *, actor: User, client: Client, expected_version: int | None = None, **values: Any
) -> Client:
    """Change a client's fields; personal-data fields only for those allowed to edit them.

    `expected_version` is the version the caller loaded: if the client changed since, nothing
    is saved (RecordChangedError); None applies the change whatever happened meanwhile.
    """
    allowed = (
        set(WORK_FIELDS) if has_capability(actor, Capability.EDIT_CLIENT_WORK_FIELDS) else set()
    )
    if has_capability(actor, Capability.EDIT_PERSONAL_DATA):
        allowed |= set(PERSONAL_FIELDS) | set(WORK_FIELDS)
    refused = set(values) - allowed
    if refused:
        raise PermissionDenied(
            _("You may not change: %(fields)s.") % {"fields": ", ".join(sorted(refused))}
        )
    client = Client.objects.select_for_update().get(pk=client.pk)
    _require_work_field_rights(actor, client)
    check_version(client, expected_version)
    before = snapshot(client, values.keys())
    for name, value in values.items():
        setattr(client, name, value.strip() if isinstance(value, str) else value)
    client.full_clean(exclude=["created_by", "responsible_manager", "team", "lead_source"])
    changes = diff(before, snapshot(client, values.keys()))
    if changes:
        bump(client, actor=actor)
        client.save()
        audit_record(actor=actor, action="clients.client.updated", target=client, changes=changes)
    return client
