"""Every write of the reports app: plans, snapshots, and the audit entry of an export."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from crm_project.accounts.models import Team, User
from crm_project.core.audit import audit_record, diff, snapshot
from crm_project.core.capabilities import Capability, has_capability
from reports.builders import REGISTRY, Period, ReportParameters, Scope
from reports.builders.base import team_managers
from reports.models import Plan, ReportSnapshot

PLAN_FIELDS = ("contacts_target", "meetings_target", "deals_target")
# The most a target may be: a typo of three extra zeros is refused rather than stored.
MAX_TARGET = 100_000


# Plans ------------------------------------------------------------------------------------------


def _check_may_plan(actor: User, manager: User) -> None:
    if not has_capability(actor, Capability.MANAGE_PLANS):
        raise PermissionDenied(_("You may not set plans."))
    if not manager.is_active or not manager.is_manager:
        raise ValidationError({"manager": [_("Plans are set for active managers only.")]})
    if not actor.is_admin and (actor.team_id is None or manager.team_id != actor.team_id):
        raise PermissionDenied(_("You may set plans only for the managers of your team."))


def _validate_targets(targets: dict[str, int]) -> None:
    errors = {
        name: [_("Give a whole number from 0 to %(max)s.") % {"max": MAX_TARGET}]
        for name, value in targets.items()
        if not isinstance(value, int) or not 0 <= value <= MAX_TARGET
    }
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def plan_set(
    *,
    actor: User,
    manager: User,
    month: datetime.date,
    contacts_target: int,
    meetings_target: int,
    deals_target: int,
) -> Plan:
    """Set a manager's targets for a month (creating the plan or changing it), audited.

    Supervisors set plans for the active managers of their own team, admins for any.
    """
    _check_may_plan(actor, manager)
    targets = {
        "contacts_target": contacts_target,
        "meetings_target": meetings_target,
        "deals_target": deals_target,
    }
    _validate_targets(targets)
    month = month.replace(day=1)
    plan = Plan.objects.select_for_update().filter(manager=manager, month=month).first()
    if plan is None:
        plan = Plan.objects.create(manager=manager, month=month, created_by=actor, **targets)
        audit_record(
            actor=actor,
            action="reports.plan.set",
            target=plan,
            changes={"manager": manager.pk, "month": month, **targets},
        )
        return plan
    before = snapshot(plan, PLAN_FIELDS)
    for name, value in targets.items():
        setattr(plan, name, value)
    changes = diff(before, snapshot(plan, PLAN_FIELDS))
    if changes:
        plan.save(update_fields=[*changes, "updated_at"])
        audit_record(actor=actor, action="reports.plan.changed", target=plan, changes=changes)
    return plan


@transaction.atomic
def plan_copy_forward(*, actor: User, team: Team, month: datetime.date) -> list[Plan]:
    """Copy the previous month's plans of the team's active managers into `month`.

    A manager who already has a plan for `month` keeps it. Returns the plans created.
    """
    if not has_capability(actor, Capability.MANAGE_PLANS):
        raise PermissionDenied(_("You may not set plans."))
    if not actor.is_admin and team.pk != actor.team_id:
        raise PermissionDenied(_("You may set plans only for the managers of your team."))
    month = month.replace(day=1)
    previous = (month - datetime.timedelta(days=1)).replace(day=1)
    managers = User.objects.active_managers().filter(team=team)
    already = set(
        Plan.objects.filter(manager__in=managers, month=month).values_list("manager_id", flat=True)
    )
    created = []
    sources = Plan.objects.filter(manager__in=managers, month=previous).select_related("manager")
    for source in sources:
        if source.manager_id in already:
            continue
        plan = Plan.objects.create(
            manager=source.manager,
            month=month,
            created_by=actor,
            **{name: getattr(source, name) for name in PLAN_FIELDS},
        )
        audit_record(
            actor=actor,
            action="reports.plan.copied",
            target=plan,
            changes={"from_plan": source.pk, "month": month, **snapshot(plan, PLAN_FIELDS)},
        )
        created.append(plan)
    return created


# Exports ----------------------------------------------------------------------------------------


def report_exported(
    *, actor: User, scope: Scope, report_key: str, file_format: str, parameters: dict[str, Any]
) -> None:
    """Audit an export of a report (figures leave the CRM)."""
    audit_record(
        actor=actor,
        action="reports.report.exported",
        target=scope.team or actor,
        changes={"report": report_key, "format": file_format, **parameters},
    )


# Snapshots --------------------------------------------------------------------------------------

# The reports a snapshot stores, in this order.
SNAPSHOT_REPORTS = ("activity", "fulfilment", "quality", "calls", "lead-sources")


def snapshot_period(kind: str, day: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The day, the week (Monday to Sunday) or the calendar month that contains `day`."""
    if kind == ReportSnapshot.Kind.DAILY:
        return day, day
    if kind == ReportSnapshot.Kind.WEEKLY:
        monday = day - datetime.timedelta(days=day.weekday())
        return monday, monday + datetime.timedelta(days=6)
    first = day.replace(day=1)
    following = (first.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return first, following - datetime.timedelta(days=1)


def snapshot_build(*, team: Team, kind: str, day: datetime.date) -> tuple[ReportSnapshot, bool]:
    """Build and store the team's snapshot of the period containing `day`: (snapshot, created).

    Idempotent: a snapshot stored before (a retried or duplicated run) is returned unchanged;
    the unique constraint on kind, team and period settles a race between two builders.
    """
    if kind not in ReportSnapshot.Kind.values:
        raise ValidationError({"kind": [_("Unknown snapshot kind.")]})
    start, end = snapshot_period(kind, day)
    existing = ReportSnapshot.objects.filter(kind=kind, team=team, period_start=start).first()
    if existing is not None:
        return existing, False
    zone = timezone.get_default_timezone()
    period = Period(start, end, zone)
    scope = Scope(team=team, managers=team_managers(team))
    parameters = ReportParameters()
    # Stored in the company's language and time zone: the snapshot is read by everyone alike.
    with translation.override(settings.LANGUAGE_CODE), timezone.override(zone):
        data = {
            key: REGISTRY[key].build(period, scope, parameters).as_dict()
            for key in SNAPSHOT_REPORTS
        }
    try:
        with transaction.atomic():
            created = ReportSnapshot.objects.create(
                kind=kind,
                team=team,
                period_start=start,
                period_end=end,
                parameters={
                    **period.as_dict(),
                    "team": team.pk,
                    "time_zone": str(zone),
                    **parameters.as_dict(),
                },
                data=data,
            )
    except IntegrityError:
        return ReportSnapshot.objects.get(kind=kind, team=team, period_start=start), False
    return created, True


def snapshots_missing(*, kind: str, day: datetime.date) -> list[int]:
    """The teams without their snapshot of `kind` for the period containing `day` (their ids).

    Teams created after the period ended have nothing to report for it and are left out.
    """
    start, end = snapshot_period(kind, day)
    period_over = timezone.make_aware(
        datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min)
    )
    built = ReportSnapshot.objects.filter(kind=kind, period_start=start).values("team_id")
    teams = Team.objects.filter(created_at__lt=period_over).exclude(pk__in=built)
    return list(teams.order_by("pk").values_list("pk", flat=True))


