"""Deal pages: the list (mine / my team's), the deal card with its stage history, entering and
editing a deal, and moving it to another stage."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST
from django.views.generic import FormView, TemplateView

from clients.filters import DealFilter
from clients.forms import show_conflict, version_field
from clients.models import Client, Deal, DealStage
from clients.selectors import client_transfer_reasons
from clients.services import (
    RecordChangedError,
    deal_create,
    deal_move_stage,
    deal_update,
    may_change_deal,
    next_stages,
)
from clients.services.deals import manages_team_deals, may_open_deal
from clients.services.versions import conflict_form_message, missing_version_message
from crm_project.accounts.models import User
from crm_project.core.capabilities import Capability, has_capability
from crm_project.core.views import (
    CapabilityRequiredMixin,
    HtmxPartialMixin,
    KeysetPaginationMixin,
    add_bootstrap_classes,
    applied_hidden_filters,
    offer_any_yes_no,
)
from interactions.views.my_day import COUNTERS_CHANGED, capability_required

# DealFilter fields the list's form shows; any other filter a link applied is named above the
# results and kept as a hidden input (crm_project.core.views.applied_hidden_filters).
DEAL_FORM_FIELDS = {"q", "stage", "state", "manager", "overdue", "scope"}

# Input ------------------------------------------------------------------------------------------


class DealForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=255)
    amount = forms.DecimalField(
        label=gettext_lazy("Amount"), min_value=0, max_digits=14, decimal_places=2
    )
    currency = forms.ChoiceField(
        label=gettext_lazy("Currency"), choices=Deal.Currency.choices, initial=Deal.Currency.RUB
    )
    expected_close_date = forms.DateField(
        label=gettext_lazy("Expected close date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class DealUpdateForm(DealForm):
    # Not required: a page without it is answered like a conflict, with the message on top.
    version = version_field(required=False)


class DealCreateForm(DealForm):
    manager = forms.ModelChoiceField(
        label=gettext_lazy("Manager"), queryset=User.objects.none(), required=False
    )


class StageForm(forms.Form):
    stage = forms.ModelChoiceField(
        label=gettext_lazy("New stage"), queryset=DealStage.objects.active()
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason (won or lost)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    comment = forms.CharField(
        label=gettext_lazy("Comment"), required=False, widget=forms.TextInput()
    )
    # Optional: the stage control page's compact form sends it too, older tabs may not.
    version = version_field(required=False)


def stage_form(deal: Deal, user: User, data: Any = None) -> StageForm | None:
    """The stage-change form offering exactly the stages `user` may move the deal to."""
    choices = next_stages(deal, actor=user)
    if not choices:
        return None
    form = StageForm(data, prefix=f"deal{deal.pk}", initial={"version": deal.version})
    form.fields["stage"].queryset = DealStage.objects.filter(pk__in=[s.pk for s in choices])
    return add_bootstrap_classes(form)  # type: ignore[return-value]


def team_managers(user: User) -> QuerySet[User]:
    managers = User.objects.active_managers()
    return managers if user.is_admin else managers.filter(team_id=user.team_id)


def safe_next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return default


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, field_errors in error.message_dict.items():
        for message in field_errors:
            form.add_error(field if field in form.fields else None, message)


# Pages ------------------------------------------------------------------------------------------


class DealListView(CapabilityRequiredMixin, HtmxPartialMixin, KeysetPaginationMixin, TemplateView):
    capability = Capability.WORK_ON_DEALS
    template_name = "deals/deal_list.html"
    partial_template_name = "deals/_deal_results.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        queryset = Deal.objects.visible_to(user).select_related("client", "manager", "stage")
        deal_filter = DealFilter(self.request.GET, queryset=queryset, request=self.request)
        deal_filter.form.fields["manager"].queryset = team_managers(user)
        add_bootstrap_classes(deal_filter.form)
        offer_any_yes_no(deal_filter.form.fields["overdue"])
        context.update(
            self.paginate_keyset(deal_filter.qs),
            filter=deal_filter,
            hidden_filters=applied_hidden_filters(deal_filter, shown=DEAL_FORM_FIELDS),
            scope=self.request.GET.get("scope", ""),
        )
        return context


def _deal_queryset(request: HttpRequest) -> QuerySet[Deal]:
    return Deal.objects.visible_to(request.user).select_related(
        "client", "manager", "stage", "created_by"
    )


def deal_page_context(request: HttpRequest, deal: Deal, **forms_given: Any) -> dict[str, Any]:
    user = request.user
    may_change = may_change_deal(user, deal)
    manages = manages_team_deals(user, deal.manager)
    history = deal.stage_changes.select_related("from_stage", "to_stage", "changed_by")
    return {
        "deal": deal,
        "history": list(history),
        "may_change": may_change and deal.is_open,
        "manages": manages and deal.is_open,
        "stage_form": forms_given.get("stage_form") or stage_form(deal, user),
        "reminders": list(deal.reminders.select_related("sent_by")[:10]) if manages else [],
        "team_managers": list(team_managers(user).exclude(pk=deal.manager_id)) if manages else [],
    }


@require_GET
@capability_required(Capability.WORK_ON_DEALS)
def deal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    deal = get_object_or_404(_deal_queryset(request), pk=pk)
    return render(request, "deals/deal_detail.html", deal_page_context(request, deal))


@require_POST
@capability_required(Capability.WORK_ON_DEALS)
def deal_move_stage_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Move the deal to the chosen stage (the deal card and the stage control page post here)."""
    deal = get_object_or_404(_deal_queryset(request), pk=pk)
    if not may_change_deal(request.user, deal):
        raise PermissionDenied
    form = stage_form(deal, request.user, request.POST)
    if form is None:
        messages.error(request, _("This deal is closed; it cannot change any more."))
        return redirect(deal)
    if form.is_valid():
        data = form.cleaned_data
        try:
            deal = deal_move_stage(
                actor=request.user,
                deal=deal,
                stage=data["stage"],
                reason=data["reason"],
                comment=data["comment"],
                expected_version=data["version"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        except RecordChangedError as error:
            return _stage_conflict(request, form, error.record)
        else:
            messages.success(
                request,
                _("“%(deal)s” is now in “%(stage)s”.") % {"deal": deal, "stage": deal.stage},
            )
            response = HttpResponseRedirect(safe_next(request, deal.get_absolute_url()))
            response["HX-Trigger"] = COUNTERS_CHANGED
            return response
    elif form.cleaned_data.get("version") not in (None, deal.version):
        # Moved or edited meanwhile: say so rather than "choose a valid stage".
        return _stage_conflict(request, form, deal)
    context = deal_page_context(request, deal, stage_form=form)
    return render(request, "deals/deal_detail.html", context, status=422)


def _stage_conflict(request: HttpRequest, form: StageForm, changed: Deal) -> HttpResponse:
    show_conflict(form, changed, conflict_form_message(changed))
    deal = get_object_or_404(_deal_queryset(request), pk=changed.pk)
    context = deal_page_context(request, deal, stage_form=form)
    return render(request, "deals/deal_detail.html", context, status=409)


class DealCreateView(CapabilityRequiredMixin, FormView):
    """A new deal with one client (the client card's deals panel links here)."""

    capability = Capability.WORK_ON_DEALS
    template_name = "deals/deal_form.html"
    form_class = DealCreateForm

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.client = get_object_or_404(
            Client.objects.visible_to(request.user).select_related("responsible_manager"),
            pk=kwargs["client_pk"],
        )
        return super().dispatch(request, *args, **kwargs)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not may_open_deal(request.user, self.client):
            raise PermissionDenied
        return super().get(request, *args, **kwargs)

    def get_form(self, form_class: Any = None) -> DealCreateForm:
        form = super().get_form(form_class)
        if self.request.user.is_manager:
            del form.fields["manager"]
        else:
            form.fields["manager"].queryset = team_managers(self.request.user)
            form.fields["manager"].initial = self.client.responsible_manager_id
        return add_bootstrap_classes(form)  # type: ignore[return-value]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(client=self.client, **kwargs)

    def form_valid(self, form: DealCreateForm) -> HttpResponse:
        try:
            deal = deal_create(actor=self.request.user, client=self.client, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The deal has been entered."))
        return redirect(deal)


class DealUpdateView(CapabilityRequiredMixin, FormView):
    """Edit a deal; the form carries the version it was loaded with, so an edit made meanwhile
    by someone else is shown as a conflict (409, the input kept) instead of being overwritten."""

    capability = Capability.WORK_ON_DEALS
    template_name = "deals/deal_form.html"
    form_class = DealUpdateForm

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not has_capability(request.user, self.capability):
            raise PermissionDenied
        self.deal = get_object_or_404(_deal_queryset(request), pk=kwargs["pk"])
        if not may_change_deal(request.user, self.deal):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self) -> dict[str, Any]:
        return {name: getattr(self.deal, name) for name in DealUpdateForm.base_fields}

    def get_form(self, form_class: Any = None) -> DealForm:
        return add_bootstrap_classes(super().get_form(form_class))  # type: ignore[return-value]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(client=self.deal.client, deal=self.deal, **kwargs)

    def form_valid(self, form: DealForm) -> HttpResponse:
        if form.cleaned_data["version"] is None:
            show_conflict(form, self.deal, missing_version_message())
            return self.render_to_response(self.get_context_data(form=form), status=409)
        changed = {name: form.cleaned_data[name] for name in form.changed_data if name != "version"}
        try:
            deal_update(
                actor=self.request.user,
                deal=self.deal,
                expected_version=form.cleaned_data["version"],
                **changed,
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        except RecordChangedError as error:
            show_conflict(form, error.record, error.form_message)
            return self.render_to_response(self.get_context_data(form=form), status=409)
        messages.success(self.request, _("The deal has been saved."))
        return redirect(self.deal)


@require_GET
@capability_required(Capability.WORK_ON_DEALS)
def client_deals_panel(request: HttpRequest, pk: int) -> HttpResponse:
    """The client card's deals and transfer-risk panel, fetched once the card is shown."""
    client = get_object_or_404(
        Client.objects.visible_to(request.user).with_personal_data_access(request.user), pk=pk
    )
    user = request.user
    may_transfer = has_capability(user, Capability.TRANSFER_CLIENT) and (
        client.has_personal_data_access
    )
    is_own = client.responsible_manager_id == user.pk
    reasons = client_transfer_reasons(client, warn=is_own) if (may_transfer or is_own) else []
    deals = Deal.objects.visible_to(user).filter(client=client).select_related("stage", "manager")
    return render(
        request,
        "deals/_client_deals_panel.html",
        {
            "client": client,
            "deals": list(deals.order_by("state", "-id")[:20]),
            "may_open_deal": may_open_deal(user, client),
            "may_transfer": may_transfer,
            "transfer_reasons": reasons,
        },
    )
