"""Mailing segments, their reach, and campaigns."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from clients.api.serializers.base import StrictSerializerMixin
from clients.models import Campaign, CampaignRecipient, Client, LeadSource, Segment
from crm_project.accounts.models import User


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
