"""Every free-text field, filled with XSS payloads, comes back as text on every page that shows it.

The fields come from the models (a new CharField or TextField is covered as soon as it exists, or
the test fails until it is filled below or excluded with a reason).
They are typed through the real forms where a form takes them, and written like an import, an
admin or the phone system would write them otherwise. Then every GET route of the permission
matrix, the Django admin and the operators' admin is fetched as each persona allowed to open it,
as a page and as an htmx partial, and the API as JSON and as its browsable HTML: no payload may
add an element, an event handler or a javascript: URL to the DOM, and each field must be shown
somewhere, verbatim as text (so it was really checked and nothing was lost or evaluated).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

import pytest
from django.apps import apps
from django.contrib import admin as django_admin
from django.db import models
from django.test import Client as BrowserClient
from django.urls import reverse
from django.utils import timezone

from clients.models import (
    Campaign,
    CampaignRecipient,
    Client,
    ClientTransfer,
    CorrectionRequest,
    Deal,
    DealStage,
    Email,
    LeadSource,
    ManagerLeaving,
    Phone,
    PointsEntry,
    PostalAddress,
    Segment,
)
from clients.operator_admin import operator_site
from clients.services import unsubscribe_token
from crm_project.accounts.models import User
from interactions.models import Interaction, InteractionStatus
from interactions.telephony.models import TelephonyEvent
from reports.models import ReportSnapshot
from tests.deals.factories import stage
from tests.factories import PASSWORD, PlanFactory, status
from tests.security.permissions.test_api import API
from tests.security.permissions.test_pages import PAGES

PAYLOADS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "' onmouseover='alert(1)' x='",
    '" onfocus="alert(1)" autofocus="',
    "<svg onload=alert(1)>",
    "{{7*7}}",
    "'';!--\"<XSS>=&{()}",
    "</textarea></title><img src=x onerror=alert(1)>",
    "javascript:alert(1)",
]
# E-mail addresses are validated, but a quoted local part may hold markup (no spaces, no quotes).
EMAIL_PAYLOAD = "<svg/onload=alert(1)><script>alert(1)</script>{{7*7}}"

PROJECT_APPS = ("accounts", "core", "clients", "interactions", "reports")
# Text fields nobody can put markup into, each with the reason.
NOT_FREE_TEXT = {
    "accounts.User.password": "a password hash",
    "accounts.User.username": "letters, digits and @.+-_ only (Django's validator)",
    "accounts.User.time_zone": "validated against the time zone database",
    "clients.Phone.number_e164": "normalised to +digits by the service, CHECK constraint",
    "interactions.Interaction.phone_e164": "normalised to +digits by the service",
    "interactions.Interaction.provider": "the adapter's own name (twilio, zadarma …)",
    "core.AuditEntry.action": "a dotted name written by the code",
    "core.AuditEntry.object_type": "a model label written by the code",
    "core.AuditEntry.object_id": "a primary key",
}
# Text the code copies from other fields: filled by their payloads, checked wherever it is shown.
DERIVED = {"core.AuditEntry.object_repr": "str() of the audited object"}
# Fields that a link may use as its address: these get a javascript: URL at the start.
URLISH = {"interactions.Interaction.recording_ref"}
# Filled, but no page, export or API shows them (so no page can show them unescaped).
NEVER_SHOWN = {
    "clients.DealReminder.message": "only in the reminder e-mail, which is plain text",
}


def free_text_fields() -> list[tuple[str, models.Field]]:
    """(app.Model.field, field) of every text field a person or an outside system can fill."""
    found = []
    for label in PROJECT_APPS:
        for model in apps.get_app_config(label).get_models():
            for model_field in model._meta.get_fields():
                if not isinstance(model_field, models.CharField | models.TextField):
                    continue
                if isinstance(model_field, models.SlugField) or model_field.choices:
                    continue  # validated slugs and picklists: nothing free to type
                if not model_field.editable:
                    continue  # written by the code only (hashes, keys)
                key = f"{model._meta.label}.{model_field.name}"
                if key not in NOT_FREE_TEXT:
                    found.append((key, model_field))
    return sorted(found, key=lambda item: item[0])


FIELDS = dict(free_text_fields())
KEYS = list(FIELDS)


def marker(key: str) -> str:
    """A short tag, unique per field, that starts its value so a page's text can be traced."""
    return f"~{KEYS.index(key):02d}~"


