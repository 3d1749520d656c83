"""Correction requests: a manager asks, an operator resolves."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from clients.api.serializers.base import StrictSerializerMixin
from clients.models import Client, CorrectionRequest


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
