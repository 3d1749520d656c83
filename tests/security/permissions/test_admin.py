"""The full admin (/admin/, the admin role only) and the operators' admin (/operator/).

Per registered model, what its admin allows: every model page (list, add, change, delete,
history) is a row of the matrix, built from the profile named here. A model registered without
a line here gives routes the matrix does not know, and test_every_route_is_in_the_matrix fails.
Who may not use a site is sent to its sign-in page (302) whatever the method; PUT, PATCH and
DELETE are 405 for everybody. Empty POSTs: forms come back with their errors (200), a delete
without its confirmation shows the confirmation page again.
"""

from __future__ import annotations

import pytest

from tests.security.permissions.harness import Route, check, every
from tests.security.permissions.kwargs import admin_kwargs
from tests.security.permissions.world import PERSONAS

# (GET, POST) for who may use the site, per page of a model.
FULL = {
    "changelist": (200, 200),
    "add": (200, 200),
    "change": (200, 200),
    "delete": (200, 200),
    "history": (200, 200),
}
# Records written only by services (audit, deals, transfers…): viewed, never edited here.
READ_ONLY = FULL | {"add": (403, 403), "change": (200, 403), "delete": (403, 403)}
# Corrections are made by managers' requests and resolved on the queue, not added or deleted.
NO_ADD_NO_DELETE = FULL | {"add": (403, 403), "delete": (403, 403)}
# Sign-in records (axes) and telephony events: not added by hand; the change page has only
# read-only fields, so saving it rewrites the row as it was (and logs the save).
RECORDS = FULL | {"add": (403, 403), "change": (200, 302)}
# Lead sources are deactivated, never deleted (clients keep pointing at them).
NO_DELETE = FULL | {"delete": (403, 403)}

FULL_ADMIN_MODELS = {
    "auth_group": FULL,
    "accounts_team": FULL,
    "accounts_user": FULL,
    "core_auditentry": READ_ONLY,
    "clients_leadsource": NO_DELETE,
    "clients_client": FULL,
    "clients_contactperson": FULL,
    "clients_postaladdress": FULL,
    "clients_correctionrequest": NO_ADD_NO_DELETE,
    "clients_dealstage": FULL,
    "clients_transferrule": FULL,
    "clients_managerleaving": FULL,
    "clients_deal": READ_ONLY,
    "clients_clienttransfer": READ_ONLY,
    "clients_pointsentry": READ_ONLY,
    "clients_segment": READ_ONLY,
    "clients_campaign": READ_ONLY,
    "interactions_interactionstatus": FULL,
    "interactions_interaction": FULL,
    "interactions_telephonyevent": RECORDS,
    "reports_plan": FULL,
    "reports_reportsnapshot": READ_ONLY,
    "authtoken_tokenproxy": FULL,
    "axes_accessattempt": RECORDS,
    "axes_accesslog": RECORDS,
    "axes_accessfailurelog": RECORDS,
}
OPERATOR_ADMIN_MODELS = {
    "clients_client": FULL,
    "clients_contactperson": FULL,
    "clients_phone": FULL,
    "clients_email": FULL,
    "clients_postaladdress": FULL,
    "clients_leadsource": NO_DELETE,
    "clients_correctionrequest": NO_ADD_NO_DELETE,
}
# Pages of the site itself: (GET, POST) for who may use it; None: the method is not accepted.
SITE_PAGES = {
    "index": (200, 200),
    "app_list": (200, 200),
    "password_change": (200, 200),
    "password_change_done": (200, None),
    "jsi18n": (200, None),
    "autocomplete": (403, None),  # without the model and field it asks about
    "view_on_site": (302, 302),  # to the object's own page
    "logout": (None, 302),
}
SITES = {
    "admin": ({"admin"}, FULL_ADMIN_MODELS),
    "operator_admin": ({"operator", "admin"}, OPERATOR_ADMIN_MODELS),
}
# Models whose change page saves on an empty POST (see RECORDS).
SAVED_ON_EMPTY_POST = {
    "axes_accessattempt",
    "axes_accesslog",
    "axes_accessfailurelog",
    "interactions_telephonyevent",
}


def _route(namespace: str, name: str, outcome: tuple[int | None, int | None]) -> Route:
    users, _models = SITES[namespace]
    turned_away = {persona: 302 for persona in PERSONAS if persona not in users}
    methods = {
        method: every(302, **dict.fromkeys(users, status))
        for method, status in zip(("get", "post"), outcome, strict=True)
        if status is not None
    }
    saves = name.endswith("_change") and name.removesuffix("_change") in SAVED_ON_EMPTY_POST
    return Route(
        methods=methods,
        kwargs=admin_kwargs(namespace, name),
        refused=turned_away,
        writes={"post": users} if saves else {},
        variants=("own",),
    )


def admin_matrix() -> dict[str, Route]:
    routes: dict[str, Route] = {}
    for namespace, (_users, models) in SITES.items():
        for name, outcome in SITE_PAGES.items():
            routes[f"{namespace}:{name}"] = _route(namespace, name, outcome)
        for model, pages in models.items():
            for page, outcome in pages.items():
                routes[f"{namespace}:{model}_{page}"] = _route(
                    namespace, f"{model}_{page}", outcome
                )
    # Signed in elsewhere but not here: the sign-in form; the site's users are sent on.
    routes["admin:login"] = Route(
        methods={"get": every(200, admin=302), "post": every(200)}, variants=("own",)
    )
    routes["operator_admin:login"] = Route(
        methods={"get": every(200, operator=302, admin=302), "post": every(200)},
        variants=("own",),
    )
    routes["admin:auth_user_password_change"] = _route(
        "admin", "auth_user_password_change", (200, 200)
    )
    routes["admin:interactions_telephonyevent_import_cdr"] = _route(
        "admin", "interactions_telephonyevent_import_cdr", (200, 200)
    )
    return routes


ADMIN = admin_matrix()


@pytest.mark.parametrize("name", sorted(ADMIN))
def test_admin_route(name, world, db):
    problems = check(world, name, ADMIN[name])
    assert not problems, "\n".join(problems)