def hostile(key: str) -> str:
    """The value typed into `key`: its marker, then the payloads (rotated, cut to fit)."""
    model_field = FIELDS[key]
    tag = marker(key)
    if isinstance(model_field, models.EmailField):
        return f'"{tag}{EMAIL_PAYLOAD}"@example.com'
    start = KEYS.index(key) % len(PAYLOADS)
    text = tag + "".join(PAYLOADS[start:] + PAYLOADS[:start])
    if key in URLISH or isinstance(model_field, models.URLField):
        text = "javascript:alert(1)//" + text
    return text[: model_field.max_length] if model_field.max_length else text


VALUES_BY_MARKER = {marker(key): hostile(key) for key in KEYS}
MARKER = re.compile(r"~\d\d~")


def _post(browser: BrowserClient, url: str, data: dict) -> None:
    response = browser.post(url, data)
    form = (response.context or {}).get("form") if response.status_code == 200 else None
    errors = form.errors if form is not None else response.content[:500]
    assert response.status_code == 302, f"POST {url} was refused: {errors}"


def _login(user: User) -> BrowserClient:
    browser = BrowserClient()
    assert browser.login(username=user.username, password=PASSWORD)
    return browser


def _as_admin_types(*, team, users) -> None:
    """What an admin types on the admin pages: names, e-mails, picklists."""
    team.name = hostile("accounts.Team.name")
    team.save()
    for user in users:
        for name in ("first_name", "last_name", "email"):
            setattr(user, name, hostile(f"accounts.User.{name}"))
        user.save()
    # The admin's own: the admin's user page shows it.
    users[-1].phone_extension = hostile("accounts.User.phone_extension")
    users[-1].save()
    LeadSource.objects.create(name=hostile("clients.LeadSource.name"))
    DealStage.objects.filter(code__in=["new", "lost"]).update(
        name=hostile("clients.DealStage.name")
    )
    InteractionStatus.objects.filter(code="completed").update(
        name=hostile("interactions.InteractionStatus.name")
    )


def _as_manager_types(manager: User) -> dict[str, Any]:
    """A manager enters a client, logs a call and a note, enters a deal, asks for a correction,
    builds a mailing list and writes a campaign: all through the real forms."""
    browser = _login(manager)
    _post(
        browser,
        reverse("clients:create"),
        {
            "name": hostile("clients.Client.name"),
            "kind": Client.Kind.COMPANY,
            "status": Client.Status.ACTIVE,
            "lead_source": LeadSource.objects.get().pk,
            "last_name": hostile("clients.ContactPerson.last_name"),
            "first_name": hostile("clients.ContactPerson.first_name"),
            "middle_name": hostile("clients.ContactPerson.middle_name"),
            "position": hostile("clients.ContactPerson.position"),
            "phone": "+7 495 123-45-67",
            "email": hostile("clients.Email.address"),
        },
    )
    client = Client.objects.get(name=hostile("clients.Client.name"))
    contact = client.contacts.get()
    quick_log = "interactions:quick_log"
    _post(
        browser,
        reverse(quick_log, args=[client.pk, "call"]),
        {
            "direction": "outgoing",
            "status": "completed",
            "subject": hostile("interactions.Interaction.subject"),
            "result": hostile("interactions.Interaction.result"),
            "contact": contact.pk,
            "duration": "4",
        },
    )
    _post(
        browser,
        reverse(quick_log, args=[client.pk, "note"]),
        {"text": hostile("interactions.Interaction.result")},
    )
    deal_data = {"title": hostile("clients.Deal.title"), "amount": "10", "currency": "RUB"}
    _post(browser, reverse("clients:deal_create", args=[client.pk]), deal_data)
    _post(browser, reverse("clients:deal_create", args=[client.pk]), deal_data)
    _post(
        browser,
        reverse("clients:correction_create", args=[client.pk]),
        {
            "target": "other:",
            "proposed_value": hostile("clients.CorrectionRequest.proposed_value"),
            "comment": hostile("clients.CorrectionRequest.comment"),
        },
    )
    _post(browser, reverse("clients:segment_create"), {"name": hostile("clients.Segment.name")})
    segment = Segment.objects.get()
    _post(
        browser,
        reverse("clients:campaign_create", args=[segment.pk]),
        {"subject": hostile("clients.Campaign.subject"), "body": hostile("clients.Campaign.body")},
    )
    return {"client": client, "contact": contact, "segment": segment}


