"""/api/v1/: one router per app, included here."""

from django.urls import include, path

app_name = "api"

urlpatterns: list = []
