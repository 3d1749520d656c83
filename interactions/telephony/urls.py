"""Mounted at /api/v1/telephony/ by crm_project/api_urls.py."""

from django.urls import path

from interactions.telephony import views

app_name = "telephony"

urlpatterns = [
    path("generic/", views.generic_webhook, name="generic"),
    path("twilio/", views.twilio_webhook, name="twilio"),
    path("zadarma/", views.zadarma_webhook, name="zadarma"),
    path("asterisk/", views.asterisk_webhook, name="asterisk"),
]
