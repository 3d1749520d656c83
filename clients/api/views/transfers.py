"""/api/v1/client-transfers/, /transfer-eligibility/ and /points/."""

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
    ClientTransferBulkSerializer,
    ClientTransferCreateSerializer,
    ClientTransferSerializer,
    PointsEntrySerializer,
    TransferEligibilitySerializer,
)
from clients.api.views.base import service_errors
from clients.filters import ClientTransferFilter, PointsEntryFilter
from clients.models import Client, ClientTransfer, PointsEntry
from clients.selectors import active_transfer_rules, attach_transfer_reasons, transfer_candidates
from clients.services import client_transfer, clients_transfer_bulk
from crm_project.core.api.viewsets import ApiViewSetMixin
from crm_project.core.capabilities import Capability, has_capability


@extend_schema_view(
    create=extend_schema(
        request=ClientTransferCreateSerializer,
        responses={201: ClientTransferSerializer},
        summary=gettext_lazy("Transfer a client"),
        description=gettext_lazy(
            "Supervisors (their team's clients, to an active manager of the team) and admins. "
            "Access changes at once; both managers are e-mailed."
        ),
    ),
    bulk=extend_schema(
        request=ClientTransferBulkSerializer,
        responses={201: ClientTransferSerializer(many=True)},
        summary=gettext_lazy("Transfer a leaving manager's whole base"),
        description=gettext_lazy("One transfer per client, all or nothing."),
    ),
)
class ClientTransferViewSet(
    ApiViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Transfers the user made or was part of (a supervisor: his team's)."""

    filterset_class = ClientTransferFilter
    required_capabilities = {
        "default": Capability.LOG_INTERACTION,
        "create": Capability.TRANSFER_CLIENT,
        "bulk": Capability.TRANSFER_CLIENT,
    }

    def get_queryset(self) -> models.QuerySet[ClientTransfer]:
        if getattr(self, "swagger_fake_view", False):
            return ClientTransfer.objects.none()
        return (
            ClientTransfer.objects.visible_to(self.request.user)
            .select_related("client")
            .prefetch_related("deals_left")
        )

    def get_serializer_class(self) -> type[BaseSerializer]:
        return {
            "create": ClientTransferCreateSerializer,
            "bulk": ClientTransferBulkSerializer,
        }.get(self.action, ClientTransferSerializer)

    def create(self, request: Request) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors(request):
            transfer = client_transfer(actor=request.user, **serializer.validated_data)
        body = ClientTransferSerializer(transfer, context=self.get_serializer_context()).data
        return Response(body, status=status.HTTP_201_CREATED)

    @action(detail=False, methods=["post"])
    def bulk(self, request: Request) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors(request):
            transfers = clients_transfer_bulk(actor=request.user, **serializer.validated_data)
        body = ClientTransferSerializer(
            transfers, many=True, context=self.get_serializer_context()
        ).data
        return Response(body, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(
        summary=gettext_lazy("Clients eligible for transfer, with the reasons"),
        description=gettext_lazy(
            "Supervisors and admins: the clients of their team a transfer rule makes eligible "
            "now. Managers: their own clients that are or soon will be eligible (is_due false: "
            "a warning)."
        ),
    ),
)
class TransferEligibilityViewSet(ApiViewSetMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = TransferEligibilitySerializer
    filter_backends: list = []
    required_capabilities = {"default": Capability.LOG_INTERACTION}

    def get_queryset(self) -> models.QuerySet[Client]:
        if getattr(self, "swagger_fake_view", False):
            return Client.objects.none()
        user = self.request.user
        self.rules = active_transfer_rules()
        if has_capability(user, Capability.TRANSFER_CLIENT):
            clients, warn = Client.objects.with_personal_data_visible_to(user), False
        else:
            clients, warn = Client.objects.owned_by(user), True
        return transfer_candidates(
            clients.select_related("responsible_manager"), rules=self.rules, warn=warn
        )

    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        attach_transfer_reasons(page, rules=self.rules)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class PointsEntryViewSet(ApiViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """The points ledger: a user's own entries, a supervisor's team's, every entry for admins."""

    serializer_class = PointsEntrySerializer
    filterset_class = PointsEntryFilter
    required_capabilities = {"default": Capability.VIEW_OWN_POINTS}

    def get_queryset(self) -> models.QuerySet[PointsEntry]:
        if getattr(self, "swagger_fake_view", False):
            return PointsEntry.objects.none()
        return PointsEntry.objects.visible_to(self.request.user).select_related("user", "client")
