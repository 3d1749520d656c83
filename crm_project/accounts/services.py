"""Writes to users' own settings and API tokens."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

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


@transaction.atomic
def api_token_rotate(*, actor: User, user: User, ip_address: str | None = None) -> Token:
    """Give `user` a new API token; the old one, if any, stops working at once.

    The audit entry names the user, never the key (a Token's primary key is the key itself).
    """
    deleted, _detail = Token.objects.filter(user=user).delete()
    token = Token.objects.create(user=user)
    audit_record(
        actor=actor,
        action="accounts.api_token.rotated" if deleted else "accounts.api_token.created",
        target=user,
        ip_address=ip_address,
    )
    return token


@transaction.atomic
def api_token_revoke(*, actor: User, user: User, ip_address: str | None = None) -> bool:
    """Delete `user`'s API token; False (and no audit entry) when there was none."""
    deleted, _detail = Token.objects.filter(user=user).delete()
    if deleted:
        audit_record(
            actor=actor, action="accounts.api_token.revoked", target=user, ip_address=ip_address
        )
    return bool(deleted)