def _as_supervisor_types(supervisor: User, *, client: Client, other_client: Client, to: User):
    """A supervisor closes a deal as lost, reminds of another and transfers a client."""
    browser = _login(supervisor)
    lost, reminded = Deal.objects.filter(client=client).order_by("pk")
    _post(
        browser,
        reverse("clients:deal_move_stage", args=[lost.pk]),
        {
            f"deal{lost.pk}-stage": stage("lost").pk,
            f"deal{lost.pk}-reason": hostile("clients.Deal.close_reason"),
            f"deal{lost.pk}-comment": hostile("clients.DealStageChange.comment"),
        },
    )
    _post(
        browser,
        reverse("clients:deal_remind", args=[reminded.pk]),
        {"message": hostile("clients.DealReminder.message")},
    )
    _post(
        browser,
        reverse("clients:transfer", args=[other_client.pk]),
        {"to_manager": to.pk, "reason": hostile("clients.ClientTransfer.reason")},
    )
    return reminded


def _as_operator_types(operator: User, *, client: Client, manager: User) -> None:
    """An operator rejects a correction with a note; then a second request stays open."""
    correction = CorrectionRequest.objects.get()
    _post(
        _login(operator),
        reverse("clients:correction_resolve", args=[correction.pk]),
        {"status": "rejected", "note": hostile("clients.CorrectionRequest.resolution_note")},
    )
    CorrectionRequest.objects.create(
        client=client,
        field=CorrectionRequest.Field.OTHER,
        current_value=hostile("clients.CorrectionRequest.current_value"),
        proposed_value=hostile("clients.CorrectionRequest.proposed_value"),
        comment=hostile("clients.CorrectionRequest.comment"),
        requested_by=manager,
    )


def _as_the_outside_world_writes(*, client: Client, manager: User, other_manager: User):
    """Imports, the operators' admin and the phone system write the rest."""
    Phone.objects.filter(client=client).update(number_raw=hostile("clients.Phone.number_raw"))
    PostalAddress.objects.create(
        client=client,
        contact=client.contacts.get(),
        **{
            name: hostile(f"clients.PostalAddress.{name}")
            for name in ("postcode", "city", "street", "country")
        },
    )
    ManagerLeaving.objects.create(
        manager=other_manager,
        leaves_on=timezone.localdate(),
        note=hostile("clients.ManagerLeaving.note"),
    )
    campaign = Campaign.objects.get()
    CampaignRecipient.objects.create(
        campaign=campaign,
        client=client,
        email=Email.objects.get(client=client),
        address=hostile("clients.CampaignRecipient.address"),
        status=CampaignRecipient.Status.FAILED,
        error=hostile("clients.CampaignRecipient.error"),
    )
    telephony = {
        name: hostile(f"interactions.Interaction.{name}")
        for name in (
            "external_id",
            "provider_disposition",
            "call_outcome",
            "recording_ref",
            "extension",
        )
    }
    now = timezone.now()
    # An unknown caller in the team's queue, and a call the phone system logged on the client
    # (the latest: the admin's page of it is checked).
    Interaction.objects.create(
        kind=Interaction.Kind.INCOMING_CALL,
        team=manager.team,
        occurred_at=now,
        phone_raw=hostile("interactions.Interaction.phone_raw"),
        subject=hostile("interactions.Interaction.subject"),
        source=Interaction.Source.TELEPHONY,
        provider="generic",
        external_id="unknown-caller",
    )
    call = Interaction.objects.create(
        kind=Interaction.Kind.INCOMING_CALL,
        client=client,
        manager=manager,
        team=manager.team,
        occurred_at=now,
        phone_raw=hostile("interactions.Interaction.phone_raw"),
        source=Interaction.Source.TELEPHONY,
        provider="generic",
        **telephony,
    )
    TelephonyEvent.objects.create(
        provider="generic",
        external_id=hostile("interactions.TelephonyEvent.external_id"),
        event_type=hostile("interactions.TelephonyEvent.event_type"),
        dedupe_key="x" * 64,
        payload={"from": hostile("interactions.Interaction.phone_raw")},
        state=TelephonyEvent.State.FAILED,
        last_error=hostile("interactions.TelephonyEvent.last_error"),
        interaction=call,
    )


