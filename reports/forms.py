"""Input of the report pages and the plan form."""

from __future__ import annotations

import datetime
import re
from typing import Any

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from crm_project.accounts.models import User
from reports.builders import Period, ReportParameters
from reports.services import MAX_TARGET

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MONTH_PATTERN = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


def max_period_days() -> int:
    return settings.REPORTS_MAX_PERIOD_DAYS


def check_period(
    date_from: datetime.date, date_to: datetime.date, *, fields: tuple[str, str]
) -> dict[str, str]:
    """The errors of a period: it ends before it starts, or it is longer than allowed."""
    if date_to < date_from:
        return {fields[1]: _("The period ends before it starts.")}
    days = (date_to - date_from).days + 1
    if days > max_period_days():
        return {
            fields[1]: ngettext(
                "A report may span at most %(max)s day.",
                "A report may span at most %(max)s days.",
                max_period_days(),
            )
            % {"max": max_period_days()}
        }
    return {}


class ReportFilterForm(forms.Form):
    """Period, team, manager and the parameters some reports use; all optional in the URL.

    Team and manager are ids: whether the user may see them is the scope's question
    (reports.builders.base.resolve_scope answers 403 or 404), not a form error.
    """

    date_from = forms.DateField(label=_("From"), required=False, widget=DATE_WIDGET)
    date_to = forms.DateField(label=_("To"), required=False, widget=DATE_WIDGET)
    team = forms.IntegerField(label=_("Team"), required=False, min_value=1, widget=forms.Select)
    manager = forms.IntegerField(
        label=_("Manager"), required=False, min_value=1, widget=forms.Select
    )
    compare_from = forms.DateField(
        label=_("Compare with: from"), required=False, widget=DATE_WIDGET
    )
    compare_to = forms.DateField(label=_("Compare with: to"), required=False, widget=DATE_WIDGET)
    idle_days = forms.IntegerField(
        label=_("No interaction for N days"),
        required=False,
        min_value=1,
        max_value=3650,
        widget=forms.NumberInput(attrs={"placeholder": ReportParameters.idle_days}),
    )
    stale_hours = forms.IntegerField(
        label=_("“Taken into work” for more than N hours"),
        required=False,
        min_value=1,
        max_value=24 * 365,
        widget=forms.NumberInput(attrs={"placeholder": ReportParameters.stale_hours}),
    )

    def offer(self, *, teams: list, managers: tuple[User, ...]) -> None:
        """Fill the selects with what the user may choose (any id parses; see the docstring)."""
        self.fields["team"].widget.choices = [(team.pk, team.name) for team in teams]
        self.fields["manager"].widget.choices = [("", _("Every manager"))] + [
            (manager.pk, str(manager)) for manager in managers
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        today = timezone.localdate()
        date_from = data.get("date_from") or today.replace(day=1)
        date_to = data.get("date_to") or today
        for field, message in check_period(
            date_from, date_to, fields=("date_from", "date_to")
        ).items():
            self.add_error(field, message)
        data["date_from"], data["date_to"] = date_from, date_to
        compare_from, compare_to = data.get("compare_from"), data.get("compare_to")
        if bool(compare_from) != bool(compare_to):
            self.add_error("compare_to", _("Give both dates of the period to compare with."))
        elif compare_from and compare_to:
            for field, message in check_period(
                compare_from, compare_to, fields=("compare_from", "compare_to")
            ).items():
                self.add_error(field, message)
        return data

    def period(self) -> Period:
        data = self.cleaned_data
        return Period(data["date_from"], data["date_to"], timezone.get_current_timezone())

    def parameters(self) -> ReportParameters:
        data = self.cleaned_data
        defaults = ReportParameters()
        return ReportParameters(
            compare_from=data.get("compare_from"),
            compare_to=data.get("compare_to"),
            stale_hours=data.get("stale_hours") or defaults.stale_hours,
            idle_days=data.get("idle_days") or defaults.idle_days,
        )


def parse_month(value: str | None) -> datetime.date:
    """YYYY-MM to the month's first day; anything else: this month."""
    match = MONTH_PATTERN.match(value or "")
    if match is None:
        return timezone.localdate().replace(day=1)
    return datetime.date(int(match[1]), int(match[2]), 1)


TARGET_LABELS = {
    "contacts_target": _("Contacts to take"),
    "meetings_target": _("Meetings to hold"),
    "deals_target": _("Deals to close"),
}


class TeamPlanForm(forms.Form):
    """One row of three targets per manager of the team for one month."""

    def __init__(
        self, *args: Any, managers: list[User], plans: dict[int, Any], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.managers = managers
        for manager in managers:
            plan = plans.get(manager.pk)
            for name, label in TARGET_LABELS.items():
                self.fields[self.field_name(manager, name)] = forms.IntegerField(
                    label=f"{manager} · {label}",
                    min_value=0,
                    max_value=MAX_TARGET,
                    required=False,
                    initial=getattr(plan, name) if plan else None,
                    widget=forms.NumberInput(attrs={"class": "form-control form-control-sm"}),
                )

    @staticmethod
    def field_name(manager: User, target: str) -> str:
        return f"m{manager.pk}_{target}"

    def rows(self) -> list[tuple[User, list[forms.BoundField]]]:
        return [
            (manager, [self[self.field_name(manager, name)] for name in TARGET_LABELS])
            for manager in self.managers
        ]

    def targets(self) -> list[tuple[User, dict[str, int]]]:
        """The managers whose row was filled in (an empty row sets no plan), with targets."""
        result = []
        for manager in self.managers:
            values = {
                name: self.cleaned_data.get(self.field_name(manager, name))
                for name in TARGET_LABELS
            }
            if all(value is None for value in values.values()):
                continue
            result.append((manager, {name: value or 0 for name, value in values.items()}))
        return result
