from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from clients.operator_admin import operator_site
from clients.views.mailings import unsubscribe

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
    path("operator/", operator_site.urls),
    # Public: the link in every campaign e-mail; the signed token names the one address.
    path("unsubscribe/<str:token>/", unsubscribe, name="unsubscribe"),
]
