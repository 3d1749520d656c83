"""The client base pages: list with search and filters, the client card, entering a client."""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.generic import DetailView, FormView, TemplateView

from clients.filters import ClientFilter
from clients.forms import ClientCreateForm
from clients.models import Client, ContactPerson, Email, Phone
from clients.services import ContactData, DuplicateContactError, client_create
from crm_project.accounts.models import User
from crm_project.core import phones
from crm_project.core.capabilities import Capability, has_capability
from crm_project.core.choices import cache_choices
from crm_project.core.views import (
    PAGE_SIZE,
    CapabilityRequiredMixin,
    HtmxPartialMixin,
    KeysetPaginationMixin,
    add_bootstrap_classes,
    offer_any_yes_no,
    show_contact_names,
)
from interactions.filters import InteractionFilter
from interactions.forms import quick_log_forms, statuses_by_kind
from interactions.models import Interaction, Kind

# Service errors are keyed by the service's argument names; the form names its fields.
SERVICE_FIELD_TO_FORM_FIELD = {"phones": "phone", "emails": "email"}

# What the search box holds decides which field of a new client it prefills.
_PHONE_LIKE = re.compile(r"[\d\s()+\-.]+")


def shown_phone(e164: str, *, unmasked: bool) -> str:
    return phones.format_for_display(e164) if unmasked else phones.mask(e164)


def shown_email(address: str, *, unmasked: bool) -> str:
    return address if unmasked else phones.mask_email(address)


def attach_contact_age(clients: list[Client]) -> None:
    """Set `days_since_contact` (None if never in touch), counted in the user's calendar days."""
    today = timezone.localdate()
    for client in clients:
        last = client.last_interaction_at
        client.days_since_contact = (
            None if last is None else max((today - timezone.localdate(last)).days, 0)
        )


def attach_contact_channels(clients: list[Client]) -> None:
    """Set `shown_phones`/`shown_emails` on each client, masked where the user may not see them.

    Needs `has_personal_data_access` from Client.objects.with_personal_data_access(user). Two
    queries of plain values whatever the number of clients (a list page has no use for the
    channels' model instances).
    """
    ids = [client.pk for client in clients]
    numbers: dict[int, list[str]] = defaultdict(list)
    for client_id, number in Phone.objects.filter(client_id__in=ids).values_list(
        "client_id", "number_e164"
    ):
        numbers[client_id].append(number)
    addresses: dict[int, list[str]] = defaultdict(list)
    for client_id, address in Email.objects.filter(client_id__in=ids).values_list(
        "client_id", "address"
    ):
        addresses[client_id].append(address)
    for client in clients:
        unmasked = client.has_personal_data_access
        client.shown_phones = [
            shown_phone(number, unmasked=unmasked) for number in numbers.get(client.pk, ())
        ]
        client.shown_emails = [
            shown_email(address, unmasked=unmasked) for address in addresses.get(client.pk, ())
        ]


def contacts_with_channels(client: Client) -> tuple[list[ContactPerson], list[str], list[str]]:
    """The client's contact persons, each with `shown_phones`/`shown_emails` (masked if due).

    Also returns the phones and e-mails that belong to the client itself, not to a person.
    Three queries whatever the number of contacts. Needs `has_personal_data_access`.
    """
    unmasked = client.has_personal_data_access
    phones_by_contact: dict[int | None, list[str]] = defaultdict(list)
    for phone in client.phones.all():
        phones_by_contact[phone.contact_id].append(
            shown_phone(phone.number_e164, unmasked=unmasked)
        )
    emails_by_contact: dict[int | None, list[str]] = defaultdict(list)
    for email in client.emails.all():
        emails_by_contact[email.contact_id].append(shown_email(email.address, unmasked=unmasked))
    contacts = list(client.contacts.all())
    for contact in contacts:
        # A contact person's name is personal data too (the API masks it the same way).
        contact.shown_name = contact.full_name if unmasked else phones.mask_name(contact.full_name)
        contact.shown_phones = phones_by_contact.pop(contact.pk, [])
        contact.shown_emails = emails_by_contact.pop(contact.pk, [])
    return contacts, phones_by_contact.get(None, []), emails_by_contact.get(None, [])


def new_client_query(text: str) -> str:
    """The query string that opens the new-client form prefilled with what was searched for."""
    text = text.strip()
    if "@" in text:
        field = "email"
    elif _PHONE_LIKE.fullmatch(text) and phones.to_e164_or_none(text):
        field = "phone"
    else:
        field = "name"
    return urlencode({field: text})


