"""Client transfers: eligible clients (supervisor), clients at risk (manager), the transfer
form for one client and for a leaving manager's whole base, and the transfer history."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.generic import FormView, TemplateView

from clients.filters import ClientTransferFilter
from clients.models import Client, ClientTransfer, Deal, TransferRule
from clients.selectors import (
    active_transfer_rules,
    attach_transfer_reasons,
    client_transfer_reasons,
    transfer_candidates,
)
from clients.services import client_transfer, clients_transfer_bulk
from clients.views.deals import add_service_errors, team_managers
from crm_project.accounts.models import User
from crm_project.core.capabilities import Capability
from crm_project.core.views import (
    CapabilityRequiredMixin,
    KeysetPaginationMixin,
    add_bootstrap_classes,
)

# Input ------------------------------------------------------------------------------------------


class TransferForm(forms.Form):
    to_manager = forms.ModelChoiceField(
        label=gettext_lazy("New responsible manager"), queryset=User.objects.none()
    )
    rule = forms.ModelChoiceField(
        label=gettext_lazy("Rule"),
        queryset=TransferRule.objects.filter(is_active=True),
        required=False,
        empty_label=gettext_lazy("No rule: the supervisor's decision"),
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )
    deals_left = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Open deals the current manager keeps until they close"),
        queryset=Deal.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class BulkTransferForm(forms.Form):
    from_manager = forms.ModelChoiceField(
        label=gettext_lazy("Leaving manager"), queryset=User.objects.none()
    )
    to_manager = forms.ModelChoiceField(
        label=gettext_lazy("New responsible manager"), queryset=User.objects.none()
    )
    rule = TransferForm.base_fields["rule"]
    reason = TransferForm.base_fields["reason"]


# Lists ------------------------------------------------------------------------------------------


class _CandidatesView(CapabilityRequiredMixin, KeysetPaginationMixin, TemplateView):
    warn = False

    def clients(self) -> QuerySet[Client]:
        raise NotImplementedError

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        rules = active_transfer_rules()
        queryset = transfer_candidates(
            self.clients().select_related("responsible_manager"), rules=rules, warn=self.warn
        )
        page = self.paginate_keyset(queryset)
        attach_transfer_reasons(page["rows"], rules=rules)
        context.update(page, rules=rules)
        return context


class EligibleClientsView(_CandidatesView):
    """The supervisor's team clients a transfer rule makes eligible, with the rule that fired."""

    capability = Capability.TRANSFER_CLIENT
    template_name = "clients/transfer_eligible.html"

    def clients(self) -> QuerySet[Client]:
        return Client.objects.with_personal_data_visible_to(self.request.user)


class AtRiskView(_CandidatesView):
    """A manager's own clients that are, or soon will be, eligible for transfer, and why."""

    capability = Capability.LOG_INTERACTION
    template_name = "clients/at_risk.html"
    warn = True

    def clients(self) -> QuerySet[Client]:
        return Client.objects.owned_by(self.request.user)


class TransferListView(CapabilityRequiredMixin, KeysetPaginationMixin, TemplateView):
    capability = Capability.LOG_INTERACTION
    template_name = "clients/transfer_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        queryset = ClientTransfer.objects.visible_to(self.request.user).select_related(
            "client", "from_manager", "to_manager", "rule", "transferred_by"
        )
        transfer_filter = ClientTransferFilter(self.request.GET, queryset=queryset)
        context.update(self.paginate_keyset(transfer_filter.qs))
        return context


# Forms ------------------------------------------------------------------------------------------


class ClientTransferView(CapabilityRequiredMixin, FormView):
    capability = Capability.TRANSFER_CLIENT
    template_name = "clients/transfer_form.html"
    form_class = TransferForm

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if request.user.is_authenticated:
            self.client = get_object_or_404(
                Client.objects.visible_to(request.user).select_related("responsible_manager"),
                pk=kwargs["pk"],
            )
            # Another team's client: client_transfer refuses it, and the page would list that
            # team's open deals.
            mine = Client.objects.with_personal_data_visible_to(request.user)
            if not mine.filter(pk=self.client.pk).exists():
                raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self) -> dict[str, Any]:
        rule = self.request.GET.get("rule", "")
        return {"rule": int(rule)} if rule.isdigit() else {}

    def get_form(self, form_class: Any = None) -> TransferForm:
        form = super().get_form(form_class)
        form.fields["to_manager"].queryset = team_managers(self.request.user).exclude(
            pk=self.client.responsible_manager_id
        )
        form.fields["deals_left"].queryset = Deal.objects.open().filter(
            client=self.client, manager_id=self.client.responsible_manager_id
        )
        return add_bootstrap_classes(form)  # type: ignore[return-value]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            client=self.client,
            transfer_reasons=client_transfer_reasons(self.client, warn=False),
            **kwargs,
        )

    def form_valid(self, form: TransferForm) -> HttpResponse:
        try:
            transfer = client_transfer(
                actor=self.request.user, client=self.client, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("“%(client)s” now belongs to %(manager)s; both managers will be notified.")
            % {"client": self.client, "manager": transfer.to_manager},
        )
        return redirect(self.client)


class BulkTransferView(CapabilityRequiredMixin, FormView):
    """Transfer a leaving manager's whole base to another manager at once."""

    capability = Capability.TRANSFER_CLIENT
    template_name = "clients/transfer_bulk_form.html"
    form_class = BulkTransferForm

    def get_initial(self) -> dict[str, Any]:
        manager = self.request.GET.get("from_manager", "")
        return {"from_manager": int(manager)} if manager.isdigit() else {}

    def get_form(self, form_class: Any = None) -> BulkTransferForm:
        form = super().get_form(form_class)
        user = self.request.user
        # A leaving manager may already be deactivated: every manager with clients is offered.
        with_clients = Exists(Client.objects.filter(responsible_manager=OuterRef("pk")))
        leaving = User.objects.filter(with_clients, role=User.Role.MANAGER)
        if not user.is_admin:
            leaving = leaving.filter(team_id=user.team_id)
        form.fields["from_manager"].queryset = leaving
        form.fields["to_manager"].queryset = team_managers(user)
        return add_bootstrap_classes(form)  # type: ignore[return-value]

    def form_valid(self, form: BulkTransferForm) -> HttpResponse:
        try:
            transfers = clients_transfer_bulk(actor=self.request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            ngettext(
                "%(count)s client of %(from)s now belongs to %(to)s.",
                "%(count)s clients of %(from)s now belong to %(to)s.",
                len(transfers),
            )
            % {
                "count": len(transfers),
                "from": form.cleaned_data["from_manager"],
                "to": form.cleaned_data["to_manager"],
            },
        )
        return redirect(reverse("clients:transfer_list"))
