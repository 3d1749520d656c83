"""/api/v1/deals/, /deal-stages/, /deal-stage-changes/: deals and the supervisor's control."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from clients.api.serializers import (
    DealCreateSerializer,
    DealReassignSerializer,
    DealReminderSerializer,
    DealRemindSerializer,
    DealSerializer,
    DealStageChangeSerializer,
    DealStageMoveSerializer,
    DealStageSerializer,
    DealUpdateSerializer,
)
from clients.api.views.base import service_errors
from clients.filters import DealFilter, DealStageChangeFilter
from clients.models import Deal, DealStage, DealStageChange
from clients.services import (
    deal_create,
    deal_move_stage,
    deal_reassign,
    deal_remind,
    deal_update,
    may_change_deal,
)
from clients.services.deals import manages_team_deals
from crm_project.core.api.viewsets import ApiViewSetMixin
from crm_project.core.capabilities import Capability


@extend_schema_view(
    create=extend_schema(
        request=DealCreateSerializer,
        responses={201: DealSerializer},
        description=gettext_lazy(
            "A manager opens deals for himself with his own clients; a supervisor for a manager "
            "of his team. The deal starts in the first stage."
        ),
    ),
    partial_update=extend_schema(
        request=DealUpdateSerializer,
        responses=DealSerializer,
        description=gettext_lazy(
            "The deal's manager or his supervisor; open deals only. Send the version you read: "
            "if someone changed the deal meanwhile, nothing is saved and the answer is 409."
        ),
    ),
)
class DealViewSet(
    ApiViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Deals of the user's team (a manager changes only his own)."""

    filterset_class = DealFilter
    required_capabilities = {
        "remind": Capability.MANAGE_DEALS_OF_TEAM,
        "reassign": Capability.MANAGE_DEALS_OF_TEAM,
        "default": Capability.WORK_ON_DEALS,
    }
    http_method_names = ["get", "post", "patch", "head", "options"]
    schema_error_codes = {"partial_update": ["409"], "stage": ["409"]}

    def get_queryset(self) -> models.QuerySet[Deal]:
        if getattr(self, "swagger_fake_view", False):
            return Deal.objects.none()
        return Deal.objects.visible_to(self.request.user).select_related(
            "client", "manager", "stage"
        )

    def get_serializer_class(self) -> type[BaseSerializer]:
        return {
            "create": DealCreateSerializer,
            "partial_update": DealUpdateSerializer,
            "stage": DealStageMoveSerializer,
            "remind": DealRemindSerializer,
            "reassign": DealReassignSerializer,
        }.get(self.action, DealSerializer)

    def create(self, request: Request) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors(request):
            deal = deal_create(actor=request.user, **serializer.validated_data)
        return Response(self._read(deal), status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        deal = self._changeable()
        serializer = self.get_serializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        expected_version = values.pop("version", None)
        with service_errors(request):
            deal_update(actor=request.user, deal=deal, expected_version=expected_version, **values)
        return Response(self._read(deal))

    @extend_schema(
        request=DealStageMoveSerializer,
        responses=DealSerializer,
        summary=gettext_lazy("Move the deal to another stage"),
        description=gettext_lazy(
            "The deal's manager moves it one step forward (or to lost, with a reason); a move "
            "back or over a stage is for the team's supervisor and is recorded as such."
        ),
    )
    @action(detail=True, methods=["post"], url_path="stage", url_name="move-stage")
    def stage(self, request: Request, pk: str | None = None) -> Response:
        deal = self._changeable()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        expected_version = values.pop("version", None)
        with service_errors(request):
            deal_move_stage(
                actor=request.user, deal=deal, expected_version=expected_version, **values
            )
        return Response(self._read(deal))

    @extend_schema(
        request=DealRemindSerializer,
        responses={201: DealReminderSerializer},
        summary=gettext_lazy("Remind the manager of an open deal"),
        description=gettext_lazy(
            "For the supervisor of the deal's manager (stage control): the manager gets an "
            "e-mail with the deal and the message; sent_at is set once it has gone out."
        ),
    )
    @action(detail=True, methods=["post"])
    def remind(self, request: Request, pk: str | None = None) -> Response:
        deal = self._supervised()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors(request):
            reminder = deal_remind(actor=request.user, deal=deal, **serializer.validated_data)
        return Response(DealReminderSerializer(reminder).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=DealReassignSerializer,
        responses=DealSerializer,
        summary=gettext_lazy("Give an open deal to another manager of the team"),
        description=gettext_lazy(
            "For the supervisor of the deal's manager (stage control): the deal keeps its stage "
            "and history; the new manager must be an active manager of the same team."
        ),
    )
    @action(detail=True, methods=["post"])
    def reassign(self, request: Request, pk: str | None = None) -> Response:
        deal = self._supervised()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors(request):
            deal_reassign(actor=request.user, deal=deal, **serializer.validated_data)
        return Response(self._read(deal))

    def _supervised(self) -> Deal:
        # Checked before the input is parsed, as _changeable: not his manager's deal is 403.
        deal = self.get_object()
        if not manages_team_deals(self.request.user, deal.manager):
            raise PermissionDenied(_("Only the supervisor of the deal's manager may do this."))
        return deal

    def _changeable(self) -> Deal:
        # Checked before the input is parsed: another manager's deal is 403, not field errors.
        deal = self.get_object()
        if not may_change_deal(self.request.user, deal):
            raise PermissionDenied(_("Only the deal's manager or his supervisor may change it."))
        return deal

    def _read(self, deal: Deal) -> dict[str, Any]:
        fresh = self.get_queryset().get(pk=deal.pk)
        return DealSerializer(fresh, context=self.get_serializer_context()).data


class DealStageViewSet(ApiViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """The deal stage picklist, in order."""

    serializer_class = DealStageSerializer
    pagination_class = None
    filter_backends: list = []
    required_capabilities = {"default": Capability.WORK_ON_DEALS}
    queryset = DealStage.objects.active()


class DealStageChangeViewSet(ApiViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Every stage change of the deals the user sees (filter by `deal`)."""

    serializer_class = DealStageChangeSerializer
    filterset_class = DealStageChangeFilter
    required_capabilities = {"default": Capability.WORK_ON_DEALS}

    def get_queryset(self) -> models.QuerySet[DealStageChange]:
        if getattr(self, "swagger_fake_view", False):
            return DealStageChange.objects.none()
        deals = Deal.objects.visible_to(self.request.user)
        return DealStageChange.objects.filter(deal__in=deals).select_related(
            "from_stage", "to_stage", "changed_by"
        )
