"""Client filters shared by the HTML client list and the API."""

from __future__ import annotations

import datetime
import re

import django_filters
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clients.models import (
    Client,
    ClientTransfer,
    Consent,
    ContactPerson,
    CorrectionRequest,
    Deal,
    DealStage,
    DealStageChange,
    Email,
    LeadSource,
    Phone,
    PointsEntry,
)
from crm_project.accounts.models import User
from crm_project.core import phones
from crm_project.core.api.filters import IsoDateTimeFilter

# What a phone number typed any way looks like: digits, spaces, brackets, dashes, dots, a plus.
_PHONE_ONLY = re.compile(r"[\d\s()+\-.]+")


class ClientFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Phone, e-mail, company or person"), method="filter_search"
    )
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Client.Status.choices)
    lead_source = django_filters.ModelChoiceFilter(
        label=_("Lead source"), queryset=LeadSource.objects.all()
    )
    responsible_manager = django_filters.ModelChoiceFilter(
        label=_("Responsible manager"), queryset=User.objects.active_managers()
    )
    mine = django_filters.BooleanFilter(label=_("Only my clients"), method="filter_mine")
    no_contact_days = django_filters.NumberFilter(
        label=_("No contact for more than N days"), method="filter_no_contact_days", min_value=0
    )
    has_phone = django_filters.BooleanFilter(label=_("Has a phone"), method="filter_has_phone")
    has_email = django_filters.BooleanFilter(label=_("Has an e-mail"), method="filter_has_email")
    phone = django_filters.CharFilter(label=_("Phone (any format)"), method="filter_phone")
    # The records behind a figure of the supervisor's reports (reports.builders).
    managers = django_filters.ModelMultipleChoiceFilter(
        label=_("Responsible managers"),
        field_name="responsible_manager",
        queryset=User.objects.all(),
    )
    has_consent = django_filters.BooleanFilter(
        label=_("Has a mailing consent"), method="filter_has_consent"
    )
    has_lead_source = django_filters.BooleanFilter(
        label=_("Has a lead source"), field_name="lead_source", lookup_expr="isnull", exclude=True
    )
    created_after = IsoDateTimeFilter(
        label=_("Entered from"), field_name="created_at", lookup_expr="gte"
    )
    created_before = IsoDateTimeFilter(
        label=_("Entered until"), field_name="created_at", lookup_expr="lt"
    )

    class Meta:
        model = Client
        fields = ["status", "lead_source", "responsible_manager"]

    def filter_search(self, queryset: QuerySet[Client], name: str, value: str) -> QuerySet[Client]:
        text = value.strip()
        if not text:
            return queryset
        e164 = phones.to_e164_or_none(text) if any(ch.isdigit() for ch in text) else None
        has_phone = Exists(Phone.objects.filter(client=OuterRef("pk"), number_e164=e164))
        if e164 and _PHONE_ONLY.fullmatch(text):
            # A phone number and nothing else: one lookup in the unique index, not a scan of
            # every name in the base for the digits.
            return queryset.filter(has_phone)
        condition = Q(name__icontains=text)
        if e164:
            condition |= Q(has_phone)
        if "@" in text:
            condition |= Q(
                Exists(Email.objects.filter(client=OuterRef("pk"), address__iexact=text))
            )
        condition |= Q(
            Exists(
                ContactPerson.objects.filter(client=OuterRef("pk")).filter(
                    Q(last_name__icontains=text) | Q(first_name__icontains=text)
                )
            )
        )
        return queryset.filter(condition)

    def filter_mine(self, queryset: QuerySet[Client], name: str, value: bool) -> QuerySet[Client]:
        if value and self.request is not None:
            return queryset.filter(responsible_manager=self.request.user)
        return queryset

    def filter_no_contact_days(
        self, queryset: QuerySet[Client], name: str, value: int
    ) -> QuerySet[Client]:
        if value is None:
            return queryset
        since = timezone.now() - datetime.timedelta(days=int(value))
        return queryset.filter(
            Q(last_interaction_at__lt=since) | Q(last_interaction_at__isnull=True)
        )

    def filter_has_phone(
        self, queryset: QuerySet[Client], name: str, value: bool
    ) -> QuerySet[Client]:
        exists = Exists(Phone.objects.filter(client=OuterRef("pk")))
        return queryset.filter(exists if value else ~exists)

    def filter_has_email(
        self, queryset: QuerySet[Client], name: str, value: bool
    ) -> QuerySet[Client]:
        exists = Exists(Email.objects.filter(client=OuterRef("pk")))
        return queryset.filter(exists if value else ~exists)

    def filter_phone(self, queryset: QuerySet[Client], name: str, value: str) -> QuerySet[Client]:
        e164 = phones.to_e164_or_none(value)
        if e164 is None:
            return queryset.none()
        return queryset.filter(
            Exists(Phone.objects.filter(client=OuterRef("pk"), number_e164=e164))
        )

    def filter_has_consent(
        self, queryset: QuerySet[Client], name: str, value: bool | None
    ) -> QuerySet[Client]:
        if value is None:
            return queryset
        consent = mailing_consent_exists()
        return queryset.filter(consent if value else ~consent)


def mailing_consent_exists() -> Q:
    """A client has a mailing consent when one of its phones or e-mails has it given.

    Shared with the data-quality report (reports.builders.quality).
    """
    given = {"client": OuterRef("pk"), "consent": Consent.GIVEN}
    return Q(Exists(Phone.objects.filter(**given))) | Q(Exists(Email.objects.filter(**given)))


