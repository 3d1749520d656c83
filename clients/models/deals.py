"""Deals with controlled key stages: the stage picklist, deals, their stage history, reminders."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clients.models.base import LocalizedNameMixin, VersionedModel
from crm_project.core.capabilities import Capability, has_capability

if TYPE_CHECKING:
    from crm_project.accounts.models import User


class DealStageQuerySet(models.QuerySet["DealStage"]):
    def active(self) -> DealStageQuerySet:
        return self.filter(is_active=True)

    def open(self) -> DealStageQuerySet:
        """The working stages a deal goes through before it is won or lost, in order."""
        return self.active().filter(is_won=False, is_lost=False).order_by("position", "id")


class DealStage(LocalizedNameMixin, models.Model):
    """The admin-editable, ordered stage picklist (new → … → contract sent → won / lost)."""

    code = models.SlugField(
        _("code"), max_length=50, unique=True, help_text=_("Stable identifier for integrations.")
    )
    name = models.CharField(_("name"), max_length=100)
    position = models.PositiveIntegerField(_("position"), default=0)
    standard_days = models.PositiveIntegerField(
        _("standard number of days"),
        default=0,
        help_text=_("How long a deal may stay in this stage; 0: no deadline."),
    )
    is_won = models.BooleanField(_("won"), default=False)
    is_lost = models.BooleanField(_("lost"), default=False)
    is_active = models.BooleanField(_("active"), default=True)

    objects = DealStageQuerySet.as_manager()

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("deal stage")
        verbose_name_plural = _("deal stages")
        constraints = [
            models.CheckConstraint(
                condition=~Q(is_won=True, is_lost=True), name="clients_dealstage_won_or_lost"
            ),
            # "The" won and "the" lost stage: the counter and the points rely on one of each.
            models.UniqueConstraint(
                fields=["is_won"], condition=Q(is_won=True), name="clients_dealstage_one_won"
            ),
            models.UniqueConstraint(
                fields=["is_lost"], condition=Q(is_lost=True), name="clients_dealstage_one_lost"
            ),
        ]

    def __str__(self) -> str:
        return self.localized_name

    @property
    def is_closed(self) -> bool:
        return self.is_won or self.is_lost

    def due_at(self, entered_at: datetime.datetime) -> datetime.datetime | None:
        if self.is_closed or not self.standard_days:
            return None
        return entered_at + datetime.timedelta(days=self.standard_days)


class Currency(models.TextChoices):
    RUB = "RUB", _("Russian rouble")
    USD = "USD", _("US dollar")
    EUR = "EUR", _("Euro")
    CNY = "CNY", _("Chinese yuan")


class DealQuerySet(models.QuerySet["Deal"]):
    def visible_to(self, user: User) -> DealQuerySet:
        """A manager and a supervisor see their team's deals (and their own), an admin all."""
        if not has_capability(user, Capability.WORK_ON_DEALS):
            return self.none()
        if user.is_admin:
            return self
        if user.team_id is None:
            return self.filter(manager=user)
        return self.filter(Q(manager__team_id=user.team_id) | Q(manager=user))

    def open(self) -> DealQuerySet:
        return self.filter(state=Deal.State.OPEN)

    def won(self) -> DealQuerySet:
        return self.filter(state=Deal.State.WON)

    def overdue(self, now: datetime.datetime | None = None) -> DealQuerySet:
        """Open deals whose current stage is past its due date."""
        return self.open().filter(stage_due_at__lt=now or timezone.now())

    def overdue_unreported(self, now: datetime.datetime | None = None) -> DealQuerySet:
        """Overdue deals not yet in a supervisor's daily list for this overdue episode.

        An episode is one stay in one stage: its due date identifies it, so a deal that moves on
        and falls behind again is reported again.
        """
        return self.overdue(now).filter(
            Q(overdue_reported_due_at__isnull=True)
            | ~Q(overdue_reported_due_at=models.F("stage_due_at"))
        )


