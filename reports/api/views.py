"""/api/v1/: plans, the counters and the board, the reports and their snapshots."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from crm_project.accounts.models import User
from crm_project.core.api.schema import ErrorSerializer
from crm_project.core.api.viewsets import ApiViewSetMixin
from crm_project.core.capabilities import Capability, has_capability
from reports.api.serializers import (
    BoardQuerySerializer,
    BoardSerializer,
    CountersQuerySerializer,
    PlanCopyForwardResultSerializer,
    PlanCopyForwardSerializer,
    PlanProgressSerializer,
    PlanSerializer,
    PlanSetSerializer,
    ReportDefinitionSerializer,
    ReportQuerySerializer,
    ReportSerializer,
    ReportSnapshotDetailSerializer,
    ReportSnapshotSerializer,
)
from reports.builders import REGISTRY, resolve_scope
from reports.forms import ReportFilterForm
from reports.models import Plan, ReportSnapshot
from reports.selectors import plan_progress, team_board
from reports.services import plan_copy_forward, plan_set


class PlanViewSet(ApiViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """A manager reads his own plans, a supervisor his team's, an admin everyone's.

    Supervisors set them (`set`, `copy-forward`) through the same service as the plans page.
    """

    serializer_class = PlanSerializer
    filterset_fields = ["manager", "month"]
    # An unknown manager or team, or one outside the supervisor's team.
    schema_error_codes = {"set_plan": ["404"], "copy_forward": ["404"]}
    required_capabilities = {
        "default": Capability.VIEW_OWN_PLAN,
        "set_plan": Capability.MANAGE_PLANS,
        "copy_forward": Capability.MANAGE_PLANS,
    }

    def get_queryset(self) -> models.QuerySet[Plan]:
        if getattr(self, "swagger_fake_view", False):
            return Plan.objects.none()
        return Plan.objects.visible_to(self.request.user).select_related("manager")

    @extend_schema(
        summary=_("Set a manager's plan for a month"),
        request=PlanSetSerializer,
        responses={200: PlanSerializer},
    )
    @action(detail=False, methods=["post"], url_path="set", url_name="set")
    def set_plan(self, request: Request) -> Response:
        data = _valid(PlanSetSerializer, request.data)
        manager = get_object_or_404(_plannable_managers(request.user), pk=data["manager"])
        plan = plan_set(
            actor=request.user,
            manager=manager,
            month=_month(data["month"]),
            contacts_target=data["contacts_target"],
            meetings_target=data["meetings_target"],
            deals_target=data["deals_target"],
        )
        return Response(PlanSerializer(plan).data)

    @extend_schema(
        summary=_("Copy last month's plans forward"),
        description=_("Managers who already have a plan for the month keep it."),
        request=PlanCopyForwardSerializer,
        responses={200: PlanCopyForwardResultSerializer},
    )
    @action(detail=False, methods=["post"], url_path="copy-forward", url_name="copy-forward")
    def copy_forward(self, request: Request) -> Response:
        data = _valid(PlanCopyForwardSerializer, request.data)
        scope = resolve_scope(request.user, team_id=data.get("team"), manager_id=None)
        if scope.team is None:
            raise Http404
        created = plan_copy_forward(
            actor=request.user, team=scope.team, month=_month(data["month"])
        )
        return Response({"created": PlanSerializer(created, many=True).data})


def _valid(serializer_class: type[serializers.Serializer], data: Any) -> dict[str, Any]:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _month(value: str) -> datetime.date:
    year, number = value.split("-")
    return datetime.date(int(year), int(number), 1)


def _plannable_managers(user: User) -> models.QuerySet[User]:
    managers = User.objects.filter(role=User.Role.MANAGER)
    if user.is_admin:
        return managers
    return managers.filter(team_id=user.team_id) if user.team_id else managers.none()


class CountersView(ApiViewSetMixin, APIView):
    """The plan counters of a month: contacts taken, meetings held, deals closed."""

    required_capabilities = {"default": Capability.VIEW_OWN_PLAN}

    @extend_schema(
        summary=_("The plan counters"),
        description=_(
            "Done against the plan this month (or ?month=YYYY-MM) with the pace the rest of the "
            "month asks, for the signed-in user or, for a supervisor, ?manager=<id> of his "
            "team. Each counter's url lists exactly the records it counts."
        ),
        parameters=[CountersQuerySerializer],
        responses={
            200: PlanProgressSerializer,
            400: OpenApiResponse(ErrorSerializer, description=_("The month is not YYYY-MM.")),
            404: OpenApiResponse(ErrorSerializer, description=_("No such manager in your team.")),
        },
    )
    def get(self, request: Request) -> Response:
        query = CountersQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        month = timezone.localdate().replace(day=1)
        if query.validated_data.get("month"):
            year, number = query.validated_data["month"].split("-")
            month = datetime.date(int(year), int(number), 1)
        manager = self._manager(request.user, query.validated_data.get("manager"))
        progress = plan_progress(manager=manager, month=month)
        return Response(PlanProgressSerializer(progress).data)

    def _manager(self, user: User, manager_id: int | None) -> User:
        if manager_id is None or manager_id == user.pk:
            return user
        if not has_capability(user, Capability.VIEW_REPORTS):
            raise PermissionDenied(_("You may read only your own counters."))
        managers = User.objects.filter(is_active=True)
        if not user.is_admin:
            managers = managers.filter(team_id=user.team_id) if user.team_id else managers.none()
        return get_object_or_404(managers, pk=manager_id)


def _report_form(request: Request) -> ReportFilterForm:
    form = ReportFilterForm(request.query_params)
    if not form.is_valid():
        raise serializers.ValidationError(
            {field: [str(message) for message in errors] for field, errors in form.errors.items()}
        )
    return form


class ReportViewSet(ApiViewSetMixin, viewsets.ViewSet):
    """The supervisor's reports; a manager gets his own figures (another manager: 403)."""

    lookup_field = "key"
    lookup_value_regex = "[a-z0-9-]+"
    required_capabilities = {"default": Capability.VIEW_OWN_PLAN}

    @extend_schema(summary=_("The reports"), responses={200: ReportDefinitionSerializer(many=True)})
    def list(self, request: Request) -> Response:
        definitions = [
            {"key": item.key, "title": str(item.title), "description": str(item.description)}
            for item in REGISTRY.values()
        ]
        return Response(ReportDefinitionSerializer(definitions, many=True).data)

    @extend_schema(
        summary=_("A report's figures"),
        description=_(
            "Built from the database for the period asked for; each figure's url lists exactly "
            "the records it counts. A period ending before it starts or longer than the allowed "
            "maximum is refused (400)."
        ),
        parameters=[ReportQuerySerializer],
        responses={200: ReportSerializer},
    )
    def retrieve(self, request: Request, key: str) -> Response:
        definition = REGISTRY.get(key)
        if definition is None:
            raise Http404
        form = _report_form(request)
        scope = resolve_scope(
            request.user,
            team_id=form.cleaned_data.get("team"),
            manager_id=form.cleaned_data.get("manager"),
        )
        report = definition.build(form.period(), scope, form.parameters())
        return Response(ReportSerializer(report.as_dict()).data)