class DealFilter(django_filters.FilterSet):
    """Deals for the HTML list, the API, and the plan counter's link (reports.selectors)."""

    scope = django_filters.ChoiceFilter(
        label=_("Whose"),
        choices=[("mine", _("Mine")), ("team", _("My team's"))],
        method="filter_scope",
        empty_label=_("All I may see"),
    )
    q = django_filters.CharFilter(label=_("Title or client"), method="filter_search")
    client = django_filters.ModelChoiceFilter(label=_("Client"), queryset=Client.objects.all())
    manager = django_filters.ModelChoiceFilter(
        label=_("Manager"), queryset=User.objects.filter(role=User.Role.MANAGER)
    )
    stage = django_filters.ModelChoiceFilter(label=_("Stage"), queryset=DealStage.objects.all())
    state = django_filters.ChoiceFilter(label=_("State"), choices=Deal.State.choices)
    overdue = django_filters.BooleanFilter(label=_("Overdue"), method="filter_overdue")
    closed_after = IsoDateTimeFilter(
        label=_("Closed from"), field_name="closed_at", lookup_expr="gte"
    )
    closed_before = IsoDateTimeFilter(
        label=_("Closed before"), field_name="closed_at", lookup_expr="lt"
    )
    # The deals behind a figure of the supervisor's reports (reports.builders.deals).
    managers = django_filters.ModelMultipleChoiceFilter(
        label=_("Managers"), field_name="manager", queryset=User.objects.all()
    )
    currency = django_filters.ChoiceFilter(label=_("Currency"), choices=Deal.Currency.choices)
    lead_source = django_filters.ModelChoiceFilter(
        label=_("Client's lead source"),
        field_name="client__lead_source",
        queryset=LeadSource.objects.all(),
    )
    has_lead_source = django_filters.BooleanFilter(
        label=_("Client has a lead source"),
        field_name="client__lead_source",
        lookup_expr="isnull",
        exclude=True,
    )
    reached_stage = django_filters.ModelChoiceFilter(
        label=_("Reached the stage"), queryset=DealStage.objects.all(), method="filter_reached"
    )
    reached_after = IsoDateTimeFilter(label=_("Reached from"), method="filter_reached")
    reached_before = IsoDateTimeFilter(label=_("Reached before"), method="filter_reached")

    class Meta:
        model = Deal
        fields = ["client", "manager", "stage", "state"]

    def filter_scope(self, queryset: QuerySet[Deal], name: str, value: str) -> QuerySet[Deal]:
        user = getattr(self.request, "user", None)
        if user is None or not value:
            return queryset
        if value == "mine":
            return queryset.filter(manager=user)
        return queryset.filter(manager__team_id=user.team_id) if user.team_id else queryset

    def filter_search(self, queryset: QuerySet[Deal], name: str, value: str) -> QuerySet[Deal]:
        text = value.strip()
        if not text:
            return queryset
        return queryset.filter(Q(title__icontains=text) | Q(client__name__icontains=text))

    def filter_overdue(self, queryset: QuerySet[Deal], name: str, value: bool) -> QuerySet[Deal]:
        if value is None:
            return queryset
        overdue = Deal.objects.overdue().values("pk")
        return queryset.filter(pk__in=overdue) if value else queryset.exclude(pk__in=overdue)

    def filter_reached(self, queryset: QuerySet[Deal], name: str, value: object) -> QuerySet[Deal]:
        # The three reached_* fields describe one stage change: filter_queryset applies them.
        return queryset

    def filter_queryset(self, queryset: QuerySet[Deal]) -> QuerySet[Deal]:
        queryset = super().filter_queryset(queryset)
        data = self.form.cleaned_data
        change = {
            lookup: data[name]
            for name, lookup in (
                ("reached_stage", "to_stage"),
                ("reached_after", "changed_at__gte"),
                ("reached_before", "changed_at__lt"),
            )
            if data.get(name) is not None
        }
        if not change:
            return queryset
        return queryset.filter(
            Exists(DealStageChange.objects.filter(deal=OuterRef("pk"), **change))
        )


class DealStageChangeFilter(django_filters.FilterSet):
    deal = django_filters.ModelChoiceFilter(label=_("Deal"), queryset=Deal.objects.all())
    changed_by = django_filters.ModelChoiceFilter(
        label=_("Changed by"), queryset=User.objects.all()
    )
    is_out_of_order = django_filters.BooleanFilter(label=_("Backwards or skipping"))

    class Meta:
        model = DealStageChange
        fields = ["deal", "changed_by", "is_out_of_order"]


class ClientTransferFilter(django_filters.FilterSet):
    client = django_filters.ModelChoiceFilter(label=_("Client"), queryset=Client.objects.all())
    from_manager = django_filters.ModelChoiceFilter(label=_("From"), queryset=User.objects.all())
    to_manager = django_filters.ModelChoiceFilter(label=_("To"), queryset=User.objects.all())

    class Meta:
        model = ClientTransfer
        fields = ["client", "from_manager", "to_manager"]


class PointsEntryFilter(django_filters.FilterSet):
    user = django_filters.ModelChoiceFilter(label=_("Earned by"), queryset=User.objects.all())
    reason = django_filters.ChoiceFilter(label=_("Reason"), choices=PointsEntry.Reason.choices)
    earned_after = IsoDateTimeFilter(label=_("From"), field_name="created_at", lookup_expr="gte")
    earned_before = IsoDateTimeFilter(label=_("Until"), field_name="created_at", lookup_expr="lt")

    class Meta:
        model = PointsEntry
        fields = ["user", "reason"]


class CorrectionRequestFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=CorrectionRequest.Status.choices
    )
    client = django_filters.NumberFilter(label=_("Client"), field_name="client_id")

    class Meta:
        model = CorrectionRequest
        fields = ["status", "client"]
