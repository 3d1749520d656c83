from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

urlpatterns = [
    path("", include("crm_project.core.urls")),
    path("accounts/", include("crm_project.accounts.urls")),
    path("clients/", include("clients.urls")),
    path("journal/", include("interactions.urls")),
    path("reports/", include("reports.urls", namespace="reports")),
    path("api/v1/", include("crm_project.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("admin/", admin.site.urls),
]
