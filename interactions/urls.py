from django.urls import path

from interactions.views import journal, my_day, quick_log

app_name = "interactions"

urlpatterns = [
    path("", journal.InteractionListView.as_view(), name="list"),
    path("log/<int:client_pk>/<slug:form_kind>/", quick_log.quick_log, name="quick_log"),
    # My day (the manager's home page is core:home): its partials and one-click actions.
    path("my-day/inbox/", my_day.inbox, name="my_day_inbox"),
    path("my-day/counters/", my_day.counters, name="my_day_counters"),
    path("inbox/<int:pk>/status/", my_day.inbox_set_status, name="inbox_set_status"),
    path("tasks/<int:pk>/complete/", my_day.task_complete_view, name="task_complete"),
    path("tasks/<int:pk>/reschedule/", my_day.task_reschedule_view, name="task_reschedule"),
]
