"""Client transfers between managers and the admin-editable rules that make a client eligible."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from crm_project.core.capabilities import Capability, has_capability

if TYPE_CHECKING:
    from crm_project.accounts.models import User


class TransferRule(models.Model):
    """One reason a client becomes eligible for transfer to another manager."""

    class Kind(models.TextChoices):
        NO_INTERACTION = "no_interaction", _("No interaction for N days")
        DEAL_STUCK = "deal_stuck", _("A deal stuck in a stage for N days")
        MANAGER_LEAVING = "manager_leaving", _("The manager is leaving (within N days)")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    days = models.PositiveIntegerField(
        _("N, days"),
        help_text=_(
            "No interaction / deal stuck: after this many days. Manager leaving: this many days "
            "before the leaving date (a deactivated user's clients are eligible at once)."
        ),
    )
    warn_days = models.PositiveIntegerField(
        _("warn the manager, days before"),
        default=7,
        help_text=_("The manager sees the client at risk this many days before the rule fires."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("transfer rule")
        verbose_name_plural = _("transfer rules")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="manager_leaving") | Q(days__gt=0),
                name="clients_transferrule_days_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.days}"


class ManagerLeaving(models.Model):
    """A manager flagged as leaving: his clients become eligible for transfer ahead of time."""

    manager = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("manager"),
        on_delete=models.CASCADE,
        related_name="leaving",
    )
    leaves_on = models.DateField(_("leaves on"))
    note = models.CharField(_("note"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("flagged at"), auto_now_add=True)

    class Meta:
        ordering = ["leaves_on"]
        verbose_name = _("leaving manager")
        verbose_name_plural = _("leaving managers")

    def __str__(self) -> str:
        return f"{self.manager} ({self.leaves_on})"


class ClientTransferQuerySet(models.QuerySet["ClientTransfer"]):
    def visible_to(self, user: User) -> ClientTransferQuerySet:
        """Transfers are seen by those who make them (a supervisor his team's, an admin all)
        and by the two managers concerned."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if has_capability(user, Capability.TRANSFER_CLIENT):
            if user.is_admin:
                return self
            if user.team_id:
                return self.filter(
                    Q(from_manager__team_id=user.team_id)
                    | Q(to_manager__team_id=user.team_id)
                    | Q(transferred_by=user)
                )
            return self.filter(transferred_by=user)
        return self.filter(Q(from_manager=user) | Q(to_manager=user))


class ClientTransfer(models.Model):
    client = models.ForeignKey(
        "clients.Client",
        verbose_name=_("client"),
        on_delete=models.PROTECT,
        related_name="transfers",
    )
    from_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("from"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    to_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("to"), on_delete=models.PROTECT, related_name="+"
    )
    rule = models.ForeignKey(
        TransferRule,
        verbose_name=_("rule"),
        on_delete=models.SET_NULL,
        related_name="transfers",
        null=True,
        blank=True,
    )
    reason = models.TextField(_("reason"))
    deals_left = models.ManyToManyField(
        "clients.Deal",
        verbose_name=_("open deals left to the previous manager"),
        related_name="+",
        blank=True,
    )
    transferred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("transferred by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("transferred at"), auto_now_add=True)
    notified_at = models.DateTimeField(_("managers notified at"), null=True, blank=True)

    objects = ClientTransferQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("client transfer")
        verbose_name_plural = _("client transfers")
        indexes = [models.Index(fields=["client", "-created_at"])]
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="clients_transfer_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.client}: {self.from_manager or '—'} → {self.to_manager}"
