"""Clients, their contact persons, phones and e-mails; personal data masked where due."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from clients.api.serializers.base import (
    VERSION_HELP,
    StrictSerializerMixin,
    consent_source_field,
    expected_version_field,
    mask_contact,
)
from clients.models import Client, ContactPerson, Email, LeadSource, Phone
from clients.services import PERSONAL_FIELDS, WORK_FIELDS, ContactData
from crm_project.accounts.models import User


class PhoneSerializer(serializers.ModelSerializer):
    consent_source = consent_source_field()
    number = serializers.CharField(
        source="number_e164",
        read_only=True,
        help_text=_("E.164, e.g. +74951234567; masked (+7 *** ***-45-67) without access."),
    )

    class Meta:
        model = Phone
        fields = ["id", "contact", "number", "kind", "consent", "consent_at", "consent_source"]
        read_only_fields = fields


class EmailSerializer(serializers.ModelSerializer):
    consent_source = consent_source_field()
    address = serializers.CharField(
        read_only=True, help_text=_("Masked (i*****@example.com) without access.")
    )

    class Meta:
        model = Email
        fields = ["id", "contact", "address", "consent", "consent_at", "consent_source"]
        read_only_fields = fields


class ClientContactSerializer(serializers.ModelSerializer):
    """A contact person inside a client; the client carries the phones and e-mails."""

    full_name = serializers.CharField(read_only=True)

    class Meta:
        model = ContactPerson
        fields = [
            "id",
            "last_name",
            "first_name",
            "middle_name",
            "full_name",
            "position",
            "is_primary",
            "version",
        ]
        read_only_fields = fields
        extra_kwargs = {"version": {"help_text": VERSION_HELP}}


class ClientSerializer(serializers.ModelSerializer):
    responsible_manager_name = serializers.CharField(
        source="responsible_manager", read_only=True, default=None, allow_null=True
    )
    lead_source_name = serializers.CharField(
        source="lead_source", read_only=True, default=None, allow_null=True
    )
    has_personal_data_access = serializers.BooleanField(
        read_only=True,
        help_text=_("False: names of contact persons, phones and e-mails below are masked."),
    )
    contacts = ClientContactSerializer(many=True, read_only=True)
    phones = PhoneSerializer(many=True, read_only=True)
    emails = EmailSerializer(many=True, read_only=True)

    class Meta:
        model = Client
        fields = [
            "id",
            "kind",
            "name",
            "status",
            "lead_source",
            "lead_source_name",
            "responsible_manager",
            "responsible_manager_name",
            "team",
            "created_by",
            "created_at",
            "updated_at",
            "version",
            "last_interaction_at",
            "has_personal_data_access",
            "contacts",
            "phones",
            "emails",
        ]
        read_only_fields = fields
        extra_kwargs = {"version": {"help_text": VERSION_HELP}}

    def to_representation(self, instance: Client) -> dict[str, Any]:
        data = super().to_representation(instance)
        if not data["has_personal_data_access"]:
            for contact in data["contacts"]:
                mask_contact(contact)
            mask_contact(data)
        return data


class ContactDataSerializer(serializers.Serializer):
    """A contact person as entered; phones and e-mails are checked by the service."""

    last_name = serializers.CharField(
        label=_("last name"), max_length=100, required=False, allow_blank=True
    )
    first_name = serializers.CharField(
        label=_("first name"), max_length=100, required=False, allow_blank=True
    )
    middle_name = serializers.CharField(
        label=_("middle name"), max_length=100, required=False, allow_blank=True
    )
    position = serializers.CharField(
        label=_("position"), max_length=150, required=False, allow_blank=True
    )
    phones = serializers.ListField(
        label=_("phone numbers"),
        child=serializers.CharField(max_length=50, allow_blank=True),
        required=False,
        help_text=_("In any spelling: +7 495 123-45-67, 8 (495) 1234567, 84951234567 …"),
    )
    emails = serializers.ListField(
        label=_("e-mail addresses"),
        child=serializers.CharField(max_length=254, allow_blank=True),
        required=False,
    )

    def to_contact_data(self, values: dict[str, Any]) -> ContactData:
        return ContactData(
            last_name=values.get("last_name", ""),
            first_name=values.get("first_name", ""),
            middle_name=values.get("middle_name", ""),
            position=values.get("position", ""),
            phones=values.get("phones", []),
            emails=values.get("emails", []),
        )


CONTACT_DATA_FIELDS = tuple(ContactDataSerializer().fields)


class ClientCreateSerializer(StrictSerializerMixin, serializers.Serializer):
    known_fields = ("responsible_manager",)

    kind = serializers.ChoiceField(
        label=_("kind"), choices=Client.Kind.choices, default=Client.Kind.COMPANY
    )
    name = serializers.CharField(label=_("name"), max_length=255)
    status = serializers.ChoiceField(
        label=_("status"), choices=Client.Status.choices, default=Client.Status.PROSPECT
    )
    lead_source = serializers.PrimaryKeyRelatedField(
        label=_("lead source"),
        queryset=LeadSource.objects.filter(is_active=True),
        required=False,
        allow_null=True,
    )
    responsible_manager = serializers.PrimaryKeyRelatedField(
        label=_("responsible manager"),
        queryset=User.objects.active_managers(),
        required=False,
        allow_null=True,
        help_text=_("Not for managers: the manager who enters a client becomes responsible."),
    )
    primary_contact = ContactDataSerializer(label=_("primary contact"))


class ManagerClientCreateSerializer(ClientCreateSerializer):
    """A manager enters clients for himself: no responsible_manager field at all."""

    responsible_manager = None


class ClientWorkFieldsSerializer(StrictSerializerMixin, serializers.Serializer):
    """What a manager or supervisor may change: the work fields, never personal data."""

    known_fields = (*WORK_FIELDS, *PERSONAL_FIELDS)

    status = serializers.ChoiceField(label=_("status"), choices=Client.Status.choices)
    lead_source = serializers.PrimaryKeyRelatedField(
        label=_("lead source"), queryset=LeadSource.objects.filter(is_active=True), allow_null=True
    )
    version = expected_version_field()


class ClientUpdateSerializer(ClientWorkFieldsSerializer):
    """What operators and admins may change: the work fields and the client's own data."""

    kind = serializers.ChoiceField(label=_("kind"), choices=Client.Kind.choices)
    name = serializers.CharField(label=_("name"), max_length=255)


class ContactPersonSerializer(ClientContactSerializer):
    phones = PhoneSerializer(many=True, read_only=True)
    emails = EmailSerializer(many=True, read_only=True)
    has_personal_data_access = serializers.BooleanField(read_only=True)

    class Meta(ClientContactSerializer.Meta):
        fields = [
            "id",
            "client",
            *ClientContactSerializer.Meta.fields[1:],
            "created_at",
            "has_personal_data_access",
            "phones",
            "emails",
        ]
        read_only_fields = fields

    def to_representation(self, instance: ContactPerson) -> dict[str, Any]:
        data = super().to_representation(instance)
        return data if data["has_personal_data_access"] else mask_contact(data)


class ContactPersonCreateSerializer(ContactDataSerializer):
    client = serializers.PrimaryKeyRelatedField(
        label=_("client"),
        queryset=Client.objects.none(),
        error_messages={"does_not_exist": _("No client with id {pk_value}.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["client"].queryset = Client.objects.visible_to(request.user)
