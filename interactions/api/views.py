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

from crm_project.core.api.pagination import CursorPagination
from crm_project.core.api.viewsets import ApiViewSetMixin
from crm_project.core.capabilities import Capability
from interactions import selectors
from interactions.api.serializers import (
    InboxCallSerializer,
    InteractionCreateSerializer,
    InteractionSerializer,
    InteractionStatusChangeSerializer,
    InteractionStatusSerializer,
    TaskCompleteSerializer,
    TaskPlanSerializer,
    TaskRescheduleSerializer,
)
from interactions.filters import InteractionFilter
from interactions.models import Interaction, InteractionStatus
from interactions.services import (
    interaction_log,
    interaction_set_status,
    task_complete,
    task_plan,
    task_reschedule,
)


class InboxPagination(CursorPagination):
    ordering = ("-occurred_at", "-id")


class TaskPagination(CursorPagination):
    ordering = ("planned_at", "id")


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
        "inbox": Capability.LOG_INTERACTION,
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
        if self.action == "inbox":
            return InboxCallSerializer
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

    @extend_schema(
        responses=InboxCallSerializer(many=True),
        summary=_("The calls inbox"),
        description=_(
            "Incoming calls the phone system logged that wait for the signed-in user's word: "
            "his own and his team's queue, newest first. A call leaves the inbox once a person "
            "sets its status (POST /interactions/{id}/status/)."
        ),
    )
    @action(detail=False, filter_backends=[], pagination_class=InboxPagination)
    def inbox(self, request: Request) -> Response:
        # The API names each call's manager; My day does not, and leaves the join out.
        calls = selectors.calls_inbox(request.user).select_related("manager")
        page = self.paginate_queryset(calls)
        serializer = self.get_serializer(page, many=True)
        return self.get_paginated_response(serializer.data)

    def _read(self, interaction: Interaction) -> dict[str, Any]:
        fresh = self.get_queryset().get(pk=interaction.pk)
        return InteractionSerializer(fresh, context=self.get_serializer_context()).data


@extend_schema_view(
    list=extend_schema(
        summary=_("Open tasks"),
        description=_(
            "Planned calls and meetings not done yet, earliest first: a manager's own and his "
            "team's unassigned ones, a supervisor's team's, all for an admin."
        ),
    ),
    create=extend_schema(
        summary=_("Plan a call or a meeting"),
        request=TaskPlanSerializer,
        responses={201: InteractionSerializer},
    ),
    complete=extend_schema(
        summary=_("Complete a task"),
        description=_(
            "Sets how it ended, when (default now) and the result. 409 when the task is done "
            "already, also by someone else meanwhile."
        ),
        request=TaskCompleteSerializer,
        responses=InteractionSerializer,
    ),
    reschedule=extend_schema(
        summary=_("Move a task to another time"),
        request=TaskRescheduleSerializer,
        responses=InteractionSerializer,
    ),
)
class TaskViewSet(ApiViewSetMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Planned calls and meetings: plan, complete, reschedule (interactions.services)."""

    pagination_class = TaskPagination
    filter_backends: list = []
    required_capabilities = {"default": Capability.LOG_INTERACTION}
    schema_error_codes = {"complete": ["409"], "reschedule": ["409"]}

    def get_queryset(self) -> models.QuerySet[Interaction]:
        if getattr(self, "swagger_fake_view", False):
            return Interaction.objects.none()
        user = self.request.user
        queryset = (
            Interaction.objects.visible_to(user)
            .with_personal_data_access(user)
            .select_related("client", "contact", "manager", "status")
        )
        if self.action != "list":
            # Done or someone else's: the service answers 409 or 403, not a puzzling 404.
            return queryset
        queryset = selectors.open_tasks(queryset)
        if user.is_admin:
            return queryset
        if user.is_supervisor and user.team_id:
            return queryset.filter(team_id=user.team_id)
        return selectors.own_or_queue(queryset, user)

    def get_serializer_class(self) -> type[BaseSerializer]:
        return {
            "create": TaskPlanSerializer,
            "complete": TaskCompleteSerializer,
            "reschedule": TaskRescheduleSerializer,
        }.get(self.action, InteractionSerializer)

    def create(self, request: Request) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        task = task_plan(
            actor=request.user,
            kind=values["kind"],
            client=values.get("client"),
            planned_at=values["planned_at"],
            contact=values.get("contact"),
            subject=values.get("subject", ""),
            phone=values.get("phone", ""),
        )
        return Response(self._read(task), status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def complete(self, request: Request, pk: str | None = None) -> Response:
        task = self.get_object()
        serializer = self.get_serializer(
            data=request.data, context={**self.get_serializer_context(), "interaction": task}
        )
        serializer.is_valid(raise_exception=True)
        values = serializer.validated_data
        task_complete(
            actor=request.user,
            task=task,
            status=values["status"],
            result=values.get("result", ""),
            occurred_at=values.get("occurred_at"),
        )
        return Response(self._read(task))

    @action(detail=True, methods=["post"])
    def reschedule(self, request: Request, pk: str | None = None) -> Response:
        task = self.get_object()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        task_reschedule(
            actor=request.user, task=task, planned_at=serializer.validated_data["planned_at"]
        )
        return Response(self._read(task))

    def _read(self, task: Interaction) -> dict[str, Any]:
        user = self.request.user
        fresh = (
            Interaction.objects.with_personal_data_access(user)
            .select_related("client", "contact", "manager", "status")
            .get(pk=task.pk)
        )
        return InteractionSerializer(fresh, context=self.get_serializer_context()).data


class InteractionStatusViewSet(ApiViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """The status picklist, one ordered list per kind of interaction."""

    serializer_class = InteractionStatusSerializer
    queryset = InteractionStatus.objects.filter(is_active=True)
    filterset_fields = ["kind"]
    # A short admin-edited picklist: returned whole, in its own order.
    pagination_class = None
    required_capabilities = {"default": Capability.VIEW_JOURNAL}
