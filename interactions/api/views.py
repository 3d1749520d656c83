"""/api/v1/interactions/ and /api/v1/interaction-statuses/: adapters over interactions.services."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from crm_project.core.api.viewsets import ApiViewSetMixin
from crm_project.core.capabilities import Capability
from interactions.api.serializers import (
    InteractionCreateSerializer,
    InteractionSerializer,
    InteractionStatusChangeSerializer,
    InteractionStatusSerializer,
)
from interactions.filters import InteractionFilter
from interactions.models import Interaction, InteractionStatus
from interactions.services import interaction_log, interaction_set_status


@extend_schema_view(
    create=extend_schema(
        request=InteractionCreateSerializer, responses={201: InteractionSerializer}
    ),
)
class InteractionViewSet(
    ApiViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """The journal: calls, meetings, e-mails and notes, planned or done."""

    filterset_class = InteractionFilter
    required_capabilities = {
        "default": Capability.VIEW_JOURNAL,
        "create": Capability.LOG_INTERACTION,
        "set_status": Capability.LOG_INTERACTION,
    }
    schema_error_codes = {"set_status": ["409"]}

    def get_queryset(self) -> models.QuerySet[Interaction]:
        if getattr(self, "swagger_fake_view", False):
            return Interaction.objects.none()
        user = self.request.user
        return (
            Interaction.objects.visible_to(user)
            .with_personal_data_access(user)
            .select_related("client", "contact", "manager", "status")
        )

    def get_serializer_class(self) -> type[BaseSerializer]:
        if self.action == "create":
            return InteractionCreateSerializer
        if self.action == "set_status":
            return InteractionStatusChangeSerializer
        return InteractionSerializer

    def create(self, request: Request) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        client = values.pop("client", None)
        interaction = interaction_log(actor=request.user, client=client, **values)
        return Response(self._read(interaction), status=status.HTTP_201_CREATED)

    @extend_schema(
        request=InteractionStatusChangeSerializer,
        responses=InteractionSerializer,
        summary=_("Set the status"),
        description=_(
            "Give expected_status (the status the user saw) so a concurrent change by someone "
            "else is answered with 409 instead of being overwritten."
        ),
    )
    @action(detail=True, methods=["post"], url_path="status")
    def set_status(self, request: Request, pk: str | None = None) -> Response:
        interaction = self.get_object()
        serializer = self.get_serializer(
            data=request.data, context={**self.get_serializer_context(), "interaction": interaction}
        )
        serializer.is_valid(raise_exception=True)
        values = serializer.validated_data
        expected = values.get("expected_status", ...)
        interaction_set_status(
            actor=request.user,
            interaction=interaction,
            status=values["status"],
            result=values.get("result"),
            expected_status_id=expected,
        )
        return Response(self._read(interaction))

    def _read(self, interaction: Interaction) -> dict[str, Any]:
        fresh = self.get_queryset().get(pk=interaction.pk)
        return InteractionSerializer(fresh, context=self.get_serializer_context()).data


class InteractionStatusViewSet(ApiViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """The status picklist, one ordered list per kind of interaction."""

    serializer_class = InteractionStatusSerializer
    queryset = InteractionStatus.objects.filter(is_active=True)
    filterset_fields = ["kind"]
    # A short admin-edited picklist: returned whole, in its own order.
    pagination_class = None
    required_capabilities = {"default": Capability.VIEW_JOURNAL}
