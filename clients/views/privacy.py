"""Personal data pages: the audited client card, correction requests, data-subject requests."""

from __future__ import annotations

import csv
import json
import re
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django.views.generic import FormView, TemplateView

from clients.models import Client, ContactPerson, CorrectionRequest
from clients.services import (
    correction_request_create,
    correction_request_resolve,
    person_erase,
    person_export,
    person_export_rows,
    personal_data_viewed,
)
from clients.views.base import ClientDetailView, contacts_with_channels, shown_email, shown_phone
from crm_project.core.audit import request_ip
from crm_project.core.capabilities import Capability, has_capability
from crm_project.core.models import AuditEntry
from crm_project.core.spreadsheets import formula_safe
from crm_project.core.views import (
    CapabilityRequiredMixin,
    KeysetPaginationMixin,
    add_bootstrap_classes,
)

HISTORY_SIZE = 30
# A normalised phone number is data, not a formula, though it starts with "+".
E164 = re.compile(r"\+\d{6,15}")


class ClientCardView(ClientDetailView):
    """The client card, plus: the unmasked display is audited, the requester's corrections,
    and the client's personal-data history for supervisors."""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        htmx = getattr(self.request, "htmx", None)
        if htmx and not htmx.history_restore_request:
            return context
        user, client = self.request.user, self.object
        if client.has_personal_data_access:
            personal_data_viewed(
                actor=user, client=client, via="card", ip_address=request_ip(self.request)
            )
        if has_capability(user, Capability.REQUEST_CORRECTION):
            context["my_corrections"] = list(
                CorrectionRequest.objects.filter(client=client, requested_by=user)[:10]
            )
        if has_capability(user, Capability.VIEW_CLIENT_HISTORY) and client.has_personal_data_access:
            context["personal_data_history"] = list(
                AuditEntry.objects.for_object(client).select_related("actor")[:HISTORY_SIZE]
            )
        return context


def correction_targets(client: Client, user: Any) -> list[tuple[str, str]]:
    """(value, label) for each piece of the client's personal data, shown as `user` may see it."""
    client = Client.objects.with_personal_data_access(user).get(pk=client.pk)
    unmasked = client.has_personal_data_access
    targets = [(f"client_name:{client.pk}", _("Client name: %(name)s") % {"name": client.name})]
    contacts, _phones, _emails = contacts_with_channels(client)
    for contact in contacts:
        name = contact.full_name if unmasked else _("contact person no. %(n)s") % {"n": contact.pk}
        targets.append((f"contact_name:{contact.pk}", _("Name: %(name)s") % {"name": name}))
    for phone in client.phones.all():
        shown = shown_phone(phone.number_e164, unmasked=unmasked)
        targets.append((f"phone:{phone.pk}", _("Phone: %(value)s") % {"value": shown}))
    for email in client.emails.all():
        shown = shown_email(email.address, unmasked=unmasked)
        targets.append((f"email:{email.pk}", _("E-mail: %(value)s") % {"value": shown}))
    for address in client.postal_addresses.all():
        shown = str(address) if unmasked else _("postal address no. %(n)s") % {"n": address.pk}
        targets.append((f"postal_address:{address.pk}", _("Address: %(value)s") % {"value": shown}))
    targets.append(("other:", _("Something else (say what in the comment)")))
    return targets


