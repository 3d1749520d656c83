"""/api/v1/segments/ and /api/v1/campaigns/."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from clients.api.serializers import (
    CampaignCreateSerializer,
    CampaignRecipientSerializer,
    CampaignSerializer,
    SegmentCreateSerializer,
    SegmentReportSerializer,
    SegmentSerializer,
)
from clients.api.views.base import service_errors
from clients.models import Campaign, Segment
from clients.services import (
    campaign_create,
    campaign_start,
    segment_create,
    segment_reach,
    segment_unreached_by_manager,
)
from crm_project.core.api.viewsets import ApiViewSetMixin
from crm_project.core.audit import request_ip
from crm_project.core.capabilities import Capability


@extend_schema_view(
    create=extend_schema(
        request=SegmentCreateSerializer,
        responses={201: SegmentSerializer},
        description=gettext_lazy(
            "A segment selects among the clients the author sees in full: a manager's own, a "
            "supervisor's team's."
        ),
    ),
    report=extend_schema(
        responses=SegmentReportSerializer,
        summary=gettext_lazy("Reach (consented only) and the unreached clients per manager"),
    ),
)
class SegmentViewSet(
    ApiViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    filter_backends: list = []
    required_capabilities = {"default": Capability.BUILD_SEGMENTS}

    def get_queryset(self) -> models.QuerySet[Segment]:
        if getattr(self, "swagger_fake_view", False):
            return Segment.objects.none()
        return Segment.objects.visible_to(self.request.user)

    def get_serializer_class(self) -> type[BaseSerializer]:
        return {
            "create": SegmentCreateSerializer,
            "report": SegmentReportSerializer,
        }.get(self.action, SegmentSerializer)

    def create(self, request: Request) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors(request):
            segment = segment_create(actor=request.user, **serializer.validated_data)
        return Response(SegmentSerializer(segment).data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["get"])
    def report(self, request: Request, pk: str | None = None) -> Response:
        segment = self.get_object()
        reach = segment_reach(segment)
        body = {
            "reach": {"clients": reach.clients, "emails": reach.emails, "phones": reach.phones},
            "unreached_by_manager": segment_unreached_by_manager(segment),
        }
        return Response(SegmentReportSerializer(body).data)


@extend_schema_view(
    create=extend_schema(
        request=CampaignCreateSerializer,
        responses={201: CampaignSerializer},
        description=gettext_lazy("A draft; POST …/send/ starts sending to consented addresses."),
    ),
    send=extend_schema(
        request=None,
        responses=CampaignSerializer,
        summary=gettext_lazy("Start sending the campaign"),
    ),
    recipients=extend_schema(
        responses=CampaignRecipientSerializer(many=True),
        summary=gettext_lazy("Delivery status per recipient"),
    ),
)
class CampaignViewSet(
    ApiViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    filter_backends: list = []
    required_capabilities = {"default": Capability.BUILD_SEGMENTS}

    def get_queryset(self) -> models.QuerySet[Campaign]:
        if getattr(self, "swagger_fake_view", False):
            return Campaign.objects.none()
        return Campaign.objects.visible_to(self.request.user)

    def get_serializer_class(self) -> type[BaseSerializer]:
        return {
            "create": CampaignCreateSerializer,
            "recipients": CampaignRecipientSerializer,
        }.get(self.action, CampaignSerializer)

    def create(self, request: Request) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors(request):
            campaign = campaign_create(
                actor=request.user, ip_address=request_ip(request), **serializer.validated_data
            )
        return Response(CampaignSerializer(campaign).data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def send(self, request: Request, pk: str | None = None) -> Response:
        campaign = self.get_object()
        with service_errors(request):
            campaign = campaign_start(
                actor=request.user, campaign=campaign, ip_address=request_ip(request)
            )
        return Response(CampaignSerializer(campaign).data)

    @action(detail=True, methods=["get"])
    def recipients(self, request: Request, pk: str | None = None) -> Response:
        campaign = self.get_object()
        page = self.paginate_queryset(campaign.recipients.all())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)
