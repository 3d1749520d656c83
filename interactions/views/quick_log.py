"""Quick logging from the client card: a call, meeting, e-mail or note in a few keystrokes.

With htmx the panel posts in place and gets back the new journal row and a fresh form; without
JavaScript it is a plain form that returns to the card.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from clients.models import Client
from clients.views import attach_contact_age, contacts_with_channels
from crm_project.core.capabilities import Capability
from crm_project.core.views import (
    CapabilityRequiredMixin,
    add_bootstrap_classes,
    shown_contact_name,
)
from interactions.forms import QUICK_LOG_FORMS, QuickLogForm, statuses_by_kind
from interactions.models import Interaction
from interactions.services import interaction_log

# Tells the plan counters elsewhere on the page to refresh themselves.
COUNTERS_CHANGED_EVENT = "crm:counters-changed"


class QuickLogView(CapabilityRequiredMixin, View):
    """GET: the form of one kind on a page of its own; POST: log the interaction."""

    capability = Capability.LOG_INTERACTION

    def setup(self, request: HttpRequest, *args: Any, **kwargs: Any) -> None:
        super().setup(request, *args, **kwargs)
        if kwargs["form_kind"] not in QUICK_LOG_FORMS:
            raise Http404
        self.form_kind = kwargs["form_kind"]

    def get(self, request: HttpRequest, client_pk: int, form_kind: str) -> HttpResponse:
        form = self._form(None)
        form.set_autofocus()
        return self._page(form)

    def post(self, request: HttpRequest, client_pk: int, form_kind: str) -> HttpResponse:
        form = self._form(request.POST)
        if form.is_valid():
            try:
                interaction = interaction_log(
                    actor=request.user, client=self.client, **form.service_arguments()
                )
            except ValidationError as error:
                form.add_service_error(error)
            else:
                return self._logged(interaction)
        if request.htmx:
            return self._panel(form)
        return self._page(form)

    def _form(self, data: Any) -> QuickLogForm:
        user = self.request.user
        self.client = get_object_or_404(
            Client.objects.visible_to(user).with_personal_data_access(user),
            pk=self.kwargs["client_pk"],
        )
        self.contacts, _phones, _emails = contacts_with_channels(self.client)
        form = QUICK_LOG_FORMS[self.form_kind](
            data, client=self.client, contacts=self.contacts, statuses=statuses_by_kind()
        )
        return add_bootstrap_classes(form)

    def _logged(self, interaction: Interaction) -> HttpResponse:
        if not self.request.htmx:
            messages.success(self.request, _("Logged: %(what)s.") % {"what": interaction})
            card = reverse("clients:detail", args=[self.client.pk])
            return redirect(f"{card}?log={self.form_kind}#client-journal")
        fresh = self._form(None)  # reloads the client: its last contact has just moved
        fresh.set_autofocus()
        attach_contact_age([self.client])
        interaction.shown_contact = shown_contact_name(
            interaction, unmasked=self.client.has_personal_data_access
        )
        response = render(
            self.request,
            "interactions/_quick_log_logged.html",
            {"form": fresh, "client": self.client, "interaction": interaction},
        )
        response["HX-Trigger"] = COUNTERS_CHANGED_EVENT
        return response

    def _panel(self, form: QuickLogForm) -> HttpResponse:
        return render(
            self.request,
            "interactions/_quick_log_form.html",
            {"form": form, "client": self.client, "use_htmx": True},
        )

    def _page(self, form: QuickLogForm) -> HttpResponse:
        attach_contact_age([self.client])
        return render(
            self.request,
            "interactions/quick_log.html",
            {
                "form": form,
                "client": self.client,
                "tabs": [(kind, form_class.title) for kind, form_class in QUICK_LOG_FORMS.items()],
            },
        )


quick_log = QuickLogView.as_view()
