"""/api/v1/: one router per app, included here."""


app_name = "api"

urlpatterns: list = []
