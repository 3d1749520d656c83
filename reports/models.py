from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from crm_project.core.capabilities import Capability, has_capability

if TYPE_CHECKING:
    from crm_project.accounts.models import User


class PlanQuerySet(models.QuerySet["Plan"]):
    def visible_to(self, user: User) -> PlanQuerySet:
        """A manager sees his own plans, a supervisor his team's, an admin everyone's."""
        if has_capability(user, Capability.VIEW_REPORTS):
            if user.is_admin:
                return self
            if user.team_id is None:
                # manager__team_id=None would mean "IS NULL": every teamless manager's plans.
                return self.filter(manager=user)
            return self.filter(Q(manager__team_id=user.team_id) | Q(manager=user))
        if has_capability(user, Capability.VIEW_OWN_PLAN):
            return self.filter(manager=user)
        return self.none()


class Plan(models.Model):
    """A manager's targets for one calendar month."""

    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("manager"),
        on_delete=models.PROTECT,
        related_name="plans",
    )
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    contacts_target = models.PositiveIntegerField(_("contacts to take"), default=0)
    meetings_target = models.PositiveIntegerField(_("meetings to hold"), default=0)
    deals_target = models.PositiveIntegerField(_("deals to close"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("set by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(_("set at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = PlanQuerySet.as_manager()

    class Meta:
        ordering = ["-month", "manager_id"]
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        constraints = [
            models.UniqueConstraint(fields=["manager", "month"], name="reports_plan_one_per_month"),
            models.CheckConstraint(condition=Q(month__day=1), name="reports_plan_month_first_day"),
        ]

    def __str__(self) -> str:
        return f"{self.manager} {self.month:%Y-%m}"


class ReportSnapshotQuerySet(models.QuerySet["ReportSnapshot"]):
    def visible_to(self, user: User) -> ReportSnapshotQuerySet:
        """Team reports: the team's supervisor reads its snapshots, an admin every team's."""
        if not has_capability(user, Capability.VIEW_REPORTS):
            return self.none()
        if user.is_admin:
            return self
        if user.team_id is None:
            return self.none()
        return self.filter(team_id=user.team_id)


class ReportSnapshot(models.Model):
    """A team's reports for one day, week or month, built by Celery and never edited.

    `data` holds the figures as the report pages showed them at `built_at` (with the link behind
    each figure); `parameters` the inputs they were built with.
    """

    class Kind(models.TextChoices):
        DAILY = "daily", _("Daily")
        WEEKLY = "weekly", _("Weekly")
        MONTHLY = "monthly", _("Monthly")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    team = models.ForeignKey(
        "accounts.Team",
        verbose_name=_("team"),
        on_delete=models.PROTECT,
        related_name="report_snapshots",
    )
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"), help_text=_("The last day, included."))
    parameters = models.JSONField(_("parameters"), default=dict)
    data = models.JSONField(_("figures"), default=dict)
    built_at = models.DateTimeField(_("built at"), auto_now_add=True)

    objects = ReportSnapshotQuerySet.as_manager()

    class Meta:
        ordering = ["-period_start", "kind", "team_id"]
        verbose_name = _("report snapshot")
        verbose_name_plural = _("report snapshots")
        constraints = [
            # Building the same snapshot twice (a retried or duplicated beat) stores one.
            models.UniqueConstraint(
                fields=["kind", "team", "period_start"], name="reports_snapshot_one_per_period"
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="reports_snapshot_period_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.team} {self.period_start:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("reports:snapshot_detail", args=[self.pk])
