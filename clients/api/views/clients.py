"""/api/v1/clients/ and /api/v1/contacts/: adapters over clients.services."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from clients.api.serializers import (
    ClientCreateSerializer,
    ClientSerializer,
    ClientUpdateSerializer,
    ClientWorkFieldsSerializer,
    ContactDataSerializer,
    ContactPersonCreateSerializer,
    ContactPersonSerializer,
    ManagerClientCreateSerializer,
)
from clients.api.views.base import service_errors
from clients.filters import ClientFilter
from clients.models import Client, ContactPerson, personal_data_q
from clients.services import (
    client_create,
    client_update,
    contact_person_create,
    personal_data_viewed,
)
from crm_project.core.api.viewsets import ApiViewSetMixin
from crm_project.core.audit import request_ip
from crm_project.core.capabilities import Capability, has_capability


@extend_schema_view(
    create=extend_schema(request=ClientCreateSerializer, responses={201: ClientSerializer}),
    partial_update=extend_schema(
        request=ClientUpdateSerializer,
        responses=ClientSerializer,
        description=gettext_lazy(
            "Managers and supervisors may change only status and lead_source (a manager only "
            "for his own clients); kind and name are personal data, changed by operators. Send "
            "the version you read: if someone changed the client meanwhile, nothing is saved "
            "and the answer is 409."
        ),
    ),
)
class ClientViewSet(
    ApiViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """The corporate client base; others' clients' personal data comes masked."""

    filterset_class = ClientFilter
    required_capabilities = {
        "default": Capability.VIEW_CLIENT_BASE,
        "create": Capability.CREATE_CLIENT,
    }
    schema_error_codes = {"partial_update": ["409"]}

    def get_queryset(self) -> models.QuerySet[Client]:
        if getattr(self, "swagger_fake_view", False):
            return Client.objects.none()
        user = self.request.user
        return (
            Client.objects.visible_to(user)
            .with_personal_data_access(user)
            .select_related("responsible_manager", "lead_source")
            .prefetch_related("contacts", "phones", "emails")
        )

    def get_serializer_class(self) -> type[BaseSerializer]:
        user = self.request.user
        if self.action == "create":
            may_assign = has_capability(user, Capability.TRANSFER_CLIENT) or has_capability(
                user, Capability.EDIT_PERSONAL_DATA
            )
            return ClientCreateSerializer if may_assign else ManagerClientCreateSerializer
        if self.action == "partial_update":
            if has_capability(user, Capability.EDIT_PERSONAL_DATA):
                return ClientUpdateSerializer
            return ClientWorkFieldsSerializer
        return ClientSerializer

    def create(self, request: Request) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        contact = ContactDataSerializer().to_contact_data(values.pop("primary_contact"))
        with service_errors(request, nest_under="primary_contact"):
            client = client_create(actor=request.user, primary_contact=contact, **values)
        return Response(self._read(client), status=status.HTTP_201_CREATED)

    def retrieve(self, request: Request, pk: str | None = None) -> Response:
        client = self.get_object()
        if client.has_personal_data_access:
            personal_data_viewed(
                actor=request.user, client=client, via="api", ip_address=request_ip(request)
            )
        return Response(self.get_serializer(client).data)

    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        client = self.get_object()
        serializer = self.get_serializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        expected_version = values.pop("version", None)
        with service_errors(request):
            client_update(
                actor=request.user, client=client, expected_version=expected_version, **values
            )
        return Response(self._read(client))

    def _read(self, client: Client) -> dict[str, Any]:
        fresh = self.get_queryset().get(pk=client.pk)
        return ClientSerializer(fresh, context=self.get_serializer_context()).data


@extend_schema_view(
    create=extend_schema(
        request=ContactPersonCreateSerializer,
        responses={201: ContactPersonSerializer},
        description=gettext_lazy("Personal data: operators and administrators only."),
    ),
)
class ContactPersonViewSet(
    ApiViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Contact persons of visible clients; masked like their client."""

    filterset_fields = ["client"]
    required_capabilities = {
        "default": Capability.VIEW_CLIENT_BASE,
        "create": Capability.EDIT_PERSONAL_DATA,
    }

    def get_queryset(self) -> models.QuerySet[ContactPerson]:
        if getattr(self, "swagger_fake_view", False):
            return ContactPerson.objects.none()
        user = self.request.user
        # Case/When, not a bare Q: NULLs in the rule would give NULL instead of False.
        access = models.Case(
            models.When(personal_data_q(user, prefix="client__"), then=models.Value(True)),
            default=models.Value(False),
            output_field=models.BooleanField(),
        )
        return (
            ContactPerson.objects.filter(client__in=Client.objects.visible_to(user))
            .annotate(has_personal_data_access=access)
            .prefetch_related("phones", "emails")
        )

    def get_serializer_class(self) -> type[BaseSerializer]:
        if self.action == "create":
            return ContactPersonCreateSerializer
        return ContactPersonSerializer

    def create(self, request: Request) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        client = values.pop("client")
        data = ContactDataSerializer().to_contact_data(values)
        with service_errors(request):
            contact = contact_person_create(actor=request.user, client=client, data=data)
        fresh = self.get_queryset().get(pk=contact.pk)
        body = ContactPersonSerializer(fresh, context=self.get_serializer_context()).data
        return Response(body, status=status.HTTP_201_CREATED)
