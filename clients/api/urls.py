from rest_framework.routers import SimpleRouter

from clients.api.views import ClientViewSet, ContactPersonViewSet

router = SimpleRouter()
router.register("clients", ClientViewSet, basename="client")
router.register("contacts", ContactPersonViewSet, basename="contact")

urlpatterns = router.urls
