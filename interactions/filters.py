"""Journal filters shared by the HTML journal and the API."""

from __future__ import annotations

import datetime

import django_filters
from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery
from django.utils.translation import gettext_lazy as _

from clients.models import Client, LeadSource, Phone
from crm_project.accounts.models import User
from crm_project.core import phones
from crm_project.core.api.filters import IsoDateTimeFilter
from interactions.models import (
    KINDS_BY_DIRECTION,
    Direction,
    Interaction,
    InteractionStatus,
    Kind,
)
from interactions.selectors import COUNTER_CHOICES, COUNTERS
from interactions.telephony.events import NOT_ANSWERED

# Sets the supervisor's reports count (reports.builders). Each is defined once here and used
# both by a report's aggregate and by the journal filter behind the figure's link, so a figure
# and the list it opens cannot drift apart.


def earlier_incoming_call_exists() -> Exists:
    """True for an incoming call whose number had called before (a repeat caller)."""
    return Exists(
        Interaction.objects.filter(
            kind=Kind.INCOMING_CALL,
            phone_e164=OuterRef("phone_e164"),
            occurred_at__lt=OuterRef("occurred_at"),
        ).exclude(phone_e164="")
    )


def missed_call_q() -> Q:
    """An incoming call nobody answered: the phone system says so, or its status does."""
    return Q(kind=Kind.INCOMING_CALL) & (
        Q(call_outcome__in=sorted(NOT_ANSWERED)) | Q(status__code="missed")
    )


def first_callback_at() -> Subquery:
    """When the caller was first called back: the next outgoing call to the client or number."""
    later_calls = Interaction.objects.filter(
        kind=Kind.OUTGOING_CALL,
        occurred_at__isnull=False,
        occurred_at__gt=OuterRef("occurred_at"),
    ).filter(
        Q(client_id=OuterRef("client_id"))
        | (Q(phone_e164=OuterRef("phone_e164")) & ~Q(phone_e164=""))
    )
    return Subquery(later_calls.order_by("occurred_at").values("occurred_at")[:1])


CALLBACK_WITHIN_HOUR = "within_hour"
CALLBACK_WITHIN_DAY = "within_day"
CALLBACK_LATER = "later"
CALLBACK_NEVER = "never"
CALLBACK_CHOICES = [
    (CALLBACK_WITHIN_HOUR, _("Called back within an hour")),
    (CALLBACK_WITHIN_DAY, _("Called back within a day")),
    (CALLBACK_LATER, _("Called back later")),
    (CALLBACK_NEVER, _("Not called back")),
]


def callback_q(bucket: str) -> Q:
    """Needs `first_callback_at` annotated (first_callback_at())."""
    hour = F("occurred_at") + datetime.timedelta(hours=1)
    day = F("occurred_at") + datetime.timedelta(days=1)
    return {
        CALLBACK_WITHIN_HOUR: Q(first_callback_at__lte=hour),
        CALLBACK_WITHIN_DAY: Q(first_callback_at__gt=hour, first_callback_at__lte=day),
        CALLBACK_LATER: Q(first_callback_at__gt=day),
        CALLBACK_NEVER: Q(first_callback_at__isnull=True),
    }[bucket]