@dataclass
class HostileWorld:
    objects: dict[str, Any]
    users: dict[str, User | None]


def build_hostile_world(
    *, team, manager, other_manager, supervisor, operator, admin
) -> HostileWorld:
    """Every free-text field holds its payloads; `objects` fits the permission matrix's kwargs."""
    from tests.deals.factories import seed_stages

    if not DealStage.objects.exists():
        seed_stages()
    _as_admin_types(team=team, users=[manager, other_manager, supervisor, operator, admin])
    made = _as_manager_types(manager)
    client = made["client"]
    other_client = Client.objects.create(
        name=hostile("clients.Client.name"),
        responsible_manager=other_manager,
        team=team,
        created_by=other_manager,
    )
    deal = _as_supervisor_types(supervisor, client=client, other_client=other_client, to=manager)
    _as_operator_types(operator, client=client, manager=manager)
    _as_the_outside_world_writes(client=client, manager=manager, other_manager=other_manager)
    segment = made["segment"]
    objects = {
        "client": client,
        "other_client": other_client,
        "contact": made["contact"],
        "segment": segment,
        "campaign": Campaign.objects.get(),
        "unsubscribe_token": unsubscribe_token(Email.objects.get(client=client)),
        "correction": CorrectionRequest.objects.filter(requested_by=manager).first(),
        "interaction": Interaction.objects.filter(client=client).order_by("pk").first(),
        "status": status("outgoing_call", "completed"),
        "plan": PlanFactory(manager=manager),
        "snapshot": _snapshot(supervisor),
        "deal": deal,
        "stage_change": deal.stage_changes.order_by("pk").first(),
        "transfer": ClientTransfer.objects.get(),
        "points": PointsEntry.objects.filter(user=manager).first(),
    }
    users = {
        "anonymous": None,
        "manager": manager,
        "other_manager": other_manager,
        "supervisor": supervisor,
        "operator": operator,
        "admin": admin,
    }
    return HostileWorld(objects=objects, users=users)


def _snapshot(supervisor: User) -> ReportSnapshot:
    """A stored report whose rows name the (hostile) managers, as the nightly task keeps them."""
    from reports.services import snapshot_build

    snapshot, _created = snapshot_build(
        team=supervisor.team, kind=ReportSnapshot.Kind.DAILY, day=timezone.localdate()
    )
    return snapshot


@pytest.fixture
def world(team, manager, other_manager, supervisor, operator, admin, statuses):
    return build_hostile_world(
        team=team,
        manager=manager,
        other_manager=other_manager,
        supervisor=supervisor,
        operator=operator,
        admin=admin,
    )


def _holds_a_payload(key: str) -> bool:
    model_label, name = key.rsplit(".", 1)
    lookup = (
        {f"{name}__regex": MARKER.pattern} if key in DERIVED else {f"{name}__contains": marker(key)}
    )
    return apps.get_model(model_label)._default_manager.filter(**lookup).exists()


# Reading the pages -------------------------------------------------------------------------------

URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster", "srcdoc"}
JSON_SCRIPT_TYPES = {"application/json", "application/ld+json", "importmap"}