def snapshot_notify(*, snapshot: ReportSnapshot) -> int:
    """E-mail the team's supervisors a summary of the snapshot with a link to it."""
    supervisors = User.objects.filter(
        team_id=snapshot.team_id, role=User.Role.SUPERVISOR, is_active=True
    ).exclude(email="")
    link = f"{settings.REPORTS_BASE_URL.rstrip('/')}{snapshot.get_absolute_url()}"
    sent = 0
    for supervisor in supervisors:
        with translation.override(supervisor.language or settings.LANGUAGE_CODE):
            context = {"snapshot": snapshot, "link": link, "summary": snapshot_summary(snapshot)}
            subject = _("%(kind)s report for %(team)s: %(start)s to %(end)s") % {
                "kind": snapshot.get_kind_display(),
                "team": snapshot.team,
                "start": snapshot.period_start.isoformat(),
                "end": snapshot.period_end.isoformat(),
            }
            body = render_to_string("reports/emails/snapshot.txt", context)
        sent += send_mail(subject, body, None, [supervisor.email])
    return sent


def snapshot_summary(snapshot: ReportSnapshot) -> list[tuple[str, Any]]:
    """The team totals of the activity report, for the e-mail."""
    activity = snapshot.data.get("activity", {})
    for section in activity.get("sections", []):
        if section.get("key") != "by_kind" or not section.get("rows"):
            continue
        total = section["rows"][-1]
        return [
            (column, cell.get("value"))
            for column, cell in zip(section["columns"][1:], total["cells"], strict=False)
        ]
    return []
