from django.urls import path
from rest_framework.routers import SimpleRouter

from reports.api.views import (
    BoardView,
    CountersView,
    PlanViewSet,
    ReportSnapshotViewSet,
    ReportViewSet,
)

router = SimpleRouter()
router.register("plans", PlanViewSet, basename="plan")
router.register("reports", ReportViewSet, basename="report")
router.register("report-snapshots", ReportSnapshotViewSet, basename="report-snapshot")

urlpatterns = [
    path("counters/", CountersView.as_view(), name="counters"),
    path("board/", BoardView.as_view(), name="board"),
    *router.urls,
]
