"""My day: the manager's home page with the calls inbox, today's tasks and the plan counters.

Every action is a plain form POST that redirects back to the page; an htmx request gets the
changed row (or nothing, when the row leaves its list) and the `crm:counters-changed` event so
the counters refresh. Validation errors answer 422 and conflicts 409 with the row and a message
(static/js/my_day.js lets htmx swap those in).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from clients.models import Client
from crm_project.core import phones
from crm_project.core.capabilities import Capability, has_capability
from crm_project.core.exceptions import ConflictError
from crm_project.core.views import shown_contact_name
from interactions import selectors
from interactions.forms import statuses_by_kind
from interactions.models import Interaction, InteractionStatus, Kind
from interactions.services import PLANNED, interaction_set_status, task_complete, task_reschedule
from reports.selectors import plan_progress

INBOX_LIMIT = 15
TASKS_LIMIT = 15
COUNTERS_CHANGED = "crm:counters-changed"
DATETIME_LOCAL = "%Y-%m-%dT%H:%M"
TEMPLATES = "interactions/my_day/"


# Input ------------------------------------------------------------------------------------------


class StatusForm(forms.Form):
    status = forms.ModelChoiceField(queryset=InteractionStatus.objects.filter(is_active=True))
    result = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    # The status the user saw: "" for none; a different one now means someone else was first.
    expected_status = forms.CharField(required=False)

    def expected_status_id(self) -> int | type[...] | None:
        if "expected_status" not in self.data:
            return ...
        value = self.cleaned_data["expected_status"]
        return int(value) if value.isdigit() else None


class RescheduleForm(forms.Form):
    planned_at = forms.DateTimeField(
        input_formats=[DATETIME_LOCAL, "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
    )


# Access -----------------------------------------------------------------------------------------


def capability_required(capability: str) -> Callable:
    """Anonymous: to the login page; signed in without the capability: 403."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not has_capability(request.user, capability):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def _is_htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


def _rows(request: HttpRequest) -> QuerySet[Interaction]:
    """One interaction, annotated as the inbox and the task list show it."""
    user = request.user
    return selectors.with_previous_calls(
        Interaction.objects.visible_to(user).with_personal_data_access(user)
    ).select_related("client", "contact", "status", "manager")


# Building the page ------------------------------------------------------------------------------


def status_buttons() -> dict[str, list[InteractionStatus]]:
    """The buttons a person may press: every active status of the picklist but the automatic
    ones, for the kinds My day lists."""
    hidden = {PLANNED, *selectors.AWAITING_STATUS_CODES}
    picklist = statuses_by_kind()
    buttons = {
        kind: [status for status in picklist.get(kind, []) if status.code not in hidden]
        for kind in (Kind.INCOMING_CALL, Kind.OUTGOING_CALL, Kind.MEETING)
    }
    return {kind: statuses for kind, statuses in buttons.items() if statuses}


# A kind's status buttons are the same on every row (the row's own form wraps them): rendered
# once a request, not once a row, which halved the cost of My day's lists.
ROW_BUTTONS = {
    f"{TEMPLATES}_inbox_row.html": f"{TEMPLATES}_inbox_buttons.html",
    f"{TEMPLATES}_task_row.html": f"{TEMPLATES}_task_buttons.html",
}


def _buttons_html(
    row_template: str, kind: str, statuses: list[InteractionStatus], rendered: dict[str, str]
) -> str:
    if kind not in rendered:
        rendered[kind] = render_to_string(ROW_BUTTONS[row_template], {"buttons": statuses})
    return rendered[kind]


# The actions each kind of row posts to: row attribute -> URL name.
ROW_ACTIONS = {
    f"{TEMPLATES}_inbox_row.html": {"set_status_url": "interactions:inbox_set_status"},
    f"{TEMPLATES}_task_row.html": {
        "complete_url": "interactions:task_complete",
        "reschedule_url": "interactions:task_reschedule",
    },
}


class RowUrls:
    """reverse(name, args=[pk]) for every row of a list: one reverse a name, then the row's pk in
    place of a stand-in (reversing each row's two or three URLs was a twentieth of My day)."""

    STAND_IN = 2_147_483_647  # an id no row has yet, that every <int:pk> route accepts

    def __init__(self, *names: str) -> None:
        self.patterns = {name: reverse(name, args=[self.STAND_IN]) for name in names}

    def __call__(self, name: str, pk: int) -> str:
        return self.patterns[name].replace(str(self.STAND_IN), str(pk), 1)