class Scan(HTMLParser):
    """What the browser's DOM would hold: elements, attributes, text and inline scripts."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.texts: list[str] = []
        self.forms: list[dict] = []
        self._script: tuple[dict, list[str]] | None = None
        self._form: dict | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._check(tag, attrs)
        named = {name: value or "" for name, value in attrs}
        if tag == "script":
            self._script = (named, [])
        if tag == "form":
            self._form = {
                "method": named.get("method", "get").lower(),
                "action": named.get("action", ""),
                "inputs": [],
            }
            self.forms.append(self._form)
        is_text_box = tag == "textarea" or (
            tag == "input" and named.get("type", "text") in ("text", "search")
        )
        if is_text_box and self._form is not None and named.get("name"):
            self._form["inputs"].append(named["name"])

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._script is not None:
            self._check_script(*self._script)
            self._script = None
        if tag == "form":
            self._form = None

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._script[1].append(data)
        else:
            self.texts.append(data)

    def _check(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "xss":
            self.problems.append("an injected <XSS> element")
        if tag == "img" and ("src", "x") in attrs:
            self.problems.append("an injected <img src=x>")
        for name, value in attrs:
            value = value or ""
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}={value!r}>: an event handler")
            if name in URL_ATTRIBUTES and re.sub(r"\s", "", value).lower().startswith(
                "javascript:"
            ):
                self.problems.append(f"<{tag} {name}={value!r}>: a javascript: URL")
            self.texts.append(value)

    def _check_script(self, attrs: dict, chunks: list[str]) -> None:
        content = "".join(chunks)
        if attrs.get("type") in JSON_SCRIPT_TYPES:
            try:
                self.texts.extend(_strings(json.loads(content)))
            except ValueError:
                self.problems.append(f"a JSON script block broken open: {content[:80]!r}")
        elif "alert(" in content:
            self.problems.append(f"an injected script: {content[:80]!r}")


def _strings(data: Any) -> Iterator[str]:
    if isinstance(data, str):
        yield data
    elif isinstance(data, dict):
        for key, value in data.items():
            yield from _strings(key)
            yield from _strings(value)
    elif isinstance(data, list):
        for value in data:
            yield from _strings(value)


def _shown_as_typed(text: str, at: int, typed: str, tag: str) -> tuple[bool, str]:
    """Is `typed` at `at` in `text` (where its marker is), whole or cut short by the page?"""
    start = at - typed.index(tag)
    shown = text[max(start, 0) : start + len(typed)]
    same = 0
    while same < min(len(shown), len(typed)) and shown[same] == typed[same]:
        same += 1
    cut_short = shown[same : same + 1] in ("…", "")
    return same == len(typed) or cut_short, shown[: same + 20]


def verbatim_problems(text: str) -> Iterator[str]:
    """A marker must be followed by its field's value, as typed (a page may cut it short).

    JSON shown as text (the admin's JSON fields) holds the value JSON-encoded.
    """
    for found in MARKER.finditer(text):
        typed = VALUES_BY_MARKER.get(found.group())
        if typed is None:
            continue
        ok, shown = _shown_as_typed(text, found.start(), typed, found.group())
        encoded = json.dumps(typed, ensure_ascii=False)[1:-1]
        if ok or _shown_as_typed(text, found.start(), encoded, found.group())[0]:
            continue
        yield f"{found.group()} shown as {shown!r}, typed {typed[: len(shown)]!r}"


@dataclass
class Walk:
    problems: list[str] = field(default_factory=list)
    seen: set[str] = field(default_factory=set)
    reflected: set[tuple[str, tuple[str, ...]]] = field(default_factory=set)
    fetched: int = 0

    def read(self, where: str, response, *, verbatim: bool = True) -> Scan | None:
        self.fetched += 1
        content_type = response.get("Content-Type", "")
        body = response.content.decode()
        if content_type.startswith("application/json"):
            strings = list(_strings(json.loads(body))) if body else []
            scan = None
        elif content_type.startswith("text/html"):
            scan = Scan()
            scan.feed(body)
            scan.close()
            self.problems.extend(f"{where}: {problem}" for problem in scan.problems)
            strings = scan.texts
        else:
            return None
        for text in strings:
            self.seen.update(MARKER.findall(text))
            if verbatim:
                self.problems.extend(f"{where}: {problem}" for problem in verbatim_problems(text))
        return scan


# Routes that show no stored data (and are slow to build: the schema, the health checks).
NO_STORED_DATA = {"api-schema", "api-docs", "core:healthz"}


# The permission matrix's pages and API routes (tests/security/permissions), which fail when a
# route is missing from them: a new page is walked here as soon as it is added there.
ROUTES = {**PAGES, **API}


def _get_routes() -> list[str]:
    return sorted(
        name
        for name, route in ROUTES.items()
        if "get" in route.methods and name not in NO_STORED_DATA
    )


def _opens(name: str) -> dict[str, int]:
    """Each persona's answer to a GET of the route on the manager's own objects."""
    return ROUTES[name].expected("get", "own", api=name.startswith("api:"))


def _reflected(walk: Walk, browser: BrowserClient, url: str, scan: Scan, where: str) -> None:
    """Type the payloads into every text box of the page's search and filter forms (each form
    once in the whole walk: the navbar's search is on every page)."""
    for form in scan.forms:
        action = form["action"] or url
        names = tuple(sorted(set(form["inputs"])))
        if form["method"] != "get" or not names or (action, names) in walk.reflected:
            continue
        walk.reflected.add((action, names))
        response = browser.get(action, dict.fromkeys(names, "".join(PAYLOADS)))
        if response.status_code == 200:
            walk.read(f"{where}: {action}?{','.join(names)}=payloads", response)


# The first persona allowed to open a route also gets its htmx partial, its search forms and,
# for the API, its JSON and browsable HTML; the others get the page they would open.
FIRST = ("manager", "supervisor", "admin", "operator", "other_manager", "anonymous")


def walk_routes(walk: Walk, world: HostileWorld, persona: str) -> None:
    user = world.users[persona]
    browser = BrowserClient()
    if user is not None:
        browser.force_login(user)
    for name in _get_routes():
        route, opens = ROUTES[name], _opens(name)
        if opens[persona] != 200:
            continue
        first = persona == next(p for p in FIRST if opens[p] == 200)
        is_api = name.startswith("api:")
        if is_api and not first:
            continue
        url = reverse(name, kwargs=route.kwargs(world.objects) if route.kwargs else {})
        where = f"GET {url} as {persona}"
        response = browser.get(url, **({"HTTP_ACCEPT": "application/json"} if is_api else {}))
        if response.status_code != 200:
            walk.problems.append(f"{where}: {response.status_code}, the matrix says 200")
            continue
        scan = walk.read(where, response)
        if is_api:
            # The browsable API: the same data as JSON text inside an HTML page.
            html_page = browser.get(url, HTTP_ACCEPT="text/html")
            walk.read(f"{where} (HTML)", html_page, verbatim=False)
        elif scan is not None and first:
            walk.read(f"{where} (htmx)", browser.get(url, HTTP_HX_REQUEST="true"))
            _reflected(walk, browser, url, scan, where)


def walk_admin(walk: Walk, site: django_admin.AdminSite, user: User, persona: str) -> None:
    browser = BrowserClient()
    browser.force_login(user)
    for model in site._registry:
        info = (site.name, model._meta.app_label, model._meta.model_name)
        urls = [reverse("{}:{}_{}_changelist".format(*info))]
        latest = model._default_manager.order_by("-pk").first()
        if latest is not None:
            urls.append(reverse("{}:{}_{}_change".format(*info), args=[latest.pk]))
        for url in urls:
            response = browser.get(url)
            if response.status_code == 200:
                walk.read(f"GET {url} as {persona}", response)
            elif response.status_code != 403:
                walk.problems.append(f"GET {url} as {persona}: {response.status_code}")


def test_no_payload_comes_back_unescaped_anywhere(world):
    empty = [key for key in KEYS if not _holds_a_payload(key)]
    assert not empty, f"fill these fields in build_hostile_world or exclude them: {empty}"

    walk = Walk()
    for persona in world.users:
        walk_routes(walk, world, persona)
    walk_admin(walk, django_admin.site, world.users["admin"], "admin")
    walk_admin(walk, operator_site, world.users["operator"], "operator")

    assert not walk.problems, "\n".join(walk.problems[:40])
    never_seen = sorted(
        key
        for key in KEYS
        if marker(key) not in walk.seen and key not in NEVER_SHOWN and key not in DERIVED
    )
    assert not never_seen, f"no page shows these fields (list them in NEVER_SHOWN): {never_seen}"


# The checker itself: it must see each payload when a page forgets to escape it.

CONTEXTS = [
    "<td>{}</td>",
    '<input name="q" value="{}">',
    "<a title='{}'>x</a>",
    "<textarea>{}</textarea>",
    '<a href="{}">x</a>',
    '<script type="application/json">{{"name": "{}"}}</script>',
]
MARKUP = [payload for payload in PAYLOADS if payload != "{{7*7}}"]


@pytest.mark.parametrize("payload", MARKUP)
def test_the_checker_sees_a_payload_a_page_forgot_to_escape(payload):
    from django.utils.html import escape

    def problems(value: str) -> list[str]:
        scan = Scan()
        scan.feed("".join(context.format(value) for context in CONTEXTS))
        scan.close()
        return scan.problems

    assert problems(payload), f"{payload!r} unescaped went unnoticed"
    assert not problems(escape(payload).replace("javascript:", "x-javascript:"))


def test_the_checker_sees_a_value_evaluated_as_a_template():
    key = "clients.Client.name"
    typed = hostile(key)

    assert not list(verbatim_problems(f"Client: {typed}!"))
    assert list(verbatim_problems(f"Client: {typed.replace('{{7*7}}', '49')}"))
