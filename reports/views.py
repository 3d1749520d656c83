"""Report pages, their exports, the supervisor's board, plans and snapshots."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet, Sum
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.generic import DetailView, ListView

from crm_project.accounts.models import Team, User
from crm_project.core.capabilities import Capability, has_capability
from crm_project.core.views import CapabilityRequiredMixin, add_bootstrap_classes
from interactions.views.my_day import capability_required
from reports import exports
from reports.builders import REGISTRY, Report, ReportDefinition, resolve_scope
from reports.builders.base import Scope, may_view_reports, next_month, team_managers, teams_for
from reports.forms import ReportFilterForm, TeamPlanForm, parse_month
from reports.models import Plan, ReportSnapshot
from reports.selectors import team_board
from reports.services import SNAPSHOT_REPORTS, plan_copy_forward, plan_set, report_exported

TEMPLATES = "reports/"


def _require_report_access(request: HttpRequest) -> HttpResponse | None:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not may_view_reports(request.user):
        raise PermissionDenied
    return None


def _definition(key: str) -> ReportDefinition:
    definition = REGISTRY.get(key)
    if definition is None:
        raise Http404
    return definition


def _team_and_scope(request: HttpRequest) -> tuple[Team | None, list[User]]:
    """The team the board and the plans show (?team= for an admin), and its active managers."""
    user = request.user
    team_id = request.GET.get("team") or request.POST.get("team")
    scope = resolve_scope(
        user, team_id=int(team_id) if str(team_id).isdigit() else None, manager_id=None
    )
    return scope.team, [manager for manager in scope.managers if manager.is_active]


def _report_input(
    request: HttpRequest,
) -> tuple[ReportFilterForm, Scope | None]:
    """The filter form and, when it is valid, the scope it asks for (403/404 when not allowed)."""
    form = ReportFilterForm(with_default_period(request.GET))
    scope = None
    if form.is_valid():
        scope = resolve_scope(
            request.user,
            team_id=form.cleaned_data.get("team"),
            manager_id=form.cleaned_data.get("manager"),
        )
    team_wide = has_capability(request.user, Capability.VIEW_REPORTS)
    form.offer(
        teams=teams_for(request.user),
        managers=team_managers(scope.team) if scope and team_wide else (),
    )
    add_bootstrap_classes(form)
    return form, scope


def with_default_period(query: QueryDict) -> QueryDict:
    """The query with this month so far where the dates are missing (the form shows them)."""
    query = query.copy()
    today = timezone.localdate()
    if not query.get("date_from"):
        query["date_from"] = today.replace(day=1).isoformat()
    if not query.get("date_to"):
        query["date_to"] = today.isoformat()
    return query


@require_GET
def report_index(request: HttpRequest) -> HttpResponse:
    """The reports the user may open."""
    if (answer := _require_report_access(request)) is not None:
        return answer
    return render(request, f"{TEMPLATES}report_index.html", {"reports": REGISTRY.values()})


@require_GET
def report_detail(request: HttpRequest, key: str) -> HttpResponse:
    """A report for the period, team and manager asked for; a bad period is refused (400)."""
    if (answer := _require_report_access(request)) is not None:
        return answer
    definition = _definition(key)
    form, scope = _report_input(request)
    context: dict[str, Any] = {"definition": definition, "form": form, "report": None}
    if scope is None:
        return render(request, f"{TEMPLATES}report_detail.html", context, status=400)
    report = definition.build(form.period(), scope, form.parameters())
    context.update(report=report, export_query=with_default_period(request.GET).urlencode())
    return render(request, f"{TEMPLATES}report_detail.html", context)


@require_GET
def report_export(request: HttpRequest, key: str, file_format: str) -> HttpResponse:
    """The report as CSV or XLSX, audited; identical to the page."""
    if (answer := _require_report_access(request)) is not None:
        return answer
    definition = _definition(key)
    if file_format not in exports.FORMATS:
        raise Http404
    form, scope = _report_input(request)
    if scope is None:
        context = {"definition": definition, "form": form, "report": None}
        return render(request, f"{TEMPLATES}report_detail.html", context, status=400)
    report: Report = definition.build(form.period(), scope, form.parameters())
    report_exported(
        actor=request.user,
        scope=scope,
        report_key=key,
        file_format=file_format,
        parameters=report.parameters,
    )
    response = HttpResponse(exports.render(report, file_format), exports.FORMATS[file_format])
    filename = f"{key}-{report.parameters['date_from']}-{report.parameters['date_to']}"
    response["Content-Disposition"] = f'attachment; filename="{filename}.{file_format}"'
    return response


@require_GET
@capability_required(Capability.VIEW_REPORTS)
def board(request: HttpRequest) -> HttpResponse:
    """Every manager of the team against this month's plan, with pace, and the team's total."""
    team, managers = _team_and_scope(request)
    month = parse_month(request.GET.get("month"))
    context = {
        "team": team,
        "teams": teams_for(request.user),
        "board": team_board(managers=managers, month=month),
    }
    return render(request, f"{TEMPLATES}board.html", context)


@require_http_methods(["GET", "POST"])
@capability_required(Capability.MANAGE_PLANS)
def plans(request: HttpRequest) -> HttpResponse:
    """The team's targets for a month: one row per manager, saved through plan_set."""
    team, managers = _team_and_scope(request)
    month = parse_month(request.GET.get("month") or request.POST.get("month"))
    existing = {
        plan.manager_id: plan for plan in Plan.objects.filter(manager__in=managers, month=month)
    }
    form = TeamPlanForm(
        request.POST if request.method == "POST" else None, managers=managers, plans=existing
    )
    if request.method == "POST" and form.is_valid():
        try:
            for manager, targets in form.targets():
                plan_set(actor=request.user, manager=manager, month=month, **targets)
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(request, _("The plans for %(month)s are saved.") % {"month": month})
            return HttpResponseRedirect(_plans_url(team, month))
    totals = Plan.objects.filter(manager__in=managers, month=month).aggregate(
        contacts=Sum("contacts_target"),
        meetings=Sum("meetings_target"),
        deals=Sum("deals_target"),
    )
    previous = (month - datetime.timedelta(days=1)).replace(day=1)
    context = {
        "team": team,
        "teams": teams_for(request.user),
        "month": month,
        "previous": previous,
        "following": next_month(month),
        "form": form,
        "totals": totals,
    }
    status = 400 if request.method == "POST" else 200
    return render(request, f"{TEMPLATES}plan_form.html", context, status=status)


