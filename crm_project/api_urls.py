"""/api/v1/: one router per app, included here."""

from django.urls import include, path

app_name = "api"

urlpatterns = [
    path("", include("clients.api.urls")),
    path("", include("interactions.api.urls")),
    path("", include("reports.api.urls")),
    path("telephony/", include("interactions.telephony.urls")),
]
