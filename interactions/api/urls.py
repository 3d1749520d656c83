from rest_framework.routers import SimpleRouter

from interactions.api.views import InteractionStatusViewSet, InteractionViewSet, TaskViewSet

router = SimpleRouter()
router.register("interactions", InteractionViewSet, basename="interaction")
router.register("interaction-statuses", InteractionStatusViewSet, basename="interaction-status")
router.register("tasks", TaskViewSet, basename="task")

urlpatterns = router.urls
