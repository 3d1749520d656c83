"""Every URL of the CRM and every persona -> the expected status code.

A URL added without a row here fails `test_every_url_is_in_the_matrix`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.urls import reverse

from clients.models import CorrectionRequest, PointsEntry
from clients.services import campaign_create, segment_create, unsubscribe_token
from reports.models import ReportSnapshot
from tests.conftest import PERSONAS
from tests.deals.factories import ClientTransferFactory, DealFactory
from tests.factories import (
    ClientFactory,
    ContactPersonFactory,
    EmailFactory,
    InteractionFactory,
    PlanFactory,
    status,
)
from tests.security.permissions.harness import all_url_names as every_url_name

# Third-party and framework routes that are not ours to test here (Django admin internals are
# covered by the admin rows below through the index and one model page).
# /operator/ has its own persona table in tests/privacy/test_operator_admin.py.
IGNORED_PREFIXES = ("admin:", "operator_admin:")
IGNORED_NAMES = {"api:api-root"}


@dataclass
class Row:
    """Expected status per persona for one URL; `kwargs` builds the URL's arguments."""

    expected: dict[str, int]
    method: str = "get"
    kwargs: Callable[[dict], dict] = field(default=lambda objects: {})
    data: dict | None = None


def _all(status: int, **overrides: int) -> dict[str, int]:
    expected = dict.fromkeys(PERSONAS, status)
    expected.update(overrides)
    return expected


STAFF_PAGE = _all(200, anonymous=302)
JOURNAL_PAGE = _all(200, anonymous=302, operator=403)
API_READ = _all(200, anonymous=401)
API_JOURNAL = _all(200, anonymous=401, operator=403)
DEALS_PAGE = JOURNAL_PAGE  # deals: managers, supervisors and admins, not operators
API_DEALS = API_JOURNAL
SUPERVISOR_PAGE = _all(403, anonymous=302, supervisor=200, admin=200)
SUPERVISOR_API = _all(403, anonymous=401, supervisor=200, admin=200)

# Issue 7: correction requests, data-subject requests, mailing lists. The segment and campaign
# are the manager's (his supervisor sees them; a colleague gets 404).
OWN_CORRECTIONS = _all(200, anonymous=302, operator=403)
QUEUE = _all(403, anonymous=302, operator=200, admin=200)
ADMIN_ONLY = _all(403, anonymous=302, admin=200)
SEGMENTS = _all(200, anonymous=302, operator=403)
OWN_SEGMENT = _all(200, anonymous=302, operator=403, other_manager=404)
API_SEGMENTS = _all(200, anonymous=401, operator=403)
API_OWN_SEGMENT = _all(200, anonymous=401, operator=403, other_manager=404)

