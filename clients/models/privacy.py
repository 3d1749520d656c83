"""Personal data beyond phones and e-mails: postal addresses, and managers' correction requests."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from clients.models.base import Client, ContactPerson
from crm_project.core.capabilities import Capability, has_capability

if TYPE_CHECKING:
    from crm_project.accounts.models import User


class PostalAddress(models.Model):
    client = models.ForeignKey(
        Client,
        verbose_name=_("client"),
        on_delete=models.CASCADE,
        related_name="postal_addresses",
    )
    contact = models.ForeignKey(
        ContactPerson,
        verbose_name=_("contact person"),
        on_delete=models.CASCADE,
        related_name="postal_addresses",
        null=True,
        blank=True,
    )
    postcode = models.CharField(_("postcode"), max_length=20, blank=True)
    city = models.CharField(_("city"), max_length=100)
    street = models.CharField(_("street, house, office"), max_length=255)
    country = models.CharField(_("country"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("entered at"), auto_now_add=True, editable=False)

    class Meta:
        ordering = ["id"]
        verbose_name = _("postal address")
        verbose_name_plural = _("postal addresses")
        constraints = [
            models.CheckConstraint(
                condition=~Q(city="") & ~Q(street=""), name="clients_postaladdress_not_empty"
            ),
        ]

    def __str__(self) -> str:
        return ", ".join(part for part in (self.postcode, self.city, self.street) if part)


class CorrectionRequestQuerySet(models.QuerySet["CorrectionRequest"]):
    def visible_to(self, user: User) -> CorrectionRequestQuerySet:
        """Operators (and admins) see the whole queue; everyone else his own requests."""
        if has_capability(user, Capability.RESOLVE_CORRECTIONS):
            return self
        if has_capability(user, Capability.REQUEST_CORRECTION):
            return self.filter(requested_by=user)
        return self.none()

    def open(self) -> CorrectionRequestQuerySet:
        return self.filter(status=CorrectionRequest.Status.OPEN)


class CorrectionRequest(models.Model):
    """A manager's request that an operator correct a client's personal data."""

    class Field(models.TextChoices):
        CLIENT_NAME = "client_name", _("Client name")
        CONTACT_NAME = "contact_name", _("Contact person's name")
        PHONE = "phone", _("Phone number")
        EMAIL = "email", _("E-mail address")
        POSTAL_ADDRESS = "postal_address", _("Postal address")
        OTHER = "other", _("Something else")

    class Status(models.TextChoices):
        OPEN = "open", _("Waiting for an operator")
        DONE = "done", _("Done")
        REJECTED = "rejected", _("Rejected")

    client = models.ForeignKey(
        Client, verbose_name=_("client"), on_delete=models.CASCADE, related_name="corrections"
    )
    field = models.CharField(_("what is wrong"), max_length=20, choices=Field.choices)
    # What the requester saw, masked if he may not see it in full: never more than he saw.
    current_value = models.CharField(_("current value"), max_length=255, blank=True)
    proposed_value = models.CharField(_("proposed value"), max_length=255)
    comment = models.TextField(_("comment"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN, editable=False
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        related_name="correction_requests",
        editable=False,
    )
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True, editable=False)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("resolved by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        editable=False,
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True, editable=False)
    resolution_note = models.TextField(_("operator's note"), blank=True)

    objects = CorrectionRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("correction request")
        verbose_name_plural = _("correction requests")
        indexes = [
            models.Index(fields=["status", "created_at"]),
            models.Index(fields=["requested_by", "-created_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="open", resolved_at__isnull=True)
                | Q(status__in=["done", "rejected"], resolved_at__isnull=False),
                name="clients_correction_resolved_at_when_resolved",
            ),
            models.CheckConstraint(
                condition=~Q(status="rejected", resolution_note=""),
                name="clients_correction_rejection_has_note",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.client}: {self.get_field_display()}"
