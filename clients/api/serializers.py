"""API representations of the client base; personal data masked where the reader may not see it.

Reads are masked per row from the `has_personal_data_access` annotation set by
`Client.objects.with_personal_data_access(user)`, so a list needs no query per row. Writes are
parsed here and carried out by clients.services.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from clients.models import (
    Campaign,
    CampaignRecipient,
    Client,
    ClientTransfer,
    ConsentSource,
    ContactPerson,
    CorrectionRequest,
    Deal,
    DealReminder,
    DealStage,
    DealStageChange,
    Email,
    LeadSource,
    Phone,
    PointsEntry,
    Segment,
    TransferRule,
)
from clients.services import PERSONAL_FIELDS, WORK_FIELDS, ContactData
from clients.services.deals import NOTE_MAX_LENGTH
from crm_project.accounts.models import User
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


# Deals, transfers, eligibility, points ---------------------------------------------------------


class DealStageSerializer(serializers.ModelSerializer):
    # `name` stays the default language's, for integrations; this one follows Accept-Language.
    localized_name = serializers.CharField(read_only=True)

    class Meta:
        model = DealStage
        fields = [
            "id",
            "code",
            "name",
            "localized_name",
            "position",
            "standard_days",
            "is_won",
            "is_lost",
        ]
        read_only_fields = fields


class DealSerializer(serializers.ModelSerializer):
    client_name = serializers.CharField(source="client.name", read_only=True)
    manager_name = serializers.CharField(source="manager", read_only=True)
    stage_name = serializers.CharField(source="stage.localized_name", read_only=True)
    is_overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = Deal
        fields = [
            "id",
            "client",
            "client_name",
            "manager",
            "manager_name",
            "title",
            "amount",
            "currency",
            "stage",
            "stage_name",
            "state",
            "expected_close_date",
            "close_reason",
            "closed_at",
            "stage_entered_at",
            "stage_due_at",
            "is_overdue",
            "created_by",
            "created_at",
            "updated_at",
            "version",
        ]
        read_only_fields = fields
        extra_kwargs = {"version": {"help_text": VERSION_HELP}}


class DealUpdateSerializer(StrictSerializerMixin, serializers.Serializer):
    """What the deal's manager (or his supervisor) may change on an open deal."""

    known_fields = ("manager", "stage", "client", "state")

    title = serializers.CharField(label=_("title"), max_length=255)
    amount = serializers.DecimalField(
        label=_("amount"), max_digits=14, decimal_places=2, min_value=0
    )
    currency = serializers.ChoiceField(label=_("currency"), choices=Deal.Currency.choices)
    expected_close_date = serializers.DateField(label=_("expected close date"), allow_null=True)
    version = expected_version_field()


