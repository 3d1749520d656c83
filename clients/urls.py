from django.urls import path

from clients import views
from clients.views import control, deals, mailings, points, privacy, transfers

app_name = "clients"

urlpatterns = [
    path("", views.ClientListView.as_view(), name="list"),
    path("new/", views.ClientCreateView.as_view(), name="create"),
    # The card, with the unmasked display audited and the personal-data history.
    path("<int:pk>/", privacy.ClientCardView.as_view(), name="detail"),
    path("<int:pk>/correction/", privacy.CorrectionCreateView.as_view(), name="correction_create"),
    path("<int:pk>/data-subject/", privacy.DataSubjectView.as_view(), name="data_subject"),
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
    # Correction requests: the managers' own list, the operators' queue.
    path("corrections/", privacy.CorrectionQueueView.as_view(), name="correction_queue"),
    path("corrections/mine/", privacy.MyCorrectionListView.as_view(), name="my_corrections"),
    path(
        "corrections/<int:pk>/resolve/",
        privacy.correction_resolve_view,
        name="correction_resolve",
    ),
    # Data-subject requests (administrators): kind is "client" or "contact".
    path(
        "data-subject/<str:kind>/<int:pk>/export/<str:file_format>/",
        privacy.person_export_view,
        name="person_export",
    ),
    path("data-subject/<str:kind>/<int:pk>/erase/", privacy.person_erase_view, name="person_erase"),
    # Mailing lists and campaigns.
    path("segments/", mailings.SegmentListView.as_view(), name="segment_list"),
    path("segments/new/", mailings.SegmentCreateView.as_view(), name="segment_create"),
    path("segments/<int:pk>/", mailings.SegmentDetailView.as_view(), name="segment_detail"),
    path("segments/<int:pk>/export/", mailings.segment_export_view, name="segment_export"),
    path("segments/<int:pk>/campaigns/new/", mailings.campaign_create_view, name="campaign_create"),
    path("campaigns/<int:pk>/", mailings.CampaignDetailView.as_view(), name="campaign_detail"),
    path("campaigns/<int:pk>/send/", mailings.campaign_start_view, name="campaign_start"),
]
