"""The client base pages: list with search and filters, the client card, entering a client."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet, prefetch_related_objects
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.generic import DetailView, FormView, TemplateView

from clients.filters import ClientFilter
from clients.forms import ClientCreateForm
from clients.models import Client
from clients.services import ContactData, DuplicateContactError, client_create
from crm_project.core import phones
from crm_project.core.capabilities import Capability, has_capability
from crm_project.core.views import (
    CapabilityRequiredMixin,
    HtmxPartialMixin,
    KeysetPaginationMixin,
    add_bootstrap_classes,
    offer_any_yes_no,
)
from interactions.models import Interaction

# Service errors are keyed by the service's argument names; the form names its fields.
SERVICE_FIELD_TO_FORM_FIELD = {"phones": "phone", "emails": "email"}


def shown_phone(e164: str, *, unmasked: bool) -> str:
    return phones.format_international(e164) if unmasked else phones.mask(e164)


def shown_email(address: str, *, unmasked: bool) -> str:
    return address if unmasked else phones.mask_email(address)


def attach_contact_channels(clients: list[Client]) -> None:
    """Set `shown_phones`/`shown_emails` on each client, masked where the user may not see them.

    Needs `has_personal_data_access` from Client.objects.with_personal_data_access(user).
    """
    prefetch_related_objects(clients, "phones", "emails")
    for client in clients:
        unmasked = client.has_personal_data_access
        client.shown_phones = [
            shown_phone(phone.number_e164, unmasked=unmasked) for phone in client.phones.all()
        ]
        client.shown_emails = [
            shown_email(email.address, unmasked=unmasked) for email in client.emails.all()
        ]


class ClientListView(
    CapabilityRequiredMixin, HtmxPartialMixin, KeysetPaginationMixin, TemplateView
):
    capability = Capability.VIEW_CLIENT_BASE
    template_name = "clients/client_list.html"
    partial_template_name = "clients/_client_results.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        queryset = (
            Client.objects.visible_to(user)
            .with_personal_data_access(user)
            .select_related("responsible_manager", "lead_source")
        )
        client_filter = ClientFilter(self.request.GET, queryset=queryset, request=self.request)
        add_bootstrap_classes(client_filter.form)
        offer_any_yes_no(client_filter.form.fields["has_phone"])
        offer_any_yes_no(client_filter.form.fields["has_email"])
        page = self.paginate_keyset(client_filter.qs)
        attach_contact_channels(page["rows"])
        context.update(page, filter=client_filter)
        return context


class ClientDetailView(CapabilityRequiredMixin, DetailView):
    capability = Capability.VIEW_CLIENT_BASE
    template_name = "clients/client_detail.html"
    context_object_name = "client"
    journal_size = 50

    def get_queryset(self) -> QuerySet[Client]:
        user = self.request.user
        return (
            Client.objects.visible_to(user)
            .with_personal_data_access(user)
            .select_related("responsible_manager", "team", "lead_source", "created_by")
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        client = self.object
        unmasked = client.has_personal_data_access
        phones_by_contact: dict[int | None, list[str]] = defaultdict(list)
        for phone in client.phones.all():
            phones_by_contact[phone.contact_id].append(
                shown_phone(phone.number_e164, unmasked=unmasked)
            )
        emails_by_contact: dict[int | None, list[str]] = defaultdict(list)
        for email in client.emails.all():
            emails_by_contact[email.contact_id].append(
                shown_email(email.address, unmasked=unmasked)
            )
        contacts = list(client.contacts.all())
        for contact in contacts:
            contact.shown_phones = phones_by_contact.pop(contact.pk, [])
            contact.shown_emails = emails_by_contact.pop(contact.pk, [])
        context.update(
            contacts=contacts,
            client_phones=phones_by_contact.get(None, []),
            client_emails=emails_by_contact.get(None, []),
            journal=self._journal(client),
        )
        return context

    def _journal(self, client: Client) -> list[Interaction]:
        if not has_capability(self.request.user, Capability.VIEW_JOURNAL):
            return []
        return list(
            Interaction.objects.visible_to(self.request.user)
            .filter(client=client)
            .select_related("manager", "status", "contact")
            .order_by("-id")[: self.journal_size]
        )


class ClientCreateView(CapabilityRequiredMixin, FormView):
    capability = Capability.CREATE_CLIENT
    template_name = "clients/client_form.html"
    form_class = ClientCreateForm

    def get_form(self, form_class: type[ClientCreateForm] | None = None) -> ClientCreateForm:
        return add_bootstrap_classes(super().get_form(form_class))

    def form_valid(self, form: ClientCreateForm) -> HttpResponse:
        data = form.cleaned_data
        contact = None
        if form.has_contact():
            contact = ContactData(
                last_name=data["last_name"],
                first_name=data["first_name"],
                middle_name=data["middle_name"],
                position=data["position"],
                phones=[data["phone"]] if data["phone"] else [],
                emails=[data["email"]] if data["email"] else [],
            )
        try:
            client = client_create(
                actor=self.request.user,
                name=data["name"],
                kind=data["kind"],
                status=data["status"],
                lead_source=data["lead_source"],
                primary_contact=contact,
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The client has been entered."))
        return redirect(client)


def add_service_errors(form: ClientCreateForm, error: ValidationError) -> None:
    """Put a service's ValidationError on the form fields it names (or on the whole form)."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for key, field_errors in error.message_dict.items():
        field = SERVICE_FIELD_TO_FORM_FIELD.get(key, key)
        if field not in form.fields:
            field = None
        for message in field_errors:
            if isinstance(error, DuplicateContactError):
                message = format_html(
                    '{} <a href="{}" class="alert-link">{}</a>',
                    message,
                    error.client.get_absolute_url(),
                    _("Open the client"),
                )
            form.add_error(field, message)