class Deal(VersionedModel):
    Currency = Currency

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        WON = "won", _("Won")
        LOST = "lost", _("Lost")

    client = models.ForeignKey(
        "clients.Client", verbose_name=_("client"), on_delete=models.PROTECT, related_name="deals"
    )
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("manager"),
        on_delete=models.PROTECT,
        related_name="deals",
    )
    title = models.CharField(_("title"), max_length=255)
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    currency = models.CharField(
        _("currency"), max_length=3, choices=Currency.choices, default=Currency.RUB
    )
    stage = models.ForeignKey(
        DealStage, verbose_name=_("stage"), on_delete=models.PROTECT, related_name="deals"
    )
    # Follows the stage (its won/lost flags) so counters filter one indexed column.
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.OPEN, editable=False
    )
    expected_close_date = models.DateField(_("expected close date"), null=True, blank=True)
    close_reason = models.TextField(_("reason won or lost"), blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True, editable=False)
    stage_entered_at = models.DateTimeField(_("in this stage since"), editable=False)
    stage_due_at = models.DateTimeField(_("stage due at"), null=True, blank=True, editable=False)
    # The due date of the overdue episode last reported to the supervisor (the daily list).
    overdue_reported_due_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(_("entered at"), auto_now_add=True, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = DealQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        verbose_name = _("deal")
        verbose_name_plural = _("deals")
        indexes = [
            models.Index(fields=["manager", "state"]),
            models.Index(fields=["state", "stage_due_at"]),
            models.Index(fields=["manager", "state", "closed_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gte=0), name="clients_deal_amount_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(currency__in=Currency.values), name="clients_deal_known_currency"
            ),
            models.CheckConstraint(condition=~Q(title=""), name="clients_deal_title_not_empty"),
            models.CheckConstraint(
                condition=Q(state="open", closed_at__isnull=True)
                | Q(state__in=["won", "lost"], closed_at__isnull=False),
                name="clients_deal_closed_at_when_closed",
            ),
            models.CheckConstraint(
                condition=~Q(state="lost", close_reason=""), name="clients_deal_lost_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("clients:deal_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.state == self.State.OPEN

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.stage_due_at is not None and self.stage_due_at < timezone.now()

    @property
    def days_in_stage(self) -> int:
        return max((timezone.now() - self.stage_entered_at).days, 0)

    @property
    def days_overdue(self) -> int:
        if not self.is_overdue:
            return 0
        return max((timezone.now() - self.stage_due_at).days, 0)


class DealStageChange(models.Model):
    """One move of a deal from one stage to another (from is empty when the deal is entered)."""

    deal = models.ForeignKey(
        Deal, verbose_name=_("deal"), on_delete=models.CASCADE, related_name="stage_changes"
    )
    from_stage = models.ForeignKey(
        DealStage,
        verbose_name=_("from stage"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    to_stage = models.ForeignKey(
        DealStage, verbose_name=_("to stage"), on_delete=models.PROTECT, related_name="+"
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    changed_at = models.DateTimeField(_("changed at"), default=timezone.now)
    is_out_of_order = models.BooleanField(
        _("backwards or skipping"),
        default=False,
        help_text=_("A move back or over a stage: only supervisors may make one."),
    )
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        ordering = ["-changed_at", "-id"]
        verbose_name = _("deal stage change")
        verbose_name_plural = _("deal stage changes")
        indexes = [models.Index(fields=["deal", "-changed_at"])]

    def __str__(self) -> str:
        return f"{self.from_stage or '—'} → {self.to_stage}"


class DealReminder(models.Model):
    """A supervisor's reminder to a manager about an overdue deal, sent by e-mail."""

    deal = models.ForeignKey(
        Deal, verbose_name=_("deal"), on_delete=models.CASCADE, related_name="reminders"
    )
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("manager"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    message = models.TextField(_("message"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("deal reminder")
        verbose_name_plural = _("deal reminders")

    def __str__(self) -> str:
        return f"{self.deal} → {self.manager}"
