"""The API (/api/v1/, every router route): every method x every persona, own and foreign object.

Empty bodies: a request gets as far as validation (400) only for those allowed to try. Not
signed in: 401. Without the role: 403 before the method is looked at; an object the persona
may not see: 404.
"""

from __future__ import annotations

import pytest

from tests.security.permissions.harness import (
    Owned,
    Route,
    check,
    every,
    gate,
    mine,
    supervises,
    teams,
)
from tests.security.permissions.kwargs import pk

EVERYONE = every(200)
STAFF = every(200, anonymous=401)
JOURNAL = every(200, anonymous=401, operator=403)
SUPERVISORS = every(403, anonymous=401, supervisor=200, admin=200)
CREATE = every(400, anonymous=401, operator=403)  # an empty body from who may create
SUPERVISOR_ACTION = every(403, anonymous=401, supervisor=400, admin=400)
OPERATOR_ACTION = every(403, anonymous=401, operator=400, admin=400)
WEBHOOK = every(403)  # unsigned


def read(expected, **kwargs) -> Route:
    return Route(methods={"get": expected}, **kwargs)


def listing(expected, create=None, **kwargs) -> Route:
    methods = {"get": expected} | ({"post": create} if create else {})
    return Route(methods=methods, **kwargs)


def action(expected, **kwargs) -> Route:
    return Route(methods={"post": expected}, **kwargs)


# Personal data views of a client are audited: who may see them writes an audit entry.
SEES_CLIENT = {"manager", "supervisor", "foreign_manager", "operator", "admin"}
MANAGES_CLIENT = Owned(
    own=every(403, anonymous=401, manager=200, supervisor=200, operator=200, admin=200),
    foreign=every(403, anonymous=401, foreign_manager=200, operator=200, admin=200),
)


OWN_CORRECTION = Owned(
    own=every(404, anonymous=401, manager=200, operator=200, admin=200),
    foreign=every(404, anonymous=401, foreign_manager=200, operator=200, admin=200),
)

