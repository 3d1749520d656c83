"""The pages: every route x every method x every persona, on the manager's own object and on
another team's. Empty forms: a request gets as far as validation only for those allowed to try.

Personas: anonymous, manager and other_manager (team A), foreign_manager (team B), supervisor
(team A), operator, admin. "own" objects are manager's, "foreign" ones foreign_manager's.
"""

from __future__ import annotations

import pytest

from tests.security.permissions.harness import (
    Owned,
    Route,
    check,
    every,
    form,
    gate,
    get,
    mine,
    post,
    supervises,
    teams,
)
from tests.security.permissions.kwargs import client_pk, pk
from tests.security.permissions.world import PERSONAS

EVERYONE = every(200)
STAFF = every(200, anonymous=302)  # anyone signed in
JOURNAL = every(200, anonymous=302, operator=403)  # who works with clients: not operators
SUPERVISORS = every(403, anonymous=302, supervisor=200, admin=200)
OPERATORS = every(403, anonymous=302, operator=200, admin=200)
ADMINS = every(403, anonymous=302, admin=200)
SIGN_IN = {"anonymous": 302}
SEES_PERSONAL_DATA = {"manager", "supervisor", "foreign_manager", "operator", "admin"}
# A supervisor's action on a deal: done (redirect) on his team's, refused on another team's.
SUPERVISE_DEAL = supervises(302, signed_out=302)


def contact(objects: dict) -> dict:
    return {"kind": "contact", "pk": objects["contact"].pk}


