"""API representations of the client base; personal data masked where the reader may not see it.

Reads are masked per row from the `has_personal_data_access` annotation set by
`Client.objects.with_personal_data_access(user)`, so a list needs no query per row. Writes are
parsed here and carried out by clients.services. One module a part of the base.
"""

from clients.api.serializers.base import (
    CONTACT_NAME_FIELDS,
    VERSION_HELP,
    StrictSerializerMixin,
    consent_source_field,
    expected_version_field,
    mask_contact,
)
from clients.api.serializers.clients import (
    CONTACT_DATA_FIELDS,
    ClientContactSerializer,
    ClientCreateSerializer,
    ClientSerializer,
    ClientUpdateSerializer,
    ClientWorkFieldsSerializer,
    ContactDataSerializer,
    ContactPersonCreateSerializer,
    ContactPersonSerializer,
    EmailSerializer,
    ManagerClientCreateSerializer,
    PhoneSerializer,
)
from clients.api.serializers.corrections import (
    CorrectionRequestCreateSerializer,
    CorrectionRequestSerializer,
    CorrectionResolveSerializer,
)
from clients.api.serializers.deals import (
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
from clients.api.serializers.mailings import (
    CampaignCreateSerializer,
    CampaignRecipientSerializer,
    CampaignSerializer,
    SegmentCreateSerializer,
    SegmentReachSerializer,
    SegmentReportSerializer,
    SegmentSerializer,
    UnreachedSerializer,
)
from clients.api.serializers.transfers import (
    ClientTransferBulkSerializer,
    ClientTransferCreateSerializer,
    ClientTransferSerializer,
    PointsEntrySerializer,
    TransferEligibilitySerializer,
    TransferReasonSerializer,
)

__all__ = [
    "CONTACT_DATA_FIELDS",
    "CONTACT_NAME_FIELDS",
    "VERSION_HELP",
    "CampaignCreateSerializer",
    "CampaignRecipientSerializer",
    "CampaignSerializer",
    "ClientContactSerializer",
    "ClientCreateSerializer",
    "ClientSerializer",
    "ClientTransferBulkSerializer",
    "ClientTransferCreateSerializer",
    "ClientTransferSerializer",
    "ClientUpdateSerializer",
    "ClientWorkFieldsSerializer",
    "ContactDataSerializer",
    "ContactPersonCreateSerializer",
    "ContactPersonSerializer",
    "CorrectionRequestCreateSerializer",
    "CorrectionRequestSerializer",
    "CorrectionResolveSerializer",
    "DealCreateSerializer",
    "DealReassignSerializer",
    "DealRemindSerializer",
    "DealReminderSerializer",
    "DealSerializer",
    "DealStageChangeSerializer",
    "DealStageMoveSerializer",
    "DealStageSerializer",
    "DealUpdateSerializer",
    "EmailSerializer",
    "ManagerClientCreateSerializer",
    "PhoneSerializer",
    "PointsEntrySerializer",
    "SegmentCreateSerializer",
    "SegmentReachSerializer",
    "SegmentReportSerializer",
    "SegmentSerializer",
    "StrictSerializerMixin",
    "TransferEligibilitySerializer",
    "TransferReasonSerializer",
    "UnreachedSerializer",
    "consent_source_field",
    "expected_version_field",
    "mask_contact",
]
