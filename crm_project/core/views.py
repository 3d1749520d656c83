"""Shared view building blocks (the capability mixin, keyset paging) and the home page.

Managers land on My day (interactions.views.my_day); the other roles on HomeView.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.contrib.auth.mixins import AccessMixin, LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from clients.models import Client
from crm_project.accounts.models import User
from crm_project.core import phones
from crm_project.core.capabilities import Capability, has_capability
from interactions.models import Interaction

PAGE_SIZE = 25


def add_bootstrap_classes(form: forms.BaseForm) -> forms.BaseForm:
    """Give each widget Bootstrap's class for its kind, so templates render fields plainly."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput | forms.RadioSelect):
            css_class = "form-check-input"
        elif isinstance(widget, forms.Select):
            css_class = "form-select"
        else:
            css_class = "form-control"
        widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css_class}".strip()
    return form


def shown_contact_name(interaction: Interaction, *, unmasked: bool) -> str:
    """The interaction's contact person's name, masked for whom it is not due."""
    name = interaction.contact.full_name if interaction.contact_id else ""
    return name if unmasked else phones.mask_name(name)


def show_contact_names(interactions: list[Interaction], *, unmasked: bool) -> list[Interaction]:
    """Set `shown_contact` on each (shown_contact_name)."""
    for interaction in interactions:
        interaction.shown_contact = shown_contact_name(interaction, unmasked=unmasked)
    return interactions


def mask_unknown_callers(interactions: list[Interaction]) -> list[Interaction]:
    """Set `masked_phone` (the number shown for a caller without a client) and `shown_contact`.

    Rows come annotated by `InteractionQuerySet.with_personal_data_access`, the one rule for
    who sees a caller's number and a contact person's name in full.
    """
    for interaction in interactions:
        interaction.shown_contact = shown_contact_name(
            interaction, unmasked=interaction.has_personal_data_access
        )
        if interaction.client_id is not None:
            interaction.masked_phone = ""
        elif interaction.has_personal_data_access:
            interaction.masked_phone = phones.format_for_display(interaction.phone_e164)
        else:
            interaction.masked_phone = phones.mask(interaction.phone_e164)
    return interactions


def offer_any_yes_no(field: forms.Field) -> None:
    """A yes/no filter reads "any / yes / no" rather than Django's "unknown / yes / no"."""
    field.widget.choices = [("unknown", _("Any")), ("true", _("Yes")), ("false", _("No"))]


def applied_hidden_filters(
    list_filter: django_filters.FilterSet, *, shown: set[str]
) -> list[dict[str, Any]]:
    """The filters a link applied that the form does not show (a report figure, a counter).

    Listed above the results so whoever followed a figure sees which set it is, and carried
    as hidden inputs so changing a visible filter keeps them.
    """
    form = list_filter.form
    applied = []
    for name, bound in ((name, form[name]) for name in form.fields):
        if name in shown or not list_filter.data.get(name):
            continue
        applied.append(
            {
                "label": bound.label,
                "values": list_filter.data.getlist(name),
                "name": name,
                "display": ", ".join(_display(bound, list_filter.data.getlist(name))),
            }
        )
    return applied


def _display(bound: forms.BoundField, values: list[str]) -> list[str]:
    choices = dict((str(key), label) for key, label in getattr(bound.field, "choices", ()) or ())
    return [str(choices.get(value, value)) for value in values]


class CapabilityRequiredMixin(AccessMixin):
    """Anonymous: redirect to the login page; signed in without `capability`: 403."""

    capability: str = ""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if self.capability and not has_capability(request.user, self.capability):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class HtmxPartialMixin:
    """For an htmx request answer with `partial_template_name` only (the page without layout)."""

    partial_template_name: str = ""
    request: HttpRequest

    def get_template_names(self) -> list[str]:
        htmx = getattr(self.request, "htmx", None)
        # A history restore after a cache miss wants the whole page, not the fragment.
        if self.partial_template_name and htmx and not htmx.history_restore_request:
            return [self.partial_template_name]
        return super().get_template_names()  # type: ignore[misc]

    def render_to_response(self, context: dict[str, Any], **kwargs: Any) -> HttpResponse:
        response = super().render_to_response(context, **kwargs)  # type: ignore[misc]
        patch_vary_headers(response, ("HX-Request",))
        return response


class KeysetPaginationMixin:
    """Newest first, `?after=<id>` for the next page: no OFFSET, no COUNT(*) of the table.

    One row more than the page is fetched to know whether a next page exists.
    """

    page_size = PAGE_SIZE
    request: HttpRequest

    def paginate_keyset(self, queryset: QuerySet) -> dict[str, Any]:
        after = self.request.GET.get("after", "")
        queryset = queryset.order_by("-id")
        if after.isdigit():
            queryset = queryset.filter(id__lt=int(after))
        rows = list(queryset[: self.page_size + 1])
        has_next = len(rows) > self.page_size
        rows = rows[: self.page_size]
        return {
            "rows": rows,
            "is_first_page": not after.isdigit(),
            "next_query": self._query_with(after=rows[-1].pk) if has_next else "",
            "first_query": self._query_with(after=None),
        }

    def _query_with(self, *, after: int | None) -> str:
        query = self.request.GET.copy()
        query.pop("after", None)
        if after is not None:
            query["after"] = str(after)
        return query.urlencode()


class HomeView(LoginRequiredMixin, TemplateView):
    """The landing page: each block is shown when the user has the capability behind it."""

    template_name = "core/home.html"
    latest_count = 10

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        works_with_clients = has_capability(user, Capability.LOG_INTERACTION) and not (
            has_capability(user, Capability.USE_FULL_ADMIN)
        )
        if works_with_clients:
            context["my_clients_count"] = Client.objects.owned_by(user).count()
            context["my_latest_interactions"] = self._latest(
                Interaction.objects.visible_to(user).filter(manager=user)
            )
        if has_capability(user, Capability.VIEW_TEAM_PERSONAL_DATA) and user.team_id:
            context["team"] = user.team
            context["team_members"] = (
                User.objects.active_managers()
                .filter(team_id=user.team_id)
                .annotate(clients_count=Count("clients"))
                .order_by("last_name", "first_name", "username")
            )
            context["team_latest_interactions"] = self._latest(
                Interaction.objects.visible_to(user).filter(team_id=user.team_id)
            )
        return context

    def _latest(self, queryset: QuerySet[Interaction]) -> list[Interaction]:
        rows = (
            queryset.with_personal_data_access(self.request.user)
            .select_related("client", "contact", "manager", "status")
            .order_by("-id")
        )
        return mask_unknown_callers(list(rows[: self.latest_count]))


_home_page = HomeView.as_view()


def home(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
    """A manager's home is My day; everyone else gets the page of their role's blocks."""
    if request.user.is_authenticated and request.user.is_manager:
        # Imported here: the journal's views build on the helpers of this module.
        from interactions.views.my_day import my_day

        return my_day(request)
    return _home_page(request, *args, **kwargs)
