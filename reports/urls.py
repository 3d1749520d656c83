from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("", views.report_index, name="index"),
    path("board/", views.board, name="board"),
    path("plans/", views.plans, name="plans"),
    path("plans/copy-forward/", views.plans_copy_forward, name="plans_copy_forward"),
    path("snapshots/", views.SnapshotListView.as_view(), name="snapshot_list"),
    path("snapshots/<int:pk>/", views.SnapshotDetailView.as_view(), name="snapshot_detail"),
    # Fixed paths above: a report's key is a slug too.
    path("<slug:key>/", views.report_detail, name="detail"),
    path("<slug:key>/export.<slug:file_format>", views.report_export, name="export"),
]