def prepare(
    rows: list[Interaction], buttons: dict[str, list[InteractionStatus]], *, row_template: str
) -> list:
    """Attach what a row shows: the caller's number as the user may see it, its buttons and
    the URLs of its client and its actions."""
    rendered: dict[str, str] = {}
    actions = ROW_ACTIONS[row_template]
    urls = RowUrls("clients:detail", *actions.values())
    for row in rows:
        row.client_url = urls("clients:detail", row.client_id) if row.client_id else ""
        for attribute, name in actions.items():
            setattr(row, attribute, urls(name, row.pk))
        if row.has_personal_data_access:
            row.shown_phone = phones.format_for_display(row.phone_e164)
        else:
            row.shown_phone = phones.mask(row.phone_e164)
        row.shown_contact = shown_contact_name(row, unmasked=row.has_personal_data_access)
        if row.client and row.shown_contact == row.client.name:
            row.shown_contact = ""  # a private person: the client is the contact
        row.buttons = buttons.get(row.kind, [])
        row.buttons_html = _buttons_html(row_template, row.kind, row.buttons, rendered)
        row.is_today = bool(row.planned_at) and (
            timezone.localdate(row.planned_at) == timezone.localdate()
        )
    return rows


def inbox_context(request: HttpRequest, buttons: dict | None = None) -> dict[str, Any]:
    buttons = status_buttons() if buttons is None else buttons
    rows = list(selectors.calls_inbox(request.user, limit=INBOX_LIMIT + 1)[: INBOX_LIMIT + 1])
    return {
        "inbox_rows": prepare(
            rows[:INBOX_LIMIT], buttons, row_template=f"{TEMPLATES}_inbox_row.html"
        ),
        "inbox_has_more": len(rows) > INBOX_LIMIT,
    }


def tasks_context(request: HttpRequest, buttons: dict | None = None) -> dict[str, Any]:
    buttons = status_buttons() if buttons is None else buttons
    today = timezone.localdate()
    end_of_today = timezone.make_aware(
        datetime.datetime.combine(today + datetime.timedelta(days=1), datetime.time())
    )
    # Bounded like the inbox: a manager with hundreds of overdue tasks still gets a fast page.
    rows = list(selectors.tasks_due(request.user, until=end_of_today)[: TASKS_LIMIT + 1])
    return {
        "tasks": prepare(rows[:TASKS_LIMIT], buttons, row_template=f"{TEMPLATES}_task_row.html"),
        "tasks_has_more": len(rows) > TASKS_LIMIT,
        "tasks_more_query": urlencode(
            {"manager": request.user.pk, "planned_before": end_of_today.isoformat()}
        ),
    }


def counters_context(request: HttpRequest) -> dict[str, Any]:
    return {"progress": plan_progress(manager=request.user, month=timezone.localdate())}


@require_GET
@capability_required(Capability.LOG_INTERACTION)
def my_day(request: HttpRequest) -> HttpResponse:
    """The manager's home page (core:home sends managers here)."""
    buttons = status_buttons()
    context = {
        **inbox_context(request, buttons),
        **tasks_context(request, buttons),
        **counters_context(request),
        "my_clients_count": Client.objects.owned_by(request.user).count(),
    }
    return render(request, f"{TEMPLATES}my_day.html", context)


@require_GET
@capability_required(Capability.LOG_INTERACTION)
def inbox(request: HttpRequest) -> HttpResponse:
    """The calls inbox alone, polled by My day so new calls appear without a reload."""
    return render(request, f"{TEMPLATES}_inbox.html", inbox_context(request))


@require_GET
@capability_required(Capability.VIEW_OWN_PLAN)
def counters(request: HttpRequest) -> HttpResponse:
    """The plan counters alone, refreshed on crm:counters-changed and every 30 seconds."""
    response = render(request, f"{TEMPLATES}_counters.html", counters_context(request))
    response["Cache-Control"] = "no-store"
    return response


# Actions ----------------------------------------------------------------------------------------