class InteractionFilter(django_filters.FilterSet):
    client = django_filters.ModelChoiceFilter(label=_("Client"), queryset=Client.objects.all())
    manager = django_filters.ModelChoiceFilter(
        label=_("Manager"), queryset=User.objects.filter(is_active=True)
    )
    kind = django_filters.MultipleChoiceFilter(label=_("Kind"), choices=Kind.choices)
    direction = django_filters.ChoiceFilter(
        label=_("Direction"), choices=Direction.choices, method="filter_direction"
    )
    status = django_filters.ModelChoiceFilter(
        label=_("Status"), queryset=InteractionStatus.objects.all()
    )
    status_code = django_filters.CharFilter(label=_("Status code"), field_name="status__code")
    source = django_filters.ChoiceFilter(label=_("Source"), choices=Interaction.Source.choices)
    occurred_after = IsoDateTimeFilter(label=_("From"), field_name="occurred_at", lookup_expr="gte")
    occurred_before = IsoDateTimeFilter(
        label=_("Until"), field_name="occurred_at", lookup_expr="lt"
    )
    phone = django_filters.CharFilter(label=_("Phone (any format)"), method="filter_phone")
    # The records behind a plan counter on My day (interactions.selectors defines each set).
    counter = django_filters.ChoiceFilter(
        label=_("Counted as"), choices=COUNTER_CHOICES, method="filter_counter"
    )
    # The records behind a figure of the supervisor's reports (reports.builders).
    managers = django_filters.ModelMultipleChoiceFilter(
        label=_("Managers"), field_name="manager", queryset=User.objects.all()
    )
    counted = django_filters.BooleanFilter(
        label=_("Counts in plans and reports"), method="filter_counted"
    )
    planned_after = IsoDateTimeFilter(
        label=_("Planned from"), field_name="planned_at", lookup_expr="gte"
    )
    planned_before = IsoDateTimeFilter(
        label=_("Planned until"), field_name="planned_at", lookup_expr="lt"
    )
    has_occurred = django_filters.BooleanFilter(
        label=_("Took place"), field_name="occurred_at", lookup_expr="isnull", exclude=True
    )
    has_status = django_filters.BooleanFilter(
        label=_("Has a status"), field_name="status", lookup_expr="isnull", exclude=True
    )
    has_result = django_filters.BooleanFilter(label=_("Has a result"), method="filter_has_result")
    status_changed_before = IsoDateTimeFilter(
        label=_("Status set before"), field_name="status_changed_at", lookup_expr="lt"
    )
    first_time = django_filters.BooleanFilter(
        label=_("First call from the number"), method="filter_first_time"
    )
    missed = django_filters.BooleanFilter(label=_("Missed call"), method="filter_missed")
    callback = django_filters.ChoiceFilter(
        label=_("Call-back"), choices=CALLBACK_CHOICES, method="filter_callback"
    )
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

    class Meta:
        model = Interaction
        fields = ["client", "manager", "kind", "status", "source"]

    def filter_direction(
        self, queryset: QuerySet[Interaction], name: str, value: str
    ) -> QuerySet[Interaction]:
        return queryset.filter(kind__in=KINDS_BY_DIRECTION[value]) if value else queryset

    def filter_counter(
        self, queryset: QuerySet[Interaction], name: str, value: str
    ) -> QuerySet[Interaction]:
        return COUNTERS[value](queryset) if value else queryset

    def filter_phone(
        self, queryset: QuerySet[Interaction], name: str, value: str
    ) -> QuerySet[Interaction]:
        e164 = phones.to_e164_or_none(value)
        if e164 is None:
            return queryset.none()
        return queryset.filter(
            Q(phone_e164=e164)
            | Q(client__in=Phone.objects.filter(number_e164=e164).values("client_id"))
        )

    def filter_counted(
        self, queryset: QuerySet[Interaction], name: str, value: bool | None
    ) -> QuerySet[Interaction]:
        if value is None:
            return queryset
        counted = queryset.counted()
        return counted if value else queryset.exclude(pk__in=counted.values("pk"))

    def filter_has_result(
        self, queryset: QuerySet[Interaction], name: str, value: bool | None
    ) -> QuerySet[Interaction]:
        if value is None:
            return queryset
        return queryset.exclude(result="") if value else queryset.filter(result="")

    def filter_first_time(
        self, queryset: QuerySet[Interaction], name: str, value: bool | None
    ) -> QuerySet[Interaction]:
        if value is None:
            return queryset
        repeat = earlier_incoming_call_exists()
        return queryset.filter(kind=Kind.INCOMING_CALL).filter(~repeat if value else repeat)

    def filter_missed(
        self, queryset: QuerySet[Interaction], name: str, value: bool | None
    ) -> QuerySet[Interaction]:
        if value is None:
            return queryset
        return queryset.filter(missed_call_q()) if value else queryset.exclude(missed_call_q())

    def filter_callback(
        self, queryset: QuerySet[Interaction], name: str, value: str
    ) -> QuerySet[Interaction]:
        if not value:
            return queryset
        return queryset.annotate(first_callback_at=first_callback_at()).filter(callback_q(value))