class BoardView(ApiViewSetMixin, APIView):
    """The supervisor's board: each manager's counters against plan with pace, and the total."""

    required_capabilities = {"default": Capability.VIEW_REPORTS}

    @extend_schema(
        summary=_("The team board"),
        parameters=[BoardQuerySerializer],
        responses={
            200: BoardSerializer,
            404: OpenApiResponse(ErrorSerializer, description=_("No such team, or not yours.")),
        },
    )
    def get(self, request: Request) -> Response:
        query = _valid(BoardQuerySerializer, request.query_params)
        month = _month(query["month"]) if query.get("month") else timezone.localdate()
        scope = resolve_scope(request.user, team_id=query.get("team"), manager_id=None)
        managers = [manager for manager in scope.managers if manager.is_active]
        return Response(BoardSerializer(team_board(managers=managers, month=month)).data)


class ReportSnapshotViewSet(ApiViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Stored snapshots of the team reports, newest first; never edited."""

    filterset_fields = ["kind", "team", "period_start"]
    required_capabilities = {"default": Capability.VIEW_REPORTS}

    def get_serializer_class(self) -> type[serializers.Serializer]:
        if self.action == "retrieve":
            return ReportSnapshotDetailSerializer
        return ReportSnapshotSerializer

    def get_queryset(self) -> models.QuerySet[ReportSnapshot]:
        if getattr(self, "swagger_fake_view", False):
            return ReportSnapshot.objects.none()
        queryset = ReportSnapshot.objects.visible_to(self.request.user).select_related("team")
        return queryset if self.action == "retrieve" else queryset.defer("data")
