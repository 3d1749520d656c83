from rest_framework.routers import SimpleRouter

from clients.api.views import (
    CampaignViewSet,
    ClientTransferViewSet,
    ClientViewSet,
    ContactPersonViewSet,
    CorrectionRequestViewSet,
    DealStageChangeViewSet,
    DealStageViewSet,
    DealViewSet,
    PointsEntryViewSet,
    SegmentViewSet,
    TransferEligibilityViewSet,
)

router = SimpleRouter()
router.register("clients", ClientViewSet, basename="client")
router.register("contacts", ContactPersonViewSet, basename="contact")
router.register("deals", DealViewSet, basename="deal")
router.register("deal-stages", DealStageViewSet, basename="deal-stage")
router.register("deal-stage-changes", DealStageChangeViewSet, basename="deal-stage-change")
router.register("client-transfers", ClientTransferViewSet, basename="client-transfer")
router.register("transfer-eligibility", TransferEligibilityViewSet, basename="transfer-eligibility")
router.register("points", PointsEntryViewSet, basename="points-entry")
router.register("correction-requests", CorrectionRequestViewSet, basename="correction-request")
router.register("segments", SegmentViewSet, basename="segment")
router.register("campaigns", CampaignViewSet, basename="campaign")

urlpatterns = router.urls