PAGES: dict[str, Route] = {
    "core:home": get(STAFF, refused=SIGN_IN),
    "core:healthz": get(EVERYONE),
    "login": form(EVERYONE, EVERYONE),
    "logout": post(every(302)),
    "password_change": form(STAFF, STAFF, refused=SIGN_IN),
    "password_change_done": get(STAFF, refused=SIGN_IN),
    # The choice is saved on the user (and audited); anonymous gets only the cookie.
    "language": post(
        every(302),
        data={"language": "en", "next": "/"},
        writes={"post": set(PERSONAS) - {"anonymous"}},
    ),
    "api_token": get(STAFF),
    "api_token_rotate": post(
        every(200, anonymous=302), writes={"post": set(PERSONAS) - {"anonymous"}}
    ),
    # Only manager holds a token in the world: revoking it writes, revoking none does not.
    "api_token_revoke": post(every(302), writes={"post": {"manager"}}),
    # Clients: the base is corporate (names for all staff); personal data is masked per row.
    "clients:list": get(STAFF, refused=SIGN_IN),
    "clients:create": form(STAFF, STAFF, refused=SIGN_IN),
    # Who sees the client's personal data unmasked leaves an audit entry.
    "clients:detail": get(
        STAFF, kwargs=pk("client"), refused=SIGN_IN, writes={"get": SEES_PERSONAL_DATA}
    ),
    "clients:correction_create": form(JOURNAL, JOURNAL, kwargs=pk("client"), refused=gate(JOURNAL)),
    "clients:data_subject": get(ADMINS, kwargs=pk("client"), refused=gate(ADMINS)),
    "clients:client_deals_panel": get(JOURNAL, kwargs=pk("client")),
    # An empty form from a colleague is redisplayed; a filled one is refused by deal_create.
    "clients:deal_create": form(
        Owned(
            own=every(403, anonymous=302, manager=200, supervisor=200, admin=200),
            foreign=every(403, anonymous=302, foreign_manager=200, admin=200),
        ),
        JOURNAL,
        kwargs=client_pk,
        refused=gate(JOURNAL),
    ),
    # Another team's client: the transfer is refused by the service, and the page with it.
    "clients:transfer": form(
        Owned(own=SUPERVISORS, foreign=every(403, anonymous=302, admin=200)),
        Owned(own=SUPERVISORS, foreign=every(403, anonymous=302, admin=200)),
        kwargs=pk("client"),
        refused=gate(SUPERVISORS),
    ),
    "clients:deal_list": get(JOURNAL, refused=gate(JOURNAL)),
    "clients:deal_control": get(SUPERVISORS, refused=gate(SUPERVISORS)),
    "clients:deal_detail": get(teams(200, anonymous=302, operator=403), kwargs=pk("deal")),
    # A colleague sees the deal (team) but may not change it.
    "clients:deal_update": form(
        teams(200, anonymous=302, operator=403).but(own={"other_manager": 403}),
        teams(200, anonymous=302, operator=403).but(own={"other_manager": 403}),
        kwargs=pk("deal"),
        refused=gate(JOURNAL),
    ),
    "clients:deal_move_stage": post(
        teams(422, anonymous=302, operator=403).but(own={"other_manager": 403}),
        kwargs=pk("deal"),
    ),
    "clients:deal_remind": post(
        SUPERVISE_DEAL, kwargs=pk("deal"), writes={"post": {"supervisor", "admin"}}
    ),
    "clients:deal_reassign": post(SUPERVISE_DEAL, kwargs=pk("deal")),
    "clients:transfer_list": get(JOURNAL, refused=gate(JOURNAL)),
    "clients:transfer_eligible": get(SUPERVISORS, refused=gate(SUPERVISORS)),
    "clients:transfer_bulk": form(SUPERVISORS, SUPERVISORS, refused=gate(SUPERVISORS)),
    "clients:at_risk": get(JOURNAL, refused=gate(JOURNAL)),
    "clients:points": get(STAFF, refused=SIGN_IN),
    # Corrections of personal data: managers ask, operators resolve.
    "clients:correction_queue": get(OPERATORS, refused=gate(OPERATORS)),
    "clients:my_corrections": get(JOURNAL, refused=gate(JOURNAL)),
    # An empty decision is refused by the service and reported on the queue page.
    "clients:correction_resolve": post(
        every(403, anonymous=302, operator=302, admin=302), kwargs=pk("correction")
    ),
    "clients:person_export": post(
        ADMINS,
        kwargs=lambda objects: {**contact(objects), "file_format": "json"},
        writes={"post": {"admin"}},
    ),
    "clients:person_erase": post(
        every(403, anonymous=302, admin=302), kwargs=contact, writes={"post": {"admin"}}
    ),
    # Mailing lists: a manager's own (his supervisor's team's); a colleague gets 404.
    "clients:segment_list": get(JOURNAL, refused=gate(JOURNAL)),
    "clients:segment_create": form(JOURNAL, JOURNAL, refused=gate(JOURNAL)),
    "clients:segment_detail": get(
        mine(200, anonymous=302, operator=403), kwargs=pk("segment"), refused=gate(JOURNAL)
    ),
    "clients:segment_export": post(
        mine(200, anonymous=302, operator=403),
        kwargs=pk("segment"),
        writes={"post": {"manager", "supervisor", "foreign_manager", "admin"}},
    ),
    "clients:campaign_create": post(mine(422, anonymous=302, operator=403), kwargs=pk("segment")),
    "clients:campaign_detail": get(
        mine(200, anonymous=302, operator=403), kwargs=pk("campaign"), refused=gate(JOURNAL)
    ),
    "clients:campaign_start": post(
        mine(302, anonymous=302, operator=403),
        kwargs=pk("campaign"),
        writes={"post": {"manager", "supervisor", "foreign_manager", "admin"}},
    ),
    # Public: the signed link in campaign e-mails; POST withdraws the consent.
    "unsubscribe": form(
        EVERYONE,
        EVERYONE,
        kwargs=lambda objects: {"token": objects["unsubscribe_token"]},
        writes={"post": set(PERSONAS)},
    ),
    # The journal and my day.
    "interactions:list": get(JOURNAL, refused=gate(JOURNAL)),
    "interactions:my_day_inbox": get(JOURNAL),
    "interactions:my_day_counters": get(JOURNAL),
    "interactions:quick_log": form(
        JOURNAL,
        JOURNAL,
        kwargs=lambda objects: {"client_pk": objects["client"].pk, "form_kind": "call"},
        refused=gate(JOURNAL),
    ),
    # The journal is corporate; a filled form on another's call is refused by the service.
    "interactions:inbox_set_status": post(
        every(422, anonymous=302, operator=403), kwargs=pk("interaction")
    ),
    "interactions:task_complete": post(
        every(422, anonymous=302, operator=403), kwargs=pk("interaction")
    ),
    "interactions:task_reschedule": post(
        every(422, anonymous=302, operator=403), kwargs=pk("interaction")
    ),
    # Reports: managers read their own figures; the board, plans and snapshots are the
    # supervisor's. Snapshots are per team.
    "reports:index": get(JOURNAL),
    "reports:detail": get(JOURNAL, kwargs=lambda objects: {"key": "activity"}, variants=("own",)),
    "reports:export": get(
        JOURNAL,
        kwargs=lambda objects: {"key": "activity", "file_format": "csv"},
        writes={"get": set(PERSONAS) - {"anonymous", "operator"}},
        variants=("own",),
    ),
    "reports:board": get(SUPERVISORS),
    "reports:plans": form(SUPERVISORS, every(403, anonymous=302, supervisor=302, admin=302)),
    "reports:plans_copy_forward": post(every(403, anonymous=302, supervisor=302, admin=302)),
    "reports:snapshot_list": get(SUPERVISORS, refused=gate(SUPERVISORS)),
    "reports:snapshot_detail": get(
        Owned(own=SUPERVISORS, foreign=SUPERVISORS | {"supervisor": 404}),
        kwargs=pk("snapshot"),
        refused=gate(SUPERVISORS),
    ),
}


@pytest.mark.parametrize("name", sorted(PAGES))
def test_page(name, world, db):
    problems = check(world, name, PAGES[name])
    assert not problems, "\n".join(problems)
