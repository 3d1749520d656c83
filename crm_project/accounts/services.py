"""Writes to users' own settings."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from crm_project.accounts.models import User
from crm_project.core.audit import audit_record, diff, snapshot


@transaction.atomic
def user_set_language(*, actor: User, language: str) -> User:
    """Save the language the user chose for the interface; empty means the browser's."""
    supported = {code for code, _name in settings.LANGUAGES}
    if language and language not in supported:
        raise ValidationError(
            {"language": [_("%(value)s is not a supported language.") % {"value": language}]},
            code="invalid",
        )
    before = snapshot(actor, ["language"])
    actor.language = language
    actor.save(update_fields=["language"])
    changes = diff(before, snapshot(actor, ["language"]))
    if changes:
        audit_record(
            actor=actor, action="accounts.user.language_changed", target=actor, changes=changes
        )
    return actor
