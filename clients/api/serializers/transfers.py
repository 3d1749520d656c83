"""Client transfers, the clients a rule makes eligible, and points."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from clients.models import Client, ClientTransfer, Deal, PointsEntry, TransferRule
from crm_project.accounts.models import User


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
