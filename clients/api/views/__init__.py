"""The client base's API (/api/v1/): ViewSets over clients.services, one module a part."""

from clients.api.views.base import service_errors
from clients.api.views.clients import ClientViewSet, ContactPersonViewSet
from clients.api.views.corrections import CorrectionRequestViewSet
from clients.api.views.deals import DealStageChangeViewSet, DealStageViewSet, DealViewSet
from clients.api.views.mailings import CampaignViewSet, SegmentViewSet
from clients.api.views.transfers import (
    ClientTransferViewSet,
    PointsEntryViewSet,
    TransferEligibilityViewSet,
)

__all__ = [
    "CampaignViewSet",
    "ClientTransferViewSet",
    "ClientViewSet",
    "ContactPersonViewSet",
    "CorrectionRequestViewSet",
    "DealStageChangeViewSet",
    "DealStageViewSet",
    "DealViewSet",
    "PointsEntryViewSet",
    "SegmentViewSet",
    "TransferEligibilityViewSet",
    "service_errors",
]