MATRIX: dict[str, Row] = {
    "core:home": Row(STAFF_PAGE),
    "core:healthz": Row(_all(200)),
    "login": Row(_all(200)),
    "api-schema": Row(_all(200)),
    "api-docs": Row(_all(200)),
    "clients:list": Row(STAFF_PAGE),
    "clients:detail": Row(STAFF_PAGE, kwargs=lambda o: {"pk": o["client"].pk}),
    "clients:create": Row(STAFF_PAGE),
    "interactions:list": Row(JOURNAL_PAGE),
    # My day (issue 3): partials and one-click actions; an empty POST gets as far as validation.
    "interactions:my_day_inbox": Row(JOURNAL_PAGE),
    "interactions:my_day_counters": Row(JOURNAL_PAGE),
    "interactions:inbox_set_status": Row(
        _all(422, anonymous=302, operator=403),
        method="post",
        kwargs=lambda o: {"pk": o["interaction"].pk},
    ),
    "interactions:task_complete": Row(
        _all(422, anonymous=302, operator=403),
        method="post",
        kwargs=lambda o: {"pk": o["interaction"].pk},
    ),
    "interactions:task_reschedule": Row(
        _all(422, anonymous=302, operator=403),
        method="post",
        kwargs=lambda o: {"pk": o["interaction"].pk},
    ),
    # The quick-log form of one kind on a page of its own (the card embeds the same forms).
    "interactions:quick_log": Row(
        JOURNAL_PAGE, kwargs=lambda o: {"client_pk": o["client"].pk, "form_kind": "call"}
    ),
    "language": Row(_all(302), method="post", data={"language": "en", "next": "/"}),
    "logout": Row(_all(302), method="post"),
    "password_change": Row(STAFF_PAGE),
    "password_change_done": Row(STAFF_PAGE),
    # Issue 9: each user's own API token; the key is shown in the rotate response only.
    "api_token": Row(STAFF_PAGE),
    "api_token_rotate": Row(_all(200, anonymous=302), method="post"),
    "api_token_revoke": Row(_all(302), method="post"),
    # Webhooks are POST-only and signed; a GET is refused for everyone alike.
    "api:telephony:generic": Row(_all(405)),
    "api:telephony:twilio": Row(_all(405)),
    "api:telephony:asterisk": Row(_all(405)),
    "api:telephony:zadarma": Row(_all(400)),  # a GET without the zd_echo handshake
    "api:client-list": Row(API_READ),
    "api:client-detail": Row(API_READ, kwargs=lambda o: {"pk": o["client"].pk}),
    "api:contact-list": Row(API_READ),
    "api:contact-detail": Row(API_READ, kwargs=lambda o: {"pk": o["contact"].pk}),
    "api:interaction-list": Row(API_JOURNAL),
    "api:interaction-detail": Row(API_JOURNAL, kwargs=lambda o: {"pk": o["interaction"].pk}),
    # An empty body: the request gets as far as validation only for those allowed to try.
    "api:interaction-set-status": Row(
        _all(400, anonymous=401, operator=403),
        method="post",
        kwargs=lambda o: {"pk": o["interaction"].pk},
    ),
    "api:interaction-inbox": Row(API_JOURNAL),
    "api:task-list": Row(API_JOURNAL),
    "api:task-complete": Row(
        _all(400, anonymous=401, operator=403),
        method="post",
        kwargs=lambda o: {"pk": o["interaction"].pk},
    ),
    "api:task-reschedule": Row(
        _all(400, anonymous=401, operator=403),
        method="post",
        kwargs=lambda o: {"pk": o["interaction"].pk},
    ),
    "api:counters": Row(API_JOURNAL),
    "api:interaction-status-list": Row(API_JOURNAL),
    "api:interaction-status-detail": Row(API_JOURNAL, kwargs=lambda o: {"pk": o["status"].pk}),
    "api:plan-list": Row(_all(200, anonymous=401, operator=403)),
    "api:plan-detail": Row(
        _all(200, anonymous=401, operator=403, other_manager=404),
        kwargs=lambda o: {"pk": o["plan"].pk},
    ),
    # Reports (issue 6): managers read their own figures; the board, plans and snapshots are
    # the supervisor's. An empty POST gets as far as validation only for those allowed to try.
    "reports:index": Row(JOURNAL_PAGE),
    "reports:detail": Row(JOURNAL_PAGE, kwargs=lambda o: {"key": "activity"}),
    "reports:export": Row(JOURNAL_PAGE, kwargs=lambda o: {"key": "activity", "file_format": "csv"}),
    "reports:board": Row(SUPERVISOR_PAGE),
    "reports:plans": Row(SUPERVISOR_PAGE),
    "reports:plans_copy_forward": Row(
        _all(302, manager=403, other_manager=403, operator=403), method="post"
    ),
    "reports:snapshot_list": Row(SUPERVISOR_PAGE),
    "reports:snapshot_detail": Row(SUPERVISOR_PAGE, kwargs=lambda o: {"pk": o["snapshot"].pk}),
    "api:report-list": Row(API_JOURNAL),
    "api:report-detail": Row(API_JOURNAL, kwargs=lambda o: {"key": "activity"}),
    "api:board": Row(SUPERVISOR_API),
    "api:report-snapshot-list": Row(SUPERVISOR_API),
    "api:report-snapshot-detail": Row(SUPERVISOR_API, kwargs=lambda o: {"pk": o["snapshot"].pk}),
    "api:plan-set": Row(
        _all(400, anonymous=401, manager=403, other_manager=403, operator=403), method="post"
    ),
    "api:plan-copy-forward": Row(
        _all(400, anonymous=401, manager=403, other_manager=403, operator=403), method="post"
    ),
    # Deals, stage control, transfers and points (issue 5). The deal is the manager's; an
    # empty POST gets as far as validation only for those allowed to try.
    "clients:deal_list": Row(DEALS_PAGE),
    "clients:deal_detail": Row(DEALS_PAGE, kwargs=lambda o: {"pk": o["deal"].pk}),
    "clients:deal_create": Row(
        _all(200, anonymous=302, other_manager=403, operator=403),
        kwargs=lambda o: {"client_pk": o["client"].pk},
    ),
    "clients:deal_update": Row(
        _all(200, anonymous=302, other_manager=403, operator=403),
        kwargs=lambda o: {"pk": o["deal"].pk},
    ),
    "clients:deal_move_stage": Row(
        _all(422, anonymous=302, other_manager=403, operator=403),
        method="post",
        kwargs=lambda o: {"pk": o["deal"].pk},
    ),
    "clients:deal_control": Row(SUPERVISOR_PAGE),
    "clients:deal_remind": Row(
        _all(403, anonymous=302, supervisor=302, admin=302),
        method="post",
        kwargs=lambda o: {"pk": o["deal"].pk},
    ),
    "clients:deal_reassign": Row(
        _all(403, anonymous=302, supervisor=302, admin=302),
        method="post",
        kwargs=lambda o: {"pk": o["deal"].pk},
    ),
    "clients:client_deals_panel": Row(DEALS_PAGE, kwargs=lambda o: {"pk": o["client"].pk}),
    "clients:transfer": Row(SUPERVISOR_PAGE, kwargs=lambda o: {"pk": o["client"].pk}),
    "clients:transfer_bulk": Row(SUPERVISOR_PAGE),
    "clients:transfer_eligible": Row(SUPERVISOR_PAGE),
    "clients:transfer_list": Row(JOURNAL_PAGE),
    "clients:at_risk": Row(JOURNAL_PAGE),
    "clients:points": Row(STAFF_PAGE),
    "api:deal-list": Row(API_DEALS),
    "api:deal-detail": Row(API_DEALS, kwargs=lambda o: {"pk": o["deal"].pk}),
    "api:deal-move-stage": Row(
        _all(400, anonymous=401, other_manager=403, operator=403),
        method="post",
        kwargs=lambda o: {"pk": o["deal"].pk},
    ),
    "api:deal-remind": Row(
        _all(403, anonymous=401, supervisor=201, admin=201),
        method="post",
        kwargs=lambda o: {"pk": o["deal"].pk},
    ),
    "api:deal-reassign": Row(
        _all(403, anonymous=401, supervisor=400, admin=400),
        method="post",
        kwargs=lambda o: {"pk": o["deal"].pk},
    ),
    "api:deal-stage-list": Row(API_DEALS),
    "api:deal-stage-detail": Row(API_DEALS, kwargs=lambda o: {"pk": o["deal"].stage_id}),
    "api:deal-stage-change-list": Row(API_DEALS),
    "api:deal-stage-change-detail": Row(
        API_DEALS, kwargs=lambda o: {"pk": o["deal"].stage_changes.get().pk}
    ),
    "api:client-transfer-list": Row(API_JOURNAL),
    "api:client-transfer-detail": Row(API_JOURNAL, kwargs=lambda o: {"pk": o["transfer"].pk}),
    "api:client-transfer-bulk": Row(
        _all(403, anonymous=401, supervisor=400, admin=400), method="post"
    ),
    "api:transfer-eligibility-list": Row(API_JOURNAL),
    "api:points-entry-list": Row(API_READ),
    "api:points-entry-detail": Row(
        _all(200, anonymous=401, other_manager=404, operator=404),
        kwargs=lambda o: {"pk": o["points"].pk},
    ),
    "clients:correction_create": Row(OWN_CORRECTIONS, kwargs=lambda o: {"pk": o["client"].pk}),
    "clients:my_corrections": Row(OWN_CORRECTIONS),
    "clients:correction_queue": Row(QUEUE),
    # An empty decision is refused by the service and reported on the queue page.
    "clients:correction_resolve": Row(
        _all(403, anonymous=302, operator=302, admin=302),
        method="post",
        kwargs=lambda o: {"pk": o["correction"].pk},
    ),
    "clients:data_subject": Row(ADMIN_ONLY, kwargs=lambda o: {"pk": o["client"].pk}),
    "clients:person_export": Row(
        _all(403, anonymous=302, admin=200),
        method="post",
        kwargs=lambda o: {"kind": "contact", "pk": o["contact"].pk, "file_format": "json"},
    ),
    "clients:person_erase": Row(
        _all(403, anonymous=302, admin=302),
        method="post",
        kwargs=lambda o: {"kind": "contact", "pk": o["contact"].pk},
    ),
    "clients:segment_list": Row(SEGMENTS),
    "clients:segment_create": Row(SEGMENTS),
    "clients:segment_detail": Row(OWN_SEGMENT, kwargs=lambda o: {"pk": o["segment"].pk}),
    "clients:segment_export": Row(
        OWN_SEGMENT, method="post", kwargs=lambda o: {"pk": o["segment"].pk}
    ),
    "clients:campaign_create": Row(
        _all(422, anonymous=302, operator=403, other_manager=404),
        method="post",
        kwargs=lambda o: {"pk": o["segment"].pk},
    ),
    "clients:campaign_detail": Row(OWN_SEGMENT, kwargs=lambda o: {"pk": o["campaign"].pk}),
    "clients:campaign_start": Row(
        _all(302, operator=403, other_manager=404),
        method="post",
        kwargs=lambda o: {"pk": o["campaign"].pk},
    ),
    # Public: the signed link in campaign e-mails.
    "unsubscribe": Row(_all(200), kwargs=lambda o: {"token": o["unsubscribe_token"]}),
    "api:correction-request-list": Row(API_READ),
    "api:correction-request-detail": Row(
        _all(200, anonymous=401, other_manager=404, supervisor=404),
        kwargs=lambda o: {"pk": o["correction"].pk},
    ),
    "api:correction-request-resolve": Row(
        _all(403, anonymous=401, operator=400, admin=400),
        method="post",
        kwargs=lambda o: {"pk": o["correction"].pk},
    ),
    "api:segment-list": Row(API_SEGMENTS),
    "api:segment-detail": Row(API_OWN_SEGMENT, kwargs=lambda o: {"pk": o["segment"].pk}),
    "api:segment-report": Row(API_OWN_SEGMENT, kwargs=lambda o: {"pk": o["segment"].pk}),
    "api:campaign-list": Row(API_SEGMENTS),
    "api:campaign-detail": Row(API_OWN_SEGMENT, kwargs=lambda o: {"pk": o["campaign"].pk}),
    "api:campaign-recipients": Row(API_OWN_SEGMENT, kwargs=lambda o: {"pk": o["campaign"].pk}),
    "api:campaign-send": Row(
        API_OWN_SEGMENT, method="post", kwargs=lambda o: {"pk": o["campaign"].pk}
    ),
}


