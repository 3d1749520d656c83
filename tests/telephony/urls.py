"""The project's URLs plus telephony at its final path, until the lead wires it in."""

from django.urls import include, path

from crm_project.urls import urlpatterns as project_urlpatterns

urlpatterns = [
    path("api/v1/telephony/", include("interactions.telephony.urls")),
    *project_urlpatterns,
]
