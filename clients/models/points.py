"""The points ledger: credit for entering a new client's primary contact."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from crm_project.core.capabilities import Capability, has_capability

if TYPE_CHECKING:
    from crm_project.accounts.models import User


class PointsQuerySet(models.QuerySet["PointsEntry"]):
    def visible_to(self, user: User) -> PointsQuerySet:
        """Everyone sees his own entries, a supervisor also his team's, an admin all."""
        if not has_capability(user, Capability.VIEW_OWN_POINTS):
            return self.none()
        if user.is_admin:
            return self
        if has_capability(user, Capability.VIEW_TEAM_POINTS) and user.team_id:
            return self.filter(Q(user__team_id=user.team_id) | Q(user=user))
        return self.filter(user=user)


class PointsEntry(models.Model):
    class Reason(models.TextChoices):
        PRIMARY_CONTACT = "primary_contact", _("Primary contact entered")
        PRIMARY_CONTACT_DEAL_WON = "primary_contact_deal_won", _("Deal won with your client")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("earned by"),
        on_delete=models.PROTECT,
        related_name="points_entries",
    )
    points = models.IntegerField(_("points"))
    reason = models.CharField(_("reason"), max_length=40, choices=Reason.choices)
    client = models.ForeignKey(
        "clients.Client",
        verbose_name=_("client"),
        on_delete=models.PROTECT,
        related_name="points_entries",
    )
    deal = models.ForeignKey(
        "clients.Deal",
        verbose_name=_("deal"),
        on_delete=models.PROTECT,
        related_name="points_entries",
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(_("earned at"), auto_now_add=True)

    objects = PointsQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("points entry")
        verbose_name_plural = _("points entries")
        indexes = [models.Index(fields=["user", "-created_at"])]
        constraints = [
            # Each credit is earned once: a client's entry once, each won deal once, whatever
            # re-runs or races happen.
            models.UniqueConstraint(
                fields=["client"],
                condition=Q(reason="primary_contact"),
                name="clients_points_primary_contact_once",
            ),
            models.UniqueConstraint(
                fields=["deal", "reason"],
                condition=Q(deal__isnull=False),
                name="clients_points_deal_credit_once",
            ),
            models.CheckConstraint(
                condition=Q(reason="primary_contact") | Q(deal__isnull=False),
                name="clients_points_deal_credit_has_deal",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.points:+d} ({self.get_reason_display()})"