def all_url_names() -> set[str]:
    return {
        name
        for name in every_url_name()
        if not name.startswith(IGNORED_PREFIXES) and name not in IGNORED_NAMES
    }


def test_every_url_is_in_the_matrix():
    missing = sorted(all_url_names() - set(MATRIX))
    assert not missing, f"add these URLs to the permission matrix: {missing}"


def test_matrix_lists_no_url_that_does_not_exist():
    assert not sorted(set(MATRIX) - all_url_names())


@pytest.fixture
def objects(manager, other_manager):
    client = ClientFactory(responsible_manager=manager)
    segment = segment_create(actor=manager, name="Mine")
    return {
        "correction": CorrectionRequest.objects.create(
            client=client, field="phone", proposed_value="+74950000000", requested_by=manager
        ),
        "segment": segment,
        "campaign": campaign_create(actor=manager, segment=segment, subject="S", body="B"),
        "unsubscribe_token": unsubscribe_token(EmailFactory(client=client)),
        "client": client,
        "other_client": ClientFactory(responsible_manager=other_manager),
        "contact": ContactPersonFactory(client=client),
        "interaction": InteractionFactory(client=client, manager=manager),
        "status": status("outgoing_call", "completed"),
        "plan": PlanFactory(manager=manager),
        "snapshot": ReportSnapshot.objects.create(
            kind="daily", team=manager.team, period_start="2025-03-03", period_end="2025-03-03"
        ),
        "deal": DealFactory(client=client, manager=manager),
        "transfer": ClientTransferFactory(
            client=client, from_manager=other_manager, to_manager=manager, transferred_by=manager
        ),
        "points": PointsEntry.objects.create(
            user=manager, points=10, reason=PointsEntry.Reason.PRIMARY_CONTACT, client=client
        ),
    }


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("url_name", sorted(MATRIX))
def test_permission_matrix(url_name, persona, request, objects, login):
    row = MATRIX[url_name]
    user = request.getfixturevalue(persona)
    browser = login(user)
    url = reverse(url_name, kwargs=row.kwargs(objects))
    response = getattr(browser, row.method)(url, data=row.data)
    assert response.status_code == row.expected[persona], (
        f"{row.method.upper()} {url} as {persona}: {response.status_code}"
    )


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("anonymous", 302), ("manager", 302), ("supervisor", 302), ("operator", 302), ("admin", 200)],
)
def test_full_admin_is_for_admins_only(persona, expected, request, login):
    user = request.getfixturevalue(persona)
    response = login(user).get(reverse("admin:index"))
    assert response.status_code == expected
