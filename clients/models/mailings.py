"""Mailing lists over the client base: segments, e-mail campaigns and their recipients."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from clients.models.base import Client, Email, LeadSource
from crm_project.core.capabilities import Capability, has_capability

if TYPE_CHECKING:
    from crm_project.accounts.models import User


class SegmentQuerySet(models.QuerySet["Segment"]):
    def visible_to(self, user: User) -> SegmentQuerySet:
        """Admins see every segment, a supervisor his team's, a manager his own."""
        if not has_capability(user, Capability.BUILD_SEGMENTS):
            return self.none()
        if has_capability(user, Capability.VIEW_ALL_PERSONAL_DATA):
            return self
        if has_capability(user, Capability.VIEW_TEAM_PERSONAL_DATA) and user.team_id:
            return self.filter(Q(team_id=user.team_id) | Q(created_by=user))
        return self.filter(created_by=user)


class Segment(models.Model):
    """Saved filters over the clients its author may see in full; the audience of campaigns."""

    name = models.CharField(_("name"), max_length=150)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("built by"),
        on_delete=models.PROTECT,
        related_name="segments",
        editable=False,
    )
    team = models.ForeignKey(
        "accounts.Team",
        verbose_name=_("team"),
        on_delete=models.PROTECT,
        related_name="segments",
        null=True,
        blank=True,
        editable=False,
    )
    created_at = models.DateTimeField(_("built at"), auto_now_add=True, editable=False)
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible manager"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    status = models.CharField(
        _("client status"), max_length=20, choices=Client.Status.choices, blank=True
    )
    lead_source = models.ForeignKey(
        LeadSource,
        verbose_name=_("lead source"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    no_contact_days = models.PositiveIntegerField(
        _("last contact more than N days ago"), null=True, blank=True
    )
    has_bought = models.BooleanField(
        _("has bought"), null=True, blank=True, help_text=_("Has a won deal.")
    )

    objects = SegmentQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("segment")
        verbose_name_plural = _("segments")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("clients:segment_detail", args=[self.pk])


class CampaignQuerySet(models.QuerySet["Campaign"]):
    def visible_to(self, user: User) -> CampaignQuerySet:
        return self.filter(segment__in=Segment.objects.visible_to(user))


class Campaign(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SENDING = "sending", _("Sending")
        DONE = "done", _("Sent")

    segment = models.ForeignKey(
        Segment, verbose_name=_("segment"), on_delete=models.PROTECT, related_name="campaigns"
    )
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("text"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT, editable=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(_("written at"), auto_now_add=True, editable=False)
    started_at = models.DateTimeField(_("sending started"), null=True, blank=True, editable=False)
    finished_at = models.DateTimeField(_("sending finished"), null=True, blank=True, editable=False)

    objects = CampaignQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        constraints = [
            models.CheckConstraint(condition=~Q(subject=""), name="clients_campaign_has_subject"),
        ]

    def __str__(self) -> str:
        return self.subject

    def get_absolute_url(self) -> str:
        return reverse("clients:campaign_detail", args=[self.pk])


class CampaignRecipient(models.Model):
    """One address of a campaign; its status row is what makes sending resumable and once-only."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Delivered to the mail server")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Skipped: consent withdrawn")

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="recipients"
    )
    email = models.ForeignKey(
        Email,
        verbose_name=_("e-mail address"),
        on_delete=models.SET_NULL,
        related_name="+",
        null=True,
        blank=True,
    )
    client = models.ForeignKey(
        Client, verbose_name=_("client"), on_delete=models.CASCADE, related_name="+"
    )
    address = models.EmailField(_("address"), max_length=254)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    error = models.CharField(_("error"), max_length=255, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("campaign recipient")
        verbose_name_plural = _("campaign recipients")
        indexes = [models.Index(fields=["campaign", "status"])]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "address"], name="clients_recipient_once_per_campaign"
            ),
        ]

    def __str__(self) -> str:
        return self.address
