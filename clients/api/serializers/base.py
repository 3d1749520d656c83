"""What the client base's serializers share: masking, versions, strict input."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from clients.models import ConsentSource
from crm_project.core import phones
from crm_project.core.phones import mask_name

CONTACT_NAME_FIELDS = ("last_name", "first_name", "middle_name", "full_name")


def mask_contact(data: dict[str, Any]) -> dict[str, Any]:
    for name in CONTACT_NAME_FIELDS:
        if name in data:
            data[name] = mask_name(data[name])
    for phone in data.get("phones", []):
        phone["number"] = phones.mask(phone["number"])
    for email in data.get("emails", []):
        email["address"] = phones.mask_email(email["address"])
    return data


def expected_version_field() -> serializers.IntegerField:
    return serializers.IntegerField(
        label=_("version"),
        min_value=1,
        max_value=2**31 - 1,
        required=False,
        write_only=True,
        help_text=_(
            "The version you read (its `version` field). If the record was changed since, "
            "nothing is saved and the answer is 409 with the error code conflict: read it again "
            "and send its current version. Omitted: no check, the last write wins (kept for "
            "older integrations; send it)."
        ),
    )


VERSION_HELP = _(
    "Goes up by one with every change. Send it back with a change: if someone else changed the "
    "record meanwhile, yours is refused with 409 instead of overwriting theirs."
)


def consent_source_field() -> serializers.ChoiceField:
    # Blank until consent is given; the model field's enum alone would refuse "".
    return serializers.ChoiceField(choices=ConsentSource.choices, allow_blank=True, read_only=True)


class StrictSerializerMixin:
    """Refuses fields the serializer does not take, instead of silently ignoring them."""

    refused_message = _("Your role may not set this field.")
    unknown_message = _("Unknown field.")
    known_fields: tuple[str, ...] = ()

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        extra = sorted(set(self.initial_data) - set(self.fields))  # type: ignore[attr-defined]
        if extra:
            raise serializers.ValidationError({name: [self._message_for(name)] for name in extra})
        return super().validate(attrs)  # type: ignore[misc]

    def _message_for(self, name: str) -> str:
        return self.refused_message if name in self.known_fields else self.unknown_message
