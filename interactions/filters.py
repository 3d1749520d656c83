"""Journal filters shared by the HTML journal and the API."""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from clients.models import Client, Phone
from crm_project.accounts.models import User
from crm_project.core import phones
from interactions.models import KINDS_BY_DIRECTION, Direction, Interaction, InteractionStatus, Kind
from interactions.selectors import COUNTER_CHOICES, COUNTERS


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
    occurred_after = django_filters.IsoDateTimeFilter(
        label=_("From"), field_name="occurred_at", lookup_expr="gte"
    )
    occurred_before = django_filters.IsoDateTimeFilter(
        label=_("Until"), field_name="occurred_at", lookup_expr="lt"
    )
    phone = django_filters.CharFilter(label=_("Phone (any format)"), method="filter_phone")
    # The records behind a plan counter on My day (interactions.selectors defines each set).
    counter = django_filters.ChoiceFilter(
        label=_("Counted as"), choices=COUNTER_CHOICES, method="filter_counter"
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
