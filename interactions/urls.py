from django.urls import path

from interactions.views import journal

app_name = "interactions"

urlpatterns = [
    path("", journal.InteractionListView.as_view(), name="list"),
]
