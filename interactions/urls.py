from django.urls import path

from interactions import views

app_name = "interactions"

urlpatterns = [
    path("", views.InteractionListView.as_view(), name="list"),
]