class CorrectionRequestForm(forms.Form):
    target = forms.ChoiceField(label=gettext_lazy("What is wrong"))
    proposed_value = forms.CharField(label=gettext_lazy("Correct value"), max_length=255)
    comment = forms.CharField(
        label=gettext_lazy("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, targets: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["target"].choices = targets
        self.labels = dict(targets)


class CorrectionCreateView(CapabilityRequiredMixin, FormView):
    capability = Capability.REQUEST_CORRECTION
    template_name = "clients/correction_form.html"
    form_class = CorrectionRequestForm

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        # Signed out: the login redirect, not a 404 from the empty visible set.
        if has_capability(request.user, self.capability):
            clients = Client.objects.visible_to(request.user)
            self.client = get_object_or_404(clients, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self) -> dict[str, Any]:
        return {
            **super().get_form_kwargs(),
            "targets": correction_targets(self.client, self.request.user),
        }

    def get_form(self, form_class: Any = None) -> Any:
        return add_bootstrap_classes(super().get_form(form_class))

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(client=self.client, **kwargs)

    def form_valid(self, form: CorrectionRequestForm) -> HttpResponse:
        target = form.cleaned_data["target"]
        label = form.labels[target]
        _shown, _colon, current = label.partition(": ")
        try:
            correction_request_create(
                actor=self.request.user,
                client=self.client,
                field=target.split(":")[0],
                current_value=current if target != "other:" else "",
                proposed_value=form.cleaned_data["proposed_value"],
                comment=form.cleaned_data["comment"],
                ip_address=request_ip(self.request),
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Your request has been sent to the operators."))
        return redirect(self.client)


class MyCorrectionListView(CapabilityRequiredMixin, KeysetPaginationMixin, TemplateView):
    capability = Capability.REQUEST_CORRECTION
    template_name = "clients/correction_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        queryset = CorrectionRequest.objects.filter(requested_by=self.request.user).select_related(
            "client", "requested_by", "resolved_by"
        )
        return super().get_context_data(
            title=_("My correction requests"),
            is_queue=False,
            **self.paginate_keyset(queryset),
            **kwargs,
        )


class CorrectionQueueView(CapabilityRequiredMixin, KeysetPaginationMixin, TemplateView):
    """The operators' queue: open requests first page by page; ?status=done|rejected|all."""

    capability = Capability.RESOLVE_CORRECTIONS
    template_name = "clients/correction_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        status = self.request.GET.get("status", CorrectionRequest.Status.OPEN)
        queryset: QuerySet[CorrectionRequest] = CorrectionRequest.objects.visible_to(
            self.request.user
        ).select_related("client", "requested_by", "resolved_by")
        if status in CorrectionRequest.Status.values:
            queryset = queryset.filter(status=status)
        return super().get_context_data(
            title=_("Correction requests"),
            is_queue=True,
            status=status,
            statuses=CorrectionRequest.Status.choices,
            **self.paginate_keyset(queryset),
            **kwargs,
        )


@require_POST
def correction_resolve_view(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request)
    if not has_capability(request.user, Capability.RESOLVE_CORRECTIONS):
        raise PermissionDenied
    correction = get_object_or_404(CorrectionRequest.objects.visible_to(request.user), pk=pk)
    try:
        correction_request_resolve(
            actor=request.user,
            request=correction,
            status=request.POST.get("status", ""),
            note=request.POST.get("note", ""),
            ip_address=request_ip(request),
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("clients:correction_queue")
    messages.success(request, _("The request has been resolved."))
    return redirect("clients:correction_queue")


def redirect_to_login(request: HttpRequest) -> HttpResponse:
    from django.contrib.auth.views import redirect_to_login as to_login

    return to_login(request.get_full_path())


# Data-subject requests ----------------------------------------------------------------------


class DataSubjectView(CapabilityRequiredMixin, TemplateView):
    """An administrator's page: export or erase the client (a private person) or a contact."""

    capability = Capability.HANDLE_DATA_SUBJECT_REQUESTS
    template_name = "clients/data_subject.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        client = get_object_or_404(Client.objects.visible_to(self.request.user), pk=kwargs["pk"])
        return super().get_context_data(
            client=client, contacts=list(client.contacts.all()), **kwargs
        )


def _subject(request: HttpRequest, kind: str, pk: int) -> Client | ContactPerson:
    if not request.user.is_authenticated:
        raise PermissionDenied
    if not has_capability(request.user, Capability.HANDLE_DATA_SUBJECT_REQUESTS):
        raise PermissionDenied
    clients = Client.objects.visible_to(request.user)
    if kind == "client":
        return get_object_or_404(clients, pk=pk)
    if kind == "contact":
        return get_object_or_404(ContactPerson.objects.filter(client__in=clients), pk=pk)
    raise Http404


@require_POST
def person_export_view(request: HttpRequest, kind: str, pk: int, file_format: str) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request)
    subject = _subject(request, kind, pk)
    if file_format not in ("json", "csv"):
        raise Http404
    try:
        data = person_export(actor=request.user, subject=subject, ip_address=request_ip(request))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(
            "clients:data_subject", pk=subject.pk if kind == "client" else subject.client_id
        )
    filename = f"person-{kind}-{pk}.{file_format}"
    if file_format == "json":
        response = HttpResponse(
            json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
            content_type="application/json",
        )
    else:
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        writer = csv.writer(response)
        writer.writerow(["section", "id", "field", "value"])
        for row in person_export_rows(data):
            writer.writerow([csv_safe(value) for value in row])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_POST
def person_erase_view(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request)
    subject = _subject(request, kind, pk)
    client_id = subject.pk if kind == "client" else subject.client_id
    try:
        person_erase(actor=request.user, subject=subject, ip_address=request_ip(request))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The person's data has been erased."))
    return redirect("clients:data_subject", pk=client_id)


def csv_safe(value: Any) -> Any:
    """A cell as text, formulas neutralised; a full phone number (+7…) is data, not a formula."""
    text = "" if value is None else str(value)
    if E164.fullmatch(text):
        return text
    return formula_safe(text)
