"""Client filters shared by the HTML client list and the API."""

from __future__ import annotations

import datetime

import django_filters
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clients.models import Client, ContactPerson, Email, LeadSource, Phone
from crm_project.accounts.models import User
from crm_project.core import phones


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

    class Meta:
        model = Client
        fields = ["status", "lead_source", "responsible_manager"]

    def filter_search(self, queryset: QuerySet[Client], name: str, value: str) -> QuerySet[Client]:
        text = value.strip()
        if not text:
            return queryset
        condition = Q(name__icontains=text)
        e164 = phones.to_e164_or_none(text) if any(ch.isdigit() for ch in text) else None
        if e164:
            condition |= Q(Exists(Phone.objects.filter(client=OuterRef("pk"), number_e164=e164)))
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