class DealCreateSerializer(DealUpdateSerializer):
    known_fields = ("stage", "state")

    version = None  # a new deal has none to check

    client = serializers.PrimaryKeyRelatedField(
        label=_("client"),
        queryset=Client.objects.none(),
        error_messages={"does_not_exist": _("No client with id {pk_value}.")},
    )
    manager = serializers.PrimaryKeyRelatedField(
        label=_("manager"),
        queryset=User.objects.active_managers(),
        required=False,
        allow_null=True,
        help_text=_(
            "Supervisors and admins: the manager of the deal (default: the client's "
            "responsible manager). A manager's deals are always his own."
        ),
    )
    currency = serializers.ChoiceField(
        label=_("currency"), choices=Deal.Currency.choices, default=Deal.Currency.RUB
    )
    expected_close_date = serializers.DateField(
        label=_("expected close date"), allow_null=True, required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["client"].queryset = Client.objects.visible_to(request.user)


class DealStageMoveSerializer(serializers.Serializer):
    stage = serializers.PrimaryKeyRelatedField(
        label=_("stage"), queryset=DealStage.objects.active()
    )
    reason = serializers.CharField(
        label=_("reason"),
        required=False,
        allow_blank=True,
        help_text=_("Why the deal was won or lost; required for lost."),
    )
    comment = serializers.CharField(label=_("comment"), required=False, allow_blank=True)
    version = expected_version_field()


class DealRemindSerializer(StrictSerializerMixin, serializers.Serializer):
    message = serializers.CharField(
        label=_("message"),
        required=False,
        allow_blank=True,
        max_length=NOTE_MAX_LENGTH,
        help_text=_("A word to the manager, sent with the reminder."),
    )


class DealReminderSerializer(serializers.ModelSerializer):
    class Meta:
        model = DealReminder
        fields = ["id", "deal", "manager", "sent_by", "message", "created_at", "sent_at"]
        read_only_fields = fields
        extra_kwargs = {"sent_at": {"help_text": _("Empty until the e-mail has gone out.")}}


class DealReassignSerializer(StrictSerializerMixin, serializers.Serializer):
    manager = serializers.PrimaryKeyRelatedField(
        label=_("to manager"),
        queryset=User.objects.active_managers(),
        error_messages={"does_not_exist": _("No active manager with id {pk_value}.")},
    )
    reason = serializers.CharField(
        label=_("reason"), required=False, allow_blank=True, max_length=NOTE_MAX_LENGTH
    )


class DealStageChangeSerializer(serializers.ModelSerializer):
    from_stage_name = serializers.CharField(
        source="from_stage.localized_name", read_only=True, default=None, allow_null=True
    )
    to_stage_name = serializers.CharField(source="to_stage.localized_name", read_only=True)
    changed_by_name = serializers.CharField(source="changed_by", read_only=True)

    class Meta:
        model = DealStageChange
        fields = [
            "id",
            "deal",
            "from_stage",
            "from_stage_name",
            "to_stage",
            "to_stage_name",
            "changed_by",
            "changed_by_name",
            "changed_at",
            "is_out_of_order",
            "comment",
        ]
        read_only_fields = fields


class ClientTransferSerializer(serializers.ModelSerializer):
    client_name = serializers.CharField(source="client.name", read_only=True)

    class Meta:
        model = ClientTransfer
        fields = [
            "id",
            "client",
            "client_name",
            "from_manager",
            "to_manager",
            "rule",
            "reason",
            "deals_left",
            "transferred_by",
            "created_at",
        ]
        read_only_fields = fields


class ClientTransferCreateSerializer(serializers.Serializer):
    client = serializers.PrimaryKeyRelatedField(
        label=_("client"),
        queryset=Client.objects.none(),
        error_messages={"does_not_exist": _("No client with id {pk_value}.")},
    )
    to_manager = serializers.PrimaryKeyRelatedField(
        label=_("to manager"), queryset=User.objects.all()
    )
    rule = serializers.PrimaryKeyRelatedField(
        label=_("rule"), queryset=TransferRule.objects.all(), required=False, allow_null=True
    )
    reason = serializers.CharField(label=_("reason"))
    deals_left = serializers.PrimaryKeyRelatedField(
        label=_("open deals left to the previous manager"),
        queryset=Deal.objects.all(),
        many=True,
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["client"].queryset = Client.objects.visible_to(request.user)


class ClientTransferBulkSerializer(serializers.Serializer):
    from_manager = serializers.PrimaryKeyRelatedField(
        label=_("leaving manager"), queryset=User.objects.filter(role=User.Role.MANAGER)
    )
    to_manager = serializers.PrimaryKeyRelatedField(
        label=_("to manager"), queryset=User.objects.all()
    )
    rule = serializers.PrimaryKeyRelatedField(
        label=_("rule"), queryset=TransferRule.objects.all(), required=False, allow_null=True
    )
    reason = serializers.CharField(label=_("reason"))


class TransferReasonSerializer(serializers.Serializer):
    rule = serializers.IntegerField(source="rule.pk")
    kind = serializers.CharField(source="rule.kind")
    is_due = serializers.BooleanField(
        help_text=_("False: not yet eligible; the manager is being warned.")
    )
    text = serializers.CharField()


class TransferEligibilitySerializer(serializers.ModelSerializer):
    responsible_manager_name = serializers.CharField(
        source="responsible_manager", read_only=True, default=None, allow_null=True
    )
    reasons = TransferReasonSerializer(source="transfer_reasons", many=True, read_only=True)

    class Meta:
        model = Client
        fields = ["id", "name", "responsible_manager", "responsible_manager_name", "reasons"]
        read_only_fields = fields


class PointsEntrySerializer(serializers.ModelSerializer):
    user_name = serializers.CharField(source="user", read_only=True)
    client_name = serializers.CharField(source="client.name", read_only=True)

    class Meta:
        model = PointsEntry
        fields = [
            "id",
            "user",
            "user_name",
            "points",
            "reason",
            "client",
            "client_name",
            "deal",
            "created_at",
        ]
        read_only_fields = fields


# Correction requests, segments, campaigns -----------------------------------------------------


class CorrectionRequestSerializer(serializers.ModelSerializer):
    client_name = serializers.CharField(source="client.name", read_only=True)

    class Meta:
        model = CorrectionRequest
        fields = [
            "id",
            "client",
            "client_name",
            "field",
            "current_value",
            "proposed_value",
            "comment",
            "status",
            "requested_by",
            "created_at",
            "resolved_by",
            "resolved_at",
            "resolution_note",
        ]
        read_only_fields = fields


class CorrectionRequestCreateSerializer(StrictSerializerMixin, serializers.Serializer):
    client = serializers.PrimaryKeyRelatedField(
        label=_("client"),
        queryset=Client.objects.none(),
        error_messages={"does_not_exist": _("No client with id {pk_value}.")},
    )
    field = serializers.ChoiceField(
        label=_("what is wrong"), choices=CorrectionRequest.Field.choices
    )
    current_value = serializers.CharField(
        label=_("current value"), max_length=255, required=False, allow_blank=True
    )
    proposed_value = serializers.CharField(label=_("proposed value"), max_length=255)
    comment = serializers.CharField(label=_("comment"), required=False, allow_blank=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["client"].queryset = Client.objects.visible_to(request.user)


class CorrectionResolveSerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        label=_("decision"),
        choices=CorrectionRequest.Status.choices,
        help_text=_("done or rejected."),
    )
    note = serializers.CharField(
        label=_("note"), required=False, allow_blank=True, help_text=_("Required to reject.")
    )


class SegmentSerializer(serializers.ModelSerializer):
    # Blank when the segment takes any status; the model field's enum alone would refuse "".
    status = serializers.ChoiceField(
        choices=Client.Status.choices, allow_blank=True, read_only=True
    )

    class Meta:
        model = Segment
        fields = [
            "id",
            "name",
            "created_by",
            "team",
            "created_at",
            "manager",
            "status",
            "lead_source",
            "no_contact_days",
            "has_bought",
        ]
        read_only_fields = fields


class SegmentCreateSerializer(StrictSerializerMixin, serializers.Serializer):
    name = serializers.CharField(label=_("name"), max_length=150)
    manager = serializers.PrimaryKeyRelatedField(
        label=_("responsible manager"),
        queryset=User.objects.active_managers(),
        required=False,
        allow_null=True,
    )
    status = serializers.ChoiceField(
        label=_("client status"), choices=Client.Status.choices, required=False, allow_blank=True
    )
    lead_source = serializers.PrimaryKeyRelatedField(
        label=_("lead source"), queryset=LeadSource.objects.all(), required=False, allow_null=True
    )
    no_contact_days = serializers.IntegerField(
        label=_("last contact more than N days ago"), min_value=0, required=False, allow_null=True
    )
    has_bought = serializers.BooleanField(
        label=_("has bought"), required=False, allow_null=True, default=None
    )


class SegmentReachSerializer(serializers.Serializer):
    clients = serializers.IntegerField()
    emails = serializers.IntegerField(help_text=_("Consented e-mail addresses."))
    phones = serializers.IntegerField(help_text=_("Consented phone numbers."))


class UnreachedSerializer(serializers.Serializer):
    manager_id = serializers.IntegerField(allow_null=True)
    manager = serializers.CharField()
    clients = serializers.IntegerField()
    unreached = serializers.IntegerField()
    no_email = serializers.IntegerField()
    no_consent = serializers.IntegerField()
    no_phone = serializers.IntegerField()


class SegmentReportSerializer(serializers.Serializer):
    reach = SegmentReachSerializer()
    unreached_by_manager = UnreachedSerializer(many=True)


class CampaignSerializer(serializers.ModelSerializer):
    class Meta:
        model = Campaign
        fields = [
            "id",
            "segment",
            "subject",
            "body",
            "status",
            "created_by",
            "created_at",
            "started_at",
            "finished_at",
        ]
        read_only_fields = fields


class CampaignCreateSerializer(StrictSerializerMixin, serializers.Serializer):
    segment = serializers.PrimaryKeyRelatedField(
        label=_("segment"), queryset=Segment.objects.none()
    )
    subject = serializers.CharField(label=_("subject"), max_length=200)
    body = serializers.CharField(label=_("text"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["segment"].queryset = Segment.objects.visible_to(request.user)


class CampaignRecipientSerializer(serializers.ModelSerializer):
    class Meta:
        model = CampaignRecipient
        fields = ["id", "address", "client", "status", "sent_at", "error"]
        read_only_fields = fields