class ClientListView(
    CapabilityRequiredMixin, HtmxPartialMixin, KeysetPaginationMixin, TemplateView
):
    capability = Capability.VIEW_CLIENT_BASE
    template_name = "clients/client_list.html"
    partial_template_name = "clients/_client_results.html"
    # Search answers name this many matches in words above the table.
    verdict_size = 5

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        queryset = (
            Client.objects.visible_to(user)
            .with_personal_data_access(user)
            .select_related("responsible_manager", "team", "lead_source")
        )
        client_filter = ClientFilter(self.request.GET, queryset=queryset, request=self.request)
        add_bootstrap_classes(client_filter.form)
        cache_choices(client_filter.form, "lead_source", "responsible_manager")
        offer_any_yes_no(client_filter.form.fields["has_phone"])
        offer_any_yes_no(client_filter.form.fields["has_email"])
        page = self.paginate_keyset(client_filter.qs)
        attach_contact_channels(page["rows"])
        attach_contact_age(page["rows"])
        search = self.request.GET.get("q", "").strip()
        context.update(
            page,
            filter=client_filter,
            search=search,
            # "Not in the base" is said only of the whole base, not of a filtered part of it.
            other_filters=any(
                value not in ("", "unknown")
                for key, value in self.request.GET.items()
                if key not in ("q", "after")
            ),
            verdict_rows=page["rows"][: self.verdict_size] if search else [],
            search_query=urlencode({"q": search}),
            new_client_url=(
                f"{reverse('clients:create')}?{new_client_query(search)}" if search else ""
            ),
        )
        return context


class ClientDetailView(
    CapabilityRequiredMixin, HtmxPartialMixin, KeysetPaginationMixin, DetailView
):
    """The client card: details, contact persons, the journal and the quick-log panel.

    An htmx request (the journal's filter) gets the journal alone.
    """

    capability = Capability.VIEW_CLIENT_BASE
    template_name = "clients/client_detail.html"
    partial_template_name = "clients/_client_journal.html"
    context_object_name = "client"
    # As every list (crm_project.core.views.PAGE_SIZE): the card's newest 25, then "Older".
    page_size = PAGE_SIZE

    def get_queryset(self) -> QuerySet[Client]:
        user = self.request.user
        return (
            Client.objects.visible_to(user)
            .with_personal_data_access(user)
            .select_related("responsible_manager", "team", "lead_source", "created_by")
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        client = self.object
        attach_contact_age([client])
        if has_capability(user, Capability.VIEW_JOURNAL):
            context.update(self._journal(client))
        if self.request.htmx and not self.request.htmx.history_restore_request:
            return context
        contacts, client_phones, client_emails = contacts_with_channels(client)
        context.update(contacts=contacts, client_phones=client_phones, client_emails=client_emails)
        if has_capability(user, Capability.LOG_INTERACTION):
            context.update(quick_log_context(self.request, client, contacts))
        return context

    def paginate_keyset(self, queryset: QuerySet) -> dict[str, Any]:
        """Newest first by when it happened (or is planned for), `?after=<id>` for the next page.

        Back-dated entries and imported calls arrive out of id order, so the card orders by the
        interaction's moment; the cursor row's moment is read in the same query.
        """
        moment = Coalesce("occurred_at", "planned_at")
        queryset = queryset.annotate(moment=moment).order_by("-moment", "-id")
        after = self.request.GET.get("after", "")
        if after.isdigit():
            cursor = Subquery(
                Interaction.objects.filter(pk=int(after)).annotate(moment=moment).values("moment")
            )
            queryset = queryset.filter(Q(moment__lt=cursor) | Q(moment=cursor, id__lt=int(after)))
        rows = list(queryset[: self.page_size + 1])
        has_next = len(rows) > self.page_size
        rows = rows[: self.page_size]
        return {
            "rows": rows,
            "is_first_page": not after.isdigit(),
            "next_query": self._query_with(after=rows[-1].pk) if has_next else "",
            "first_query": self._query_with(after=None),
        }

    def _journal(self, client: Client) -> dict[str, Any]:
        queryset = (
            Interaction.objects.visible_to(self.request.user)
            .filter(client=client)
            .select_related("manager", "status", "contact")
        )
        journal_filter = InteractionFilter(
            self.request.GET, queryset=queryset, request=self.request
        )
        # Only the colleagues who worked with this client are worth offering.
        journal_filter.form.fields["manager"].queryset = User.objects.filter(
            Exists(Interaction.objects.filter(client=client, manager=OuterRef("pk")))
        )
        page = self.paginate_keyset(journal_filter.qs)
        return {
            "journal": show_contact_names(
                page.pop("rows"), unmasked=client.has_personal_data_access
            ),
            "journal_managers": list(journal_filter.form.fields["manager"].queryset),
            "journal_manager": self.request.GET.get("manager", ""),
            "journal_kinds": Kind.choices,
            "journal_kind": self.request.GET.get("kind", ""),
            "journal_is_filtered": bool(
                self.request.GET.get("manager") or self.request.GET.get("kind")
            ),
            **page,
        }


def quick_log_context(request: Any, client: Client, contacts: list[ContactPerson]) -> dict:
    """The quick-log panel's forms, one per kind, the one asked for by `?log=` in front."""
    active = request.GET.get("log", "")
    forms = quick_log_forms(client=client, contacts=contacts, statuses=statuses_by_kind())
    if active not in forms:
        active = next(iter(forms))
    for form_kind, form in forms.items():
        add_bootstrap_classes(form)
        if form_kind == active:
            form.set_autofocus()
    return {"quick_log_forms": forms, "quick_log_active": active}


class ClientCreateView(CapabilityRequiredMixin, FormView):
    capability = Capability.CREATE_CLIENT
    template_name = "clients/client_form.html"
    form_class = ClientCreateForm

    def get_initial(self) -> dict[str, Any]:
        # "Not in the base" on the client list links here with what was searched for.
        return {
            name: self.request.GET[name][:100]
            for name in ("name", "phone", "email")
            if self.request.GET.get(name)
        }

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
