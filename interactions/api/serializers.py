"""API representations of the journal; writes are parsed here and done by interactions.services."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from clients.models import Client, ContactPerson
from crm_project.core import phones
from crm_project.core.phones import mask_name
from interactions.models import Direction, Interaction, InteractionStatus, Kind


class InteractionStatusSerializer(serializers.ModelSerializer):
    # `name` stays the default language's, for integrations; this one follows Accept-Language.
    localized_name = serializers.CharField(read_only=True)

    class Meta:
        model = InteractionStatus
        fields = [
            "id",
            "kind",
            "code",
            "name",
            "localized_name",
            "position",
            "is_final",
            "requires_result",
            "is_excluded_from_counts",
        ]
        read_only_fields = fields


class InteractionSerializer(serializers.ModelSerializer):
    direction = serializers.ChoiceField(choices=Direction.choices, read_only=True, allow_null=True)
    client_name = serializers.CharField(
        source="client.name", read_only=True, default=None, allow_null=True
    )
    contact_name = serializers.CharField(
        source="contact.full_name", read_only=True, default=None, allow_null=True
    )
    phone = serializers.CharField(
        source="phone_e164",
        read_only=True,
        help_text=_("The caller's number in E.164; masked without access to the client's data."),
    )
    manager_name = serializers.CharField(
        source="manager", read_only=True, default=None, allow_null=True
    )
    status_code = serializers.CharField(
        source="status.code", read_only=True, default=None, allow_null=True
    )
    status_name = serializers.CharField(
        source="status.localized_name", read_only=True, default=None, allow_null=True
    )
    is_overdue = serializers.BooleanField(read_only=True)
    has_personal_data_access = serializers.BooleanField(
        read_only=True, help_text=_("False: contact_name and phone are masked.")
    )

    class Meta:
        model = Interaction
        fields = [
            "id",
            "kind",
            "direction",
            "client",
            "client_name",
            "contact",
            "contact_name",
            "phone",
            "manager",
            "manager_name",
            "team",
            "planned_at",
            "occurred_at",
            "duration_seconds",
            "subject",
            "result",
            "status",
            "status_code",
            "status_name",
            "status_changed_at",
            "source",
            "is_overdue",
            "has_personal_data_access",
            "created_by",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def to_representation(self, instance: Interaction) -> dict[str, Any]:
        data = super().to_representation(instance)
        if not data["has_personal_data_access"]:
            data["phone"] = phones.mask(data["phone"])
            if data["contact_name"]:
                data["contact_name"] = mask_name(data["contact_name"])
        return data


class StatusChoiceSerializer(serializers.Serializer):
    """Takes the status by `status` (id) or by `status_code` (unique within the kind)."""

    status = serializers.PrimaryKeyRelatedField(
        label=_("status"),
        queryset=InteractionStatus.objects.all(),
        required=False,
        allow_null=True,
    )
    status_code = serializers.CharField(
        label=_("status code"), max_length=50, required=False, allow_blank=True
    )

    def resolve_status(self, attrs: dict[str, Any], kind: str) -> dict[str, Any]:
        code = attrs.pop("status_code", "")
        if not code:
            return attrs
        if attrs.get("status") is not None:
            raise serializers.ValidationError(
                {"status_code": [_("Give the status or its code, not both.")]}
            )
        status = InteractionStatus.objects.filter(kind=kind, code=code).first()
        if status is None:
            raise serializers.ValidationError(
                {"status_code": [_("There is no status with this code for this kind.")]}
            )
        attrs["status"] = status
        return attrs


class InteractionCreateSerializer(StatusChoiceSerializer):
    kind = serializers.ChoiceField(label=_("kind"), choices=Kind.choices)
    client = serializers.PrimaryKeyRelatedField(
        label=_("client"),
        queryset=Client.objects.none(),
        required=False,
        allow_null=True,
        error_messages={"does_not_exist": _("No client with id {pk_value}.")},
        help_text=_("Empty only for an unknown caller; then give the phone."),
    )
    contact = serializers.PrimaryKeyRelatedField(
        label=_("contact person"),
        queryset=ContactPerson.objects.none(),
        required=False,
        allow_null=True,
        error_messages={"does_not_exist": _("No contact person with id {pk_value}.")},
    )
    occurred_at = serializers.DateTimeField(
        label=_("took place at"), required=False, allow_null=True
    )
    planned_at = serializers.DateTimeField(label=_("planned for"), required=False, allow_null=True)
    duration_seconds = serializers.IntegerField(
        label=_("duration, seconds"), min_value=0, required=False, allow_null=True
    )
    subject = serializers.CharField(
        label=_("subject"), max_length=255, required=False, allow_blank=True
    )
    result = serializers.CharField(label=_("result"), required=False, allow_blank=True)
    phone = serializers.CharField(
        label=_("phone number"), max_length=50, required=False, allow_blank=True
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            clients = Client.objects.visible_to(request.user)
            self.fields["client"].queryset = clients
            self.fields["contact"].queryset = ContactPerson.objects.filter(client__in=clients)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        return self.resolve_status(attrs, attrs["kind"])


class InteractionStatusChangeSerializer(StatusChoiceSerializer):
    result = serializers.CharField(
        label=_("result"),
        required=False,
        allow_blank=True,
        help_text=_("Omitted: the result stays as it is."),
    )
    expected_status = serializers.IntegerField(
        label=_("expected status"),
        required=False,
        allow_null=True,
        help_text=_(
            "The status id the user saw (null: none). If it changed meanwhile, nothing is "
            "saved and the answer is 409. Omitted: no check."
        ),
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = self.resolve_status(attrs, self.context["interaction"].kind)
        if attrs.get("status") is None:
            raise serializers.ValidationError({"status": [_("Choose the status.")]})
        return attrs


class InboxCallSerializer(InteractionSerializer):
    """A call of the inbox: the journal row and how often the number called before."""

    previous_calls = serializers.IntegerField(
        read_only=True, help_text=_("Incoming calls from the same number before this one.")
    )
    is_new_caller = serializers.SerializerMethodField(
        help_text=_("True: the number belongs to no client of the base.")
    )

    class Meta(InteractionSerializer.Meta):
        fields = [*InteractionSerializer.Meta.fields, "previous_calls", "is_new_caller"]
        read_only_fields = fields

    def get_is_new_caller(self, instance: Interaction) -> bool:
        return instance.client_id is None


class TaskPlanSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(
        label=_("kind"),
        choices=[
            (Kind.OUTGOING_CALL, Kind.OUTGOING_CALL.label),
            (Kind.MEETING, Kind.MEETING.label),
        ],
    )
    planned_at = serializers.DateTimeField(label=_("planned for"))
    client = serializers.PrimaryKeyRelatedField(
        label=_("client"),
        queryset=Client.objects.none(),
        required=False,
        allow_null=True,
        error_messages={"does_not_exist": _("No client with id {pk_value}.")},
    )
    contact = serializers.PrimaryKeyRelatedField(
        label=_("contact person"),
        queryset=ContactPerson.objects.none(),
        required=False,
        allow_null=True,
        error_messages={"does_not_exist": _("No contact person with id {pk_value}.")},
        help_text=_("Required for a meeting."),
    )
    subject = serializers.CharField(
        label=_("subject"),
        max_length=255,
        required=False,
        allow_blank=True,
        help_text=_("Required for a meeting."),
    )
    phone = serializers.CharField(
        label=_("phone number"),
        max_length=50,
        required=False,
        allow_blank=True,
        help_text=_("A call to a number not in the base yet."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            clients = Client.objects.visible_to(request.user)
            self.fields["client"].queryset = clients
            self.fields["contact"].queryset = ContactPerson.objects.filter(client__in=clients)


class TaskCompleteSerializer(StatusChoiceSerializer):
    status = serializers.PrimaryKeyRelatedField(
        label=_("status"),
        queryset=InteractionStatus.objects.all(),
        required=False,
        allow_null=True,
        help_text=_("How it ended: e.g. held / not held for a meeting, completed / no answer."),
    )
    result = serializers.CharField(
        label=_("result"),
        required=False,
        allow_blank=True,
        help_text=_("Required for a held or not held meeting and a completed call."),
    )
    occurred_at = serializers.DateTimeField(
        label=_("took place at"),
        required=False,
        allow_null=True,
        help_text=_("Omitted: now."),
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = self.resolve_status(attrs, self.context["interaction"].kind)
        if attrs.get("status") is None:
            raise serializers.ValidationError({"status": [_("Choose the status.")]})
        return attrs


class TaskRescheduleSerializer(serializers.Serializer):
    planned_at = serializers.DateTimeField(label=_("planned for"), help_text=_("In the future."))