API: dict[str, Route] = {
    "api-schema": read(EVERYONE),
    "api-docs": read(EVERYONE),
    "api:client-list": listing(STAFF, every(400, anonymous=401), refused=gate(STAFF)),
    "api:client-detail": Route(
        methods={"get": STAFF, "patch": MANAGES_CLIENT},
        kwargs=pk("client"),
        refused=gate(STAFF),
        writes={"get": SEES_CLIENT},
    ),
    "api:contact-list": listing(STAFF, OPERATOR_ACTION, refused=gate(STAFF)),
    "api:contact-detail": read(STAFF, kwargs=pk("contact"), refused=gate(STAFF)),
    "api:deal-list": listing(JOURNAL, CREATE, refused=gate(JOURNAL)),
    "api:deal-detail": Route(
        methods={
            "get": teams(200, anonymous=401, operator=403),
            "patch": teams(200, anonymous=401, operator=403).but(own={"other_manager": 403}),
        },
        kwargs=pk("deal"),
        refused=gate(JOURNAL),
    ),
    "api:deal-move-stage": action(
        teams(400, anonymous=401, operator=403).but(own={"other_manager": 403}),
        kwargs=pk("deal"),
        refused=gate(JOURNAL),
    ),
    # An empty reminder is a reminder (201); a reassignment needs the manager (400).
    "api:deal-remind": action(
        supervises(201, signed_out=401),
        kwargs=pk("deal"),
        refused=gate(JOURNAL),
        writes={"post": {"supervisor", "admin"}},
    ),
    "api:deal-reassign": action(
        supervises(400, signed_out=401), kwargs=pk("deal"), refused=gate(JOURNAL)
    ),
    "api:deal-stage-list": read(JOURNAL, refused=gate(JOURNAL)),
    "api:deal-stage-detail": read(
        JOURNAL, kwargs=lambda objects: {"pk": objects["deal"].stage_id}, refused=gate(JOURNAL)
    ),
    "api:deal-stage-change-list": read(JOURNAL, refused=gate(JOURNAL)),
    "api:deal-stage-change-detail": read(
        teams(200, anonymous=401, operator=403), kwargs=pk("stage_change"), refused=gate(JOURNAL)
    ),
    "api:client-transfer-list": listing(JOURNAL, SUPERVISOR_ACTION, refused=gate(JOURNAL)),
    "api:client-transfer-bulk": action(SUPERVISOR_ACTION, refused=gate(JOURNAL)),
    "api:client-transfer-detail": read(
        teams(200, anonymous=401, operator=403), kwargs=pk("transfer"), refused=gate(JOURNAL)
    ),
    "api:transfer-eligibility-list": read(JOURNAL, refused=gate(JOURNAL)),
    "api:points-entry-list": read(STAFF, refused=gate(STAFF)),
    "api:points-entry-detail": read(
        mine(200, anonymous=401), kwargs=pk("points"), refused=gate(STAFF)
    ),
    # Correction requests: the requester's own, and the operators' queue.
    "api:correction-request-list": listing(
        STAFF, every(400, anonymous=401, operator=403), refused=gate(STAFF)
    ),
    "api:correction-request-detail": read(
        OWN_CORRECTION, kwargs=pk("correction"), refused=gate(STAFF)
    ),
    "api:correction-request-resolve": action(
        OPERATOR_ACTION, kwargs=pk("correction"), refused=gate(STAFF)
    ),
    "api:segment-list": listing(JOURNAL, CREATE, refused=gate(JOURNAL)),
    "api:segment-detail": read(
        mine(200, anonymous=401, operator=403), kwargs=pk("segment"), refused=gate(JOURNAL)
    ),
    "api:segment-report": read(
        mine(200, anonymous=401, operator=403), kwargs=pk("segment"), refused=gate(JOURNAL)
    ),
    "api:campaign-list": listing(JOURNAL, CREATE, refused=gate(JOURNAL)),
    "api:campaign-detail": read(
        mine(200, anonymous=401, operator=403), kwargs=pk("campaign"), refused=gate(JOURNAL)
    ),
    "api:campaign-recipients": read(
        mine(200, anonymous=401, operator=403), kwargs=pk("campaign"), refused=gate(JOURNAL)
    ),
    "api:campaign-send": action(
        mine(200, anonymous=401, operator=403),
        kwargs=pk("campaign"),
        refused=gate(JOURNAL),
        writes={"post": {"manager", "supervisor", "foreign_manager", "admin"}},
    ),
    # The journal is corporate; changing another's call or task is refused by the service.
    "api:interaction-list": listing(JOURNAL, CREATE, refused=gate(JOURNAL)),
    "api:interaction-inbox": read(JOURNAL, refused=gate(JOURNAL)),
    "api:interaction-detail": read(JOURNAL, kwargs=pk("interaction"), refused=gate(JOURNAL)),
    "api:interaction-set-status": action(CREATE, kwargs=pk("interaction"), refused=gate(JOURNAL)),
    "api:interaction-status-list": read(JOURNAL, refused=gate(JOURNAL)),
    "api:interaction-status-detail": read(JOURNAL, kwargs=pk("status"), refused=gate(JOURNAL)),
    "api:task-list": listing(JOURNAL, CREATE, refused=gate(JOURNAL)),
    "api:task-complete": action(CREATE, kwargs=pk("interaction"), refused=gate(JOURNAL)),
    "api:task-reschedule": action(CREATE, kwargs=pk("interaction"), refused=gate(JOURNAL)),
    "api:counters": read(JOURNAL, refused=gate(JOURNAL)),
    # Reports and plans: the board, plans and snapshots are the supervisor's (per team).
    "api:board": read(SUPERVISORS, refused=gate(SUPERVISORS)),
    "api:plan-list": read(JOURNAL, refused=gate(JOURNAL)),
    "api:plan-detail": read(
        mine(200, anonymous=401, operator=403), kwargs=pk("plan"), refused=gate(JOURNAL)
    ),
    "api:plan-set": action(SUPERVISOR_ACTION, refused=gate(JOURNAL)),
    "api:plan-copy-forward": action(SUPERVISOR_ACTION, refused=gate(JOURNAL)),
    "api:report-list": read(JOURNAL, refused=gate(JOURNAL)),
    "api:report-detail": read(
        JOURNAL,
        kwargs=lambda objects: {"key": "activity"},
        refused=gate(JOURNAL),
        variants=("own",),
    ),
    "api:report-snapshot-list": read(SUPERVISORS, refused=gate(SUPERVISORS)),
    "api:report-snapshot-detail": read(
        Owned(own=SUPERVISORS, foreign=SUPERVISORS | {"supervisor": 404}),
        kwargs=pk("snapshot"),
        refused=gate(SUPERVISORS),
    ),
    # Telephony webhooks: POST only, and signed (an unsigned one is refused for everybody).
    "api:telephony:generic": action(WEBHOOK),
    "api:telephony:twilio": action(WEBHOOK),
    "api:telephony:asterisk": action(WEBHOOK),
    # Zadarma's GET is its URL check (zd_echo); without the parameter it is a bad request.
    "api:telephony:zadarma": Route(methods={"get": every(400), "post": WEBHOOK}),
}


@pytest.mark.parametrize("name", sorted(API))
def test_api(name, world, db):
    problems = check(world, name, API[name])
    assert not problems, "\n".join(problems)
