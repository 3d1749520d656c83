"""/api/v1/clients/ and /api/v1/contacts/: adapters over clients.services."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
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
    CONTACT_DATA_FIELDS,
    CampaignCreateSerializer,
    CampaignRecipientSerializer,
    CampaignSerializer,
    ClientCreateSerializer,
    ClientSerializer,
    ClientTransferBulkSerializer,
    ClientTransferCreateSerializer,
    ClientTransferSerializer,
    ClientUpdateSerializer,
    ClientWorkFieldsSerializer,
    ContactDataSerializer,
    ContactPersonCreateSerializer,
    ContactPersonSerializer,
    CorrectionRequestCreateSerializer,
    CorrectionRequestSerializer,
    CorrectionResolveSerializer,
    DealCreateSerializer,
    DealReassignSerializer,
    DealReminderSerializer,
    DealRemindSerializer,
    DealSerializer,
    DealStageChangeSerializer,
    DealStageMoveSerializer,
    DealStageSerializer,
    DealUpdateSerializer,
    ManagerClientCreateSerializer,
    PointsEntrySerializer,
    SegmentCreateSerializer,
    SegmentReportSerializer,
    SegmentSerializer,
    TransferEligibilitySerializer,
)
from clients.filters import (
    ClientFilter,
    ClientTransferFilter,
    CorrectionRequestFilter,
    DealFilter,
    DealStageChangeFilter,
    PointsEntryFilter,
)
from clients.models import (
    Campaign,
    Client,
    ClientTransfer,
    ContactPerson,
    CorrectionRequest,
    Deal,
    DealStage,
    DealStageChange,
    PointsEntry,
    Segment,
    personal_data_q,
)
from clients.selectors import active_transfer_rules, attach_transfer_reasons, transfer_candidates
from clients.services import (
    DuplicateContactError,
    campaign_create,
    campaign_start,
    client_create,
    client_transfer,
    client_update,
    clients_transfer_bulk,
    contact_person_create,
    correction_request_create,
    correction_request_resolve,
    deal_create,
    deal_move_stage,
    deal_reassign,
    deal_remind,
    deal_update,
    may_change_deal,
    personal_data_viewed,
    segment_create,
    segment_reach,
    segment_unreached_by_manager,
)
from clients.services.deals import manages_team_deals
from crm_project.core.api.errors import DetailedValidationError, django_validation_to_drf
from crm_project.core.api.viewsets import ApiViewSetMixin
from crm_project.core.audit import request_ip
from crm_project.core.capabilities import Capability, has_capability


@contextmanager
def service_errors(request: Request, *, nest_under: str | None = None) -> Iterator[None]:
    """Report a service's ValidationError in the request's own field layout.

    Contact fields go under `nest_under` when the request nests the contact; a duplicate
    phone or e-mail also names the client that already has it.
    """
    try:
        yield
    except ValidationError as error:
        fields = django_validation_to_drf(error).detail
        if nest_under is not None:
            fields = _nest(fields, nest_under)
        if not isinstance(error, DuplicateContactError):
            raise DetailedValidationError(fields) from error
        url = reverse("api:client-detail", args=[error.client.pk])
        raise DetailedValidationError(
            fields,
            error_code="duplicate",
            message=_("This phone number or e-mail address is already in the base."),
            extra={
                "existing_client": {"id": error.client.pk, "url": request.build_absolute_uri(url)}
            },
        ) from error


def _nest(fields: dict[str, Any], under: str) -> dict[str, Any]:
    nested = {name: value for name, value in fields.items() if name in CONTACT_DATA_FIELDS}
    rest = {name: value for name, value in fields.items() if name not in CONTACT_DATA_FIELDS}
    return {**rest, under: nested} if nested else rest


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


# Deals, stage changes, transfers, eligibility, points ------------------------------------------


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


# Correction requests, segments, campaigns -----------------------------------------------------


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