def _plans_url(team: Team | None, month: Any) -> str:
    query = f"month={month:%Y-%m}"
    if team is not None:
        query += f"&team={team.pk}"
    return f"{reverse('reports:plans')}?{query}"


@require_POST
@capability_required(Capability.MANAGE_PLANS)
def plans_copy_forward(request: HttpRequest) -> HttpResponse:
    """Copy last month's plans into the month shown, for managers without a plan yet."""
    team, _managers = _team_and_scope(request)
    month = parse_month(request.POST.get("month"))
    if team is None:
        raise Http404
    created = plan_copy_forward(actor=request.user, team=team, month=month)
    messages.success(
        request,
        ngettext(
            "%(count)s plan copied from the previous month.",
            "%(count)s plans copied from the previous month.",
            len(created),
        )
        % {"count": len(created)},
    )
    return HttpResponseRedirect(_plans_url(team, month))


class SnapshotListView(CapabilityRequiredMixin, ListView):
    capability = Capability.VIEW_REPORTS
    template_name = f"{TEMPLATES}snapshot_list.html"
    paginate_by = 50

    def get_queryset(self) -> QuerySet[ReportSnapshot]:
        queryset = ReportSnapshot.objects.visible_to(self.request.user).select_related("team")
        return queryset.defer("data")


class SnapshotDetailView(CapabilityRequiredMixin, DetailView):
    """The stored figures as they were built, with their parameters and build time."""

    capability = Capability.VIEW_REPORTS
    template_name = f"{TEMPLATES}snapshot_detail.html"
    context_object_name = "snapshot"

    def get_queryset(self) -> QuerySet[ReportSnapshot]:
        return ReportSnapshot.objects.visible_to(self.request.user).select_related("team")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        stored = self.object.data
        # The database keeps JSON keys in its own order: show the reports in the build's order.
        keys = [key for key in SNAPSHOT_REPORTS if key in stored]
        keys += sorted(set(stored) - set(keys))
        context["reports"] = [Report.from_dict(stored[key]) for key in keys]
        return context
