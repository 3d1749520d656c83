"""/api/v1/plans/: managers' monthly targets, read-only."""

from __future__ import annotations

from django.db import models
from rest_framework import viewsets

from crm_project.core.api.viewsets import ApiViewSetMixin
from crm_project.core.capabilities import Capability
from reports.api.serializers import PlanSerializer
from reports.models import Plan


class PlanViewSet(ApiViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """A manager reads his own plans, a supervisor his team's, an admin everyone's."""

    serializer_class = PlanSerializer
    filterset_fields = ["manager", "month"]
    required_capabilities = {"default": Capability.VIEW_OWN_PLAN}

    def get_queryset(self) -> models.QuerySet[Plan]:
        if getattr(self, "swagger_fake_view", False):
            return Plan.objects.none()
        return Plan.objects.visible_to(self.request.user).select_related("manager")
