"""Deals, their stages and stage changes, and the supervisor's stage control."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from clients.api.serializers.base import VERSION_HELP, StrictSerializerMixin, expected_version_field
from clients.models import Client, Deal, DealReminder, DealStage, DealStageChange
from clients.services.deals import NOTE_MAX_LENGTH
from crm_project.accounts.models import User


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
