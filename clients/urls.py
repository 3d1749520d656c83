from django.urls import path

from clients import views
from clients.views import control, deals, points, transfers

app_name = "clients"

urlpatterns = [
    path("", views.ClientListView.as_view(), name="list"),
    path("new/", views.ClientCreateView.as_view(), name="create"),
    path("<int:pk>/", views.ClientDetailView.as_view(), name="detail"),
    path("<int:pk>/deals-panel/", deals.client_deals_panel, name="client_deals_panel"),
    path("<int:client_pk>/deals/new/", deals.DealCreateView.as_view(), name="deal_create"),
    path("<int:pk>/transfer/", transfers.ClientTransferView.as_view(), name="transfer"),
    # Deals and the supervisor's stage control.
    path("deals/", deals.DealListView.as_view(), name="deal_list"),
    path("deals/control/", control.DealControlView.as_view(), name="deal_control"),
    path("deals/<int:pk>/", deals.deal_detail, name="deal_detail"),
    path("deals/<int:pk>/edit/", deals.DealUpdateView.as_view(), name="deal_update"),
    path("deals/<int:pk>/stage/", deals.deal_move_stage_view, name="deal_move_stage"),
    path("deals/<int:pk>/remind/", control.deal_remind_view, name="deal_remind"),
    path("deals/<int:pk>/reassign/", control.deal_reassign_view, name="deal_reassign"),
    # Transfers between managers and the primary-contact credit.
    path("transfers/", transfers.TransferListView.as_view(), name="transfer_list"),
    path("transfers/eligible/", transfers.EligibleClientsView.as_view(), name="transfer_eligible"),
    path("transfers/bulk/", transfers.BulkTransferView.as_view(), name="transfer_bulk"),
    path("at-risk/", transfers.AtRiskView.as_view(), name="at_risk"),
    path("points/", points.PointsView.as_view(), name="points"),
]
