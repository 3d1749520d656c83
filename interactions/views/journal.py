"""The journal: every manager's calls, meetings, e-mails and notes, newest first."""

from __future__ import annotations

from typing import Any

from django import forms
from django.views.generic import TemplateView

from crm_project.core.capabilities import Capability
from crm_project.core.choices import cache_choices
from crm_project.core.views import (
    CapabilityRequiredMixin,
    HtmxPartialMixin,
    KeysetPaginationMixin,
    add_bootstrap_classes,
    applied_hidden_filters,
    mask_unknown_callers,
)
from interactions.filters import InteractionFilter
from interactions.models import Interaction

# Fields of InteractionFilter offered in the page's form; `client` stays a URL parameter
# (the client card links to ?client=<id>) because a select of the whole base would not scale.
FORM_FIELDS = ("direction", "status", "manager", "source", "phone")
SHOWN_ELSEWHERE = {*FORM_FIELDS, "kind", "client"}


class InteractionListView(
    CapabilityRequiredMixin, HtmxPartialMixin, KeysetPaginationMixin, TemplateView
):
    capability = Capability.VIEW_JOURNAL
    template_name = "interactions/interaction_list.html"
    partial_template_name = "interactions/_interaction_results.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        queryset = (
            Interaction.objects.visible_to(self.request.user)
            .with_personal_data_access(self.request.user)
            .select_related("client", "contact", "manager", "status")
        )
        journal_filter = InteractionFilter(
            self.request.GET, queryset=queryset, request=self.request
        )
        # Six kinds read better as tick boxes than as a multiple select.
        kind_field = journal_filter.form.fields["kind"]
        kind_field.widget = forms.CheckboxSelectMultiple(choices=kind_field.choices)
        add_bootstrap_classes(journal_filter.form)
        cache_choices(journal_filter.form, "status", "manager")
        page = self.paginate_keyset(journal_filter.qs)
        mask_unknown_callers(page["rows"])
        context.update(
            page,
            filter=journal_filter,
            form_fields=[journal_filter.form[name] for name in FORM_FIELDS],
            hidden_filters=applied_hidden_filters(journal_filter, shown=SHOWN_ELSEWHERE),
            filtered_client=journal_filter.form.cleaned_data.get("client")
            if journal_filter.is_valid()
            else None,
        )
        return context
