from rest_framework.routers import SimpleRouter

from interactions.api.views import InteractionStatusViewSet, InteractionViewSet

router = SimpleRouter()
router.register("interactions", InteractionViewSet, basename="interaction")
router.register("interaction-statuses", InteractionStatusViewSet, basename="interaction-status")

urlpatterns = router.urls
