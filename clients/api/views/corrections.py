"""/api/v1/correction-requests/: a manager asks, an operator resolves."""

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
    CorrectionRequestCreateSerializer,
    CorrectionRequestSerializer,
    CorrectionResolveSerializer,
)
from clients.api.views.base import service_errors
from clients.filters import CorrectionRequestFilter
from clients.models import CorrectionRequest
from clients.services import correction_request_create, correction_request_resolve
from crm_project.core.api.viewsets import ApiViewSetMixin
from crm_project.core.audit import request_ip
from crm_project.core.capabilities import Capability


@extend_schema_view(
    create=extend_schema(
        request=CorrectionRequestCreateSerializer,
        responses={201: CorrectionRequestSerializer},
        description=gettext_lazy(
            "A manager asks the operators to correct a client's personal data; he sees his own "
            "requests, operators the whole queue."
        ),
    ),
    resolve=extend_schema(
        request=CorrectionResolveSerializer,
        responses=CorrectionRequestSerializer,
        summary=gettext_lazy("Resolve a correction request (operators)"),
    ),
)
class CorrectionRequestViewSet(
    ApiViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    filterset_class = CorrectionRequestFilter
    required_capabilities = {
        "default": Capability.VIEW_CLIENT_BASE,
        "create": Capability.REQUEST_CORRECTION,
        "resolve": Capability.RESOLVE_CORRECTIONS,
    }

    def get_queryset(self) -> models.QuerySet[CorrectionRequest]:
        if getattr(self, "swagger_fake_view", False):
            return CorrectionRequest.objects.none()
        return CorrectionRequest.objects.visible_to(self.request.user).select_related("client")

    def get_serializer_class(self) -> type[BaseSerializer]:
        return {
            "create": CorrectionRequestCreateSerializer,
            "resolve": CorrectionResolveSerializer,
        }.get(self.action, CorrectionRequestSerializer)

    def create(self, request: Request) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors(request):
            correction = correction_request_create(
                actor=request.user, ip_address=request_ip(request), **serializer.validated_data
            )
        body = CorrectionRequestSerializer(correction).data
        return Response(body, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def resolve(self, request: Request, pk: str | None = None) -> Response:
        correction = self.get_object()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors(request):
            correction = correction_request_resolve(
                actor=request.user,
                request=correction,
                ip_address=request_ip(request),
                **serializer.validated_data,
            )
        return Response(CorrectionRequestSerializer(correction).data)
