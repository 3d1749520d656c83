"""Stage control for supervisors: overdue deals per manager and what the supervisor does about
them (remind the manager, take the step over, reassign the deal)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView

from clients.models import Deal, DealStage
from clients.selectors import overdue_deals_by_manager
from clients.services import deal_reassign, deal_remind
from clients.services.deals import NOTE_MAX_LENGTH, manages_team_deals
from clients.views.deals import safe_next, team_managers
from crm_project.accounts.models import User
from crm_project.core.capabilities import Capability
from crm_project.core.views import CapabilityRequiredMixin
from interactions.views.my_day import capability_required


class RemindForm(forms.Form):
    message = forms.CharField(
        label=gettext_lazy("Message"), required=False, max_length=NOTE_MAX_LENGTH
    )


class ReassignForm(forms.Form):
    manager = forms.ModelChoiceField(
        label=gettext_lazy("To manager"), queryset=User.objects.active_managers()
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason"), required=False, max_length=NOTE_MAX_LENGTH
    )


class DealControlView(CapabilityRequiredMixin, TemplateView):
    """Overdue deals per manager, the manager with the oldest overdue deal first."""

    capability = Capability.MANAGE_DEALS_OF_TEAM
    template_name = "deals/deal_control.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        groups = overdue_deals_by_manager(user)
        context.update(
            groups=groups,
            overdue_count=sum(len(deals) for _manager, deals in groups),
            stages=list(DealStage.objects.active()),
            managers=list(team_managers(user)),
        )
        return context


def _controlled_deal(request: HttpRequest, pk: int) -> Deal:
    deal = get_object_or_404(
        Deal.objects.visible_to(request.user).select_related("manager", "client", "stage"), pk=pk
    )
    if not manages_team_deals(request.user, deal.manager):
        raise PermissionDenied
    return deal


def _form_errors(form: forms.Form) -> str:
    return " ".join(
        f"{form.fields[name].label}: {' '.join(errors)}" for name, errors in form.errors.items()
    )


def _back(request: HttpRequest) -> HttpResponseRedirect:
    return HttpResponseRedirect(safe_next(request, reverse("clients:deal_control")))


@require_POST
@capability_required(Capability.MANAGE_DEALS_OF_TEAM)
def deal_remind_view(request: HttpRequest, pk: int) -> HttpResponse:
    deal = _controlled_deal(request, pk)
    form = RemindForm(request.POST)
    if not form.is_valid():
        # Nothing is sent: a message cut short would not say what the supervisor wrote.
        messages.error(request, _form_errors(form))
        return _back(request)
    try:
        deal_remind(actor=request.user, deal=deal, message=form.cleaned_data["message"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("%(manager)s will get a reminder by e-mail.") % {"manager": deal.manager}
        )
    return _back(request)


@require_POST
@capability_required(Capability.MANAGE_DEALS_OF_TEAM)
def deal_reassign_view(request: HttpRequest, pk: int) -> HttpResponse:
    deal = _controlled_deal(request, pk)
    form = ReassignForm(request.POST)
    if not form.is_valid():
        if "manager" in form.errors:
            messages.error(request, _("Choose the manager to give the deal to."))
        else:
            messages.error(request, _form_errors(form))
        return _back(request)
    try:
        deal_reassign(actor=request.user, deal=deal, **form.cleaned_data)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("“%(deal)s” now belongs to %(manager)s.")
            % {"deal": deal, "manager": form.cleaned_data["manager"]},
        )
    return _back(request)
