from django.urls import path

from crm_project.core import health, views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz/", health.healthz, name="healthz"),
]