def _answer(
    request: HttpRequest,
    *,
    template: str,
    row: Interaction | None,
    message: str,
    status: int = 200,
    changed: bool = False,
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    """htmx: the row (None: it left the list) with an announcement.

    Without JavaScript: back to My day with the message, or, when the row asks for more input
    (a result, a valid time), the row on a page of its own.
    """
    extra = extra or {}
    asks_more = status == 422 or extra.get("asking_result_for") is not None
    if not _is_htmx(request) and not (asks_more and row is not None):
        if status >= 400:
            messages.error(request, message)
        else:
            messages.success(request, message)
        return HttpResponseRedirect(reverse("core:home"))
    if row is not None:
        prepare([row], status_buttons(), row_template=template)
    context = {"row": row, "message": message, "is_error": status >= 400, **extra}
    if not _is_htmx(request):
        context["row_template"] = template
        template = f"{TEMPLATES}row_page.html"
    response = render(request, template, context, status=status)
    if changed:
        response["HX-Trigger"] = COUNTERS_CHANGED
    return response


def _first_error(error: ValidationError) -> str:
    return " ".join(error.messages)


def _fresh(request: HttpRequest, pk: int) -> Interaction:
    return _rows(request).get(pk=pk)


@require_POST
@capability_required(Capability.LOG_INTERACTION)
def inbox_set_status(request: HttpRequest, pk: int) -> HttpResponse:
    """One click on a status button of an incoming call."""
    call = get_object_or_404(_rows(request), pk=pk)
    form = StatusForm(request.POST)
    row_template = f"{TEMPLATES}_inbox_row.html"
    if not form.is_valid():
        return _answer(
            request, template=row_template, row=call, message=_("Choose a status."), status=422
        )
    status, result = form.cleaned_data["status"], form.cleaned_data["result"]
    if status.requires_result and not result.strip() and "result" not in request.POST:
        # The first click on such a status opens the small form asking for the result.
        return _answer(
            request,
            template=row_template,
            row=call,
            message=_("“%(status)s” needs the result.") % {"status": status.localized_name},
            extra={"asking_result_for": status},
        )
    try:
        interaction_set_status(
            actor=request.user,
            interaction=call,
            status=status,
            result=result if status.requires_result or result.strip() else None,
            expected_status_id=form.expected_status_id(),
        )
    except ValidationError as error:
        return _answer(
            request,
            template=row_template,
            row=call,
            message=_first_error(error),
            status=422,
            extra={"asking_result_for": status if status.requires_result else None},
        )
    except ConflictError as error:
        return _answer(
            request, template=row_template, row=_fresh(request, pk), message=str(error), status=409
        )
    row = _fresh(request, pk)
    still_waiting = selectors.awaiting_decision(Interaction.objects.filter(pk=pk)).exists()
    return _answer(
        request,
        template=row_template,
        row=row if still_waiting else None,
        message=_("“%(status)s”: saved.") % {"status": status.localized_name},
        changed=True,
    )


@require_POST
@capability_required(Capability.LOG_INTERACTION)
def task_complete_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Held / not held with the result, or a call completed / not answered."""
    task = get_object_or_404(_rows(request), pk=pk)
    form = StatusForm(request.POST)
    row_template = f"{TEMPLATES}_task_row.html"
    if not form.is_valid():
        return _answer(
            request, template=row_template, row=task, message=_("Choose a status."), status=422
        )
    status = form.cleaned_data["status"]
    try:
        task_complete(
            actor=request.user, task=task, status=status, result=form.cleaned_data["result"]
        )
    except ValidationError as error:
        task.result = form.cleaned_data["result"]
        return _answer(
            request, template=row_template, row=task, message=_first_error(error), status=422
        )
    except ConflictError as error:
        return _answer(
            request, template=row_template, row=_fresh(request, pk), message=str(error), status=409
        )
    return _answer(
        request,
        template=row_template,
        row=None,
        message=_("Done: “%(status)s”.") % {"status": status.localized_name},
        changed=True,
    )


@require_POST
@capability_required(Capability.LOG_INTERACTION)
def task_reschedule_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Move a task to a new time; it stays in the list while that time is still today."""
    task = get_object_or_404(_rows(request), pk=pk)
    form = RescheduleForm(request.POST)
    row_template = f"{TEMPLATES}_task_row.html"
    if not form.is_valid():
        message = " ".join(str(error) for errors in form.errors.values() for error in errors)
        return _answer(request, template=row_template, row=task, message=message, status=422)
    try:
        task = task_reschedule(
            actor=request.user, task=task, planned_at=form.cleaned_data["planned_at"]
        )
    except ValidationError as error:
        return _answer(
            request, template=row_template, row=task, message=_first_error(error), status=422
        )
    except ConflictError as error:
        return _answer(
            request, template=row_template, row=_fresh(request, pk), message=str(error), status=409
        )
    moved_to = timezone.localtime(task.planned_at)
    stays = moved_to.date() == timezone.localdate()
    return _answer(
        request,
        template=row_template,
        row=_fresh(request, pk) if stays else None,
        message=_("Moved to %(when)s.") % {"when": date_format(moved_to, "SHORT_DATETIME_FORMAT")},
    )
