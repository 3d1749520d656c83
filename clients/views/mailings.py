"""Mailing lists: segments with their reach, the consented export, campaigns, unsubscribing."""

from __future__ import annotations

import csv
from typing import Any

from django import forms
from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django.views.generic import FormView, TemplateView

from clients.models import Campaign, CampaignRecipient, Client, Email, LeadSource, Segment
from clients.services import (
    campaign_create,
    campaign_start,
    consent_withdraw_by_link,
    segment_create,
    segment_export,
    segment_reach,
    segment_unreached_by_manager,
)
from clients.views.privacy import csv_safe, redirect_to_login
from crm_project.accounts.models import User
from crm_project.core.audit import request_ip
from crm_project.core.capabilities import Capability, has_capability
from crm_project.core.views import (
    CapabilityRequiredMixin,
    KeysetPaginationMixin,
    add_bootstrap_classes,
)


class SegmentForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=150)
    manager = forms.ModelChoiceField(
        label=gettext_lazy("Responsible manager"), queryset=User.objects.none(), required=False
    )
    status = forms.ChoiceField(
        label=gettext_lazy("Client status"),
        choices=[("", gettext_lazy("Any")), *Client.Status.choices],
        required=False,
    )
    lead_source = forms.ModelChoiceField(
        label=gettext_lazy("Lead source"), queryset=LeadSource.objects.all(), required=False
    )
    no_contact_days = forms.IntegerField(
        label=gettext_lazy("Last contact more than N days ago"), min_value=0, required=False
    )
    has_bought = forms.NullBooleanField(
        label=gettext_lazy("Has bought (a won deal)"),
        required=False,
        widget=forms.Select(
            choices=[
                ("unknown", gettext_lazy("Any")),
                ("true", gettext_lazy("Yes")),
                ("false", gettext_lazy("No")),
            ]
        ),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if has_capability(user, Capability.VIEW_ALL_PERSONAL_DATA):
            managers = User.objects.active_managers()
        elif has_capability(user, Capability.VIEW_TEAM_PERSONAL_DATA) and user.team_id:
            managers = User.objects.active_managers().filter(team_id=user.team_id)
        else:
            # A manager's segments are over his own clients: no choice to offer.
            del self.fields["manager"]
            return
        self.fields["manager"].queryset = managers


class SegmentListView(CapabilityRequiredMixin, KeysetPaginationMixin, TemplateView):
    capability = Capability.BUILD_SEGMENTS
    template_name = "clients/segment_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        queryset = (
            Segment.objects.visible_to(self.request.user)
            .select_related("created_by", "manager", "lead_source")
            .annotate(campaigns_count=Count("campaigns"))
        )
        return super().get_context_data(**self.paginate_keyset(queryset), **kwargs)


class SegmentCreateView(CapabilityRequiredMixin, FormView):
    capability = Capability.BUILD_SEGMENTS
    template_name = "clients/segment_form.html"
    form_class = SegmentForm

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_form(self, form_class: Any = None) -> Any:
        return add_bootstrap_classes(super().get_form(form_class))

    def form_valid(self, form: SegmentForm) -> HttpResponse:
        try:
            segment = segment_create(actor=self.request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        return redirect(segment)


class CampaignForm(forms.Form):
    subject = forms.CharField(label=gettext_lazy("Subject"), max_length=200)
    body = forms.CharField(label=gettext_lazy("Text"), widget=forms.Textarea(attrs={"rows": 8}))


def _visible_segment(request: HttpRequest, pk: int) -> Segment:
    return get_object_or_404(Segment.objects.visible_to(request.user), pk=pk)


class SegmentDetailView(CapabilityRequiredMixin, TemplateView):
    capability = Capability.BUILD_SEGMENTS
    template_name = "clients/segment_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        segment = _visible_segment(self.request, kwargs["pk"])
        return super().get_context_data(
            segment=segment,
            reach=segment_reach(segment),
            unreached=segment_unreached_by_manager(segment),
            campaigns=list(segment.campaigns.all()[:20]),
            campaign_form=add_bootstrap_classes(CampaignForm()),
            **kwargs,
        )


@require_POST
def segment_export_view(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request)
    if not has_capability(request.user, Capability.BUILD_SEGMENTS):
        raise PermissionDenied
    segment = _visible_segment(request, pk)
    rows = segment_export(actor=request.user, segment=segment, ip_address=request_ip(request))
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="segment-{segment.pk}.csv"'
    writer = csv.writer(response)
    writer.writerow([_("Client"), _("Channel"), _("Address or number")])
    for row in rows:
        writer.writerow([csv_safe(value) for value in row])
    return response


@require_POST
def campaign_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request)
    if not has_capability(request.user, Capability.BUILD_SEGMENTS):
        raise PermissionDenied
    segment = _visible_segment(request, pk)
    form = CampaignForm(request.POST)
    if form.is_valid():
        try:
            campaign = campaign_create(
                actor=request.user,
                segment=segment,
                ip_address=request_ip(request),
                **form.cleaned_data,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect(campaign)
    context = {
        "segment": segment,
        "reach": segment_reach(segment),
        "unreached": segment_unreached_by_manager(segment),
        "campaigns": list(segment.campaigns.all()[:20]),
        "campaign_form": add_bootstrap_classes(form),
    }
    return render(request, "clients/segment_detail.html", context, status=422)


class CampaignDetailView(CapabilityRequiredMixin, KeysetPaginationMixin, TemplateView):
    capability = Capability.BUILD_SEGMENTS
    template_name = "clients/campaign_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        campaign = get_object_or_404(
            Campaign.objects.visible_to(self.request.user).select_related("segment"),
            pk=kwargs["pk"],
        )
        recipients: QuerySet[CampaignRecipient] = campaign.recipients.select_related("client")
        counts = campaign.recipients.aggregate(
            **{
                status: Count("pk", filter=Q(status=status))
                for status in CampaignRecipient.Status.values
            }
        )
        return super().get_context_data(
            campaign=campaign,
            counts=[(label, counts[value]) for value, label in CampaignRecipient.Status.choices],
            unreached=segment_unreached_by_manager(campaign.segment),
            **self.paginate_keyset(recipients),
            **kwargs,
        )


@require_POST
def campaign_start_view(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request)
    if not has_capability(request.user, Capability.BUILD_SEGMENTS):
        raise PermissionDenied
    campaign = get_object_or_404(Campaign.objects.visible_to(request.user), pk=pk)
    try:
        campaign_start(actor=request.user, campaign=campaign, ip_address=request_ip(request))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Sending has started."))
    return redirect(campaign)


def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """Public: GET asks for confirmation (mail scanners open links), POST withdraws consent."""
    try:
        payload = signing.loads(token, salt=settings_salt())
        email = Email.objects.get(pk=payload["id"], address__iexact=payload["address"])
    except (signing.BadSignature, Email.DoesNotExist, KeyError, TypeError):
        return render(request, "clients/unsubscribe.html", {"invalid": True}, status=400)
    if request.method == "POST":
        consent_withdraw_by_link(token=token, ip_address=request_ip(request))
        return render(request, "clients/unsubscribe.html", {"done": True, "address": email.address})
    return render(request, "clients/unsubscribe.html", {"address": email.address})


def settings_salt() -> str:
    from django.conf import settings

    return settings.MAILING_UNSUBSCRIBE_SALT
