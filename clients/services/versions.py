"""Optimistic locking of clients, contact persons and deals.

Each of them carries a `version` that every change made through clients.services bumps (and
`updated_by`, who made it). An edit form, or an API client, sends back the version it was
loaded with; the service compares it with the locked row and refuses a stale edit with
RecordChangedError (a ConflictError, 409 in the API) instead of silently overwriting the other
person's change.

Columns the system keeps up to date by itself (a client's last contact, a deal's overdue-report
mark) do not change the version: no form edits them, so they cannot be lost by one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models import F
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from clients.models import Client, ContactPerson, Deal
from crm_project.core.exceptions import ConflictError

if TYPE_CHECKING:
    from crm_project.accounts.models import User

VERSIONED_MODELS: tuple[type[models.Model], ...] = (Client, ContactPerson, Deal)


class RecordChangedError(ConflictError):
    """The record was changed by someone else since the caller loaded it; nothing was saved.

    `str()` is the API's message; `form_message` is the edit page's, which invites the user to
    review the current values shown next to his own input.
    """

    def __init__(self, record: models.Model) -> None:
        self.record = record
        who, when = changed_by_and_at(record)
        super().__init__(
            _(
                "Someone else changed this record (%(who)s, %(when)s); nothing was saved. "
                "Read it again and send its current version."
            )
            % {"who": who, "when": when}
        )

    @property
    def form_message(self) -> str:
        return conflict_form_message(self.record)


def is_versioned(model: type[models.Model]) -> bool:
    return issubclass(model, VERSIONED_MODELS)


def changed_by_and_at(record: models.Model) -> tuple[str, str]:
    """Who made the record's latest change and when, as shown to the reader."""
    user = getattr(record, "updated_by", None)
    who = str(user) if user is not None else ""
    changed_at = getattr(record, "updated_at", None)
    when = (
        formats.date_format(timezone.localtime(changed_at), "SHORT_DATETIME_FORMAT")
        if changed_at
        else ""
    )
    return who or _("someone else"), when


def conflict_form_message(record: models.Model) -> str:
    who, when = changed_by_and_at(record)
    values = {"who": who, "when": when}
    if isinstance(record, Deal):
        message = _(
            "This deal was changed by %(who)s at %(when)s while you were editing. Your changes "
            "were not saved: review the current values below and save again."
        )
    elif isinstance(record, ContactPerson):
        message = _(
            "This contact person was changed by %(who)s at %(when)s while you were editing. "
            "Your changes were not saved: review the current values below and save again."
        )
    else:
        message = _(
            "This client was changed by %(who)s at %(when)s while you were editing. Your "
            "changes were not saved: review the current values below and save again."
        )
    return message % values


def missing_version_message() -> str:
    """For an edit form that came back without its version (a page from before an update)."""
    return _(
        "Nothing was saved: this page did not say which version of the record it showed. "
        "Review the current values below and save again."
    )


def check_version(record: models.Model, expected_version: int | None) -> None:
    """Refuse the edit if `record` (freshly read, locked) is no longer at `expected_version`.

    None means the caller did not say which version it saw (an older API integration): the
    edit is applied, last write wins.
    """
    if expected_version is not None and record.version != expected_version:  # type: ignore[attr-defined]
        raise RecordChangedError(record)


def bump(record: models.Model, *, actor: User | None) -> list[str]:
    """Mark a locked record as changed by `actor`; returns the fields to add to update_fields."""
    record.version += 1  # type: ignore[attr-defined]
    record.updated_by = actor if getattr(actor, "is_authenticated", False) else None  # type: ignore[attr-defined]
    return ["version", "updated_by", "updated_at"]


def bumped(*, actor: User | None) -> dict[str, Any]:
    """The values that mark rows changed by a queryset `update()` (which skips auto_now)."""
    return {
        "version": F("version") + 1,
        "updated_by": actor if getattr(actor, "is_authenticated", False) else None,
        "updated_at": timezone.now(),
    }
