from django.urls import path
from rest_framework.routers import SimpleRouter

from reports.api.views import CountersView, PlanViewSet

router = SimpleRouter()
router.register("plans", PlanViewSet, basename="plan")

urlpatterns = [
    path("counters/", CountersView.as_view(), name="counters"),
    *router.urls,
]
