"""/api/v1/plans/ (managers' monthly targets, read-only) and /api/v1/counters/ (progress)."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied
from django.db import models
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from crm_project.accounts.models import User
from crm_project.core.api.schema import ErrorSerializer
from crm_project.core.api.viewsets import ApiViewSetMixin
from crm_project.core.capabilities import Capability, has_capability
from reports.api.serializers import (
    CountersQuerySerializer,
    PlanProgressSerializer,
    PlanSerializer,
)
from reports.models import Plan
from reports.selectors import plan_progress


class PlanViewSet(ApiViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """A manager reads his own plans, a supervisor his team's, an admin everyone's."""

    serializer_class = PlanSerializer
    filterset_fields = ["manager", "month"]
    required_capabilities = {"default": Capability.VIEW_OWN_PLAN}

    def get_queryset(self) -> models.QuerySet[Plan]:
        if getattr(self, "swagger_fake_view", False):
            return Plan.objects.none()
        return Plan.objects.visible_to(self.request.user).select_related("manager")


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
