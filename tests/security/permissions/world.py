"""One set of users and objects for the whole matrix, built once per test module.

Two teams. "own" objects belong to `manager` (team A: `other_manager` is his colleague and
`supervisor` his supervisor); "foreign" objects belong to `foreign_manager` (team B). Each
persona is checked against both, so every role meets its own object, a colleague's and another
team's.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.apps import apps
from django.contrib.auth.models import Group
from django.db import connection
from django.utils import timezone
from rest_framework.authtoken.models import Token

from clients.models import (
    CorrectionRequest,
    LeadSource,
    ManagerLeaving,
    PointsEntry,
    PostalAddress,
)
from clients.services import campaign_create, segment_create, unsubscribe_token
from crm_project.accounts.models import User
from crm_project.core.models import AuditEntry
from interactions.telephony.models import TelephonyEvent
from reports.models import ReportSnapshot
from tests.deals.factories import ClientTransferFactory, DealFactory
from tests.factories import (
    ClientFactory,
    ContactPersonFactory,
    EmailFactory,
    InteractionFactory,
    PhoneFactory,
    PlanFactory,
    TeamFactory,
    UserFactory,
    status,
)

PERSONAS = (
    "anonymous",
    "manager",
    "other_manager",
    "foreign_manager",
    "supervisor",
    "operator",
    "admin",
)
VARIANTS = ("own", "foreign")

# Written by every signed-in request (the session) or by the sign-in itself (last_login is
# taken before the request): not a change the request under test made.
UNWATCHED_TABLES = {"django_session"}


@dataclass
class World:
    users: dict[str, User | None]
    # variant ("own" / "foreign") -> name -> object
    objects: dict[str, dict[str, Any]] = field(default_factory=dict)
    # persona -> session key, signed in once for the module
    sessions: dict[str, str | None] = field(default_factory=dict)


def _objects_of(owner: User, colleague: User, tag: str) -> dict[str, Any]:
    client = ClientFactory(responsible_manager=owner, name=f"{tag} Holdings")
    PhoneFactory(client=client)
    email = EmailFactory(client=client)
    contact = ContactPersonFactory(client=client)
    PostalAddress.objects.create(client=client, city="Tver", street=f"{tag} street 1")
    segment = segment_create(actor=owner, name=f"{tag} segment")
    deal = DealFactory(client=client, manager=owner)
    return {
        "client": client,
        "contact": contact,
        "email": email,
        "interaction": InteractionFactory(client=client, manager=owner),
        "plan": PlanFactory(manager=owner),
        "snapshot": ReportSnapshot.objects.create(
            kind="daily", team=owner.team, period_start="2025-03-03", period_end="2025-03-03"
        ),
        "deal": deal,
        "stage_change": deal.stage_changes.get(),
        "transfer": ClientTransferFactory(
            client=client, from_manager=colleague, to_manager=owner, transferred_by=owner
        ),
        "points": PointsEntry.objects.create(
            user=owner, points=10, reason=PointsEntry.Reason.PRIMARY_CONTACT, client=client
        ),
        "correction": CorrectionRequest.objects.create(
            client=client, field="phone", proposed_value="+74950000000", requested_by=owner
        ),
        "segment": segment,
        "campaign": campaign_create(actor=owner, segment=segment, subject="S", body="B"),
        "unsubscribe_token": unsubscribe_token(email),
    }


def build_world() -> World:
    team, other_team = TeamFactory(name="Moscow sales"), TeamFactory(name="Kazan sales")
    users: dict[str, User | None] = {
        "anonymous": None,
        "manager": UserFactory(username="manager", role=User.Role.MANAGER, team=team),
        "other_manager": UserFactory(username="other_manager", role=User.Role.MANAGER, team=team),
        "foreign_manager": UserFactory(
            username="foreign_manager", role=User.Role.MANAGER, team=other_team
        ),
        "supervisor": UserFactory(username="supervisor", role=User.Role.SUPERVISOR, team=team),
        "foreign_supervisor": UserFactory(
            username="foreign_supervisor", role=User.Role.SUPERVISOR, team=other_team
        ),
        "operator": UserFactory(username="operator", role=User.Role.OPERATOR, team=None),
        "admin": UserFactory(
            username="admin", role=User.Role.ADMIN, team=None, is_staff=True, is_superuser=True
        ),
    }
    world = World(users=users)
    world.objects["own"] = _objects_of(users["manager"], users["other_manager"], "Own")
    world.objects["foreign"] = _objects_of(
        users["foreign_manager"], users["foreign_supervisor"], "Foreign"
    )
    for objects in world.objects.values():
        objects["status"] = status("outgoing_call", "completed")
    _admin_only_objects(users)
    return world


def _admin_only_objects(users: dict[str, User | None]) -> None:
    """A row in every model the admin sites list, so each change/delete page has an object."""
    Group.objects.create(name="Auditors")
    LeadSource.objects.create(name="Exhibition")
    Token.objects.create(user=users["manager"])
    ManagerLeaving.objects.create(manager=users["other_manager"], leaves_on=timezone.localdate())
    TelephonyEvent.objects.create(
        provider="generic", external_id="call-1", dedupe_key="k" * 64, payload={}
    )
    AuditEntry.objects.create(
        actor=users["admin"], action="core.test", object_type="x", object_id="1"
    )
    now = timezone.now()
    common = {"ip_address": "10.0.0.1", "user_agent": "test", "username": "manager"}
    AccessAttempt.objects.create(
        **common, http_accept="*/*", path_info="/", failures_since_start=1, attempt_time=now
    )
    AccessLog.objects.create(**common, http_accept="*/*", path_info="/", attempt_time=now)
    AccessFailureLog.objects.create(
        **common, http_accept="*/*", path_info="/", attempt_time=now, locked_out=False
    )


def _watched_tables() -> list[str]:
    tables = {
        model._meta.db_table
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    }
    return sorted(tables - UNWATCHED_TABLES)


def fingerprint() -> dict[str, Any]:
    """Per table, something that changes whenever a row is written.

    On PostgreSQL the current transaction's insert/update/delete counters (cheap, and they
    count a write even if the request rolled it back); elsewhere a digest of every row.
    """
    tables = _watched_tables()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT relname, n_tup_ins + n_tup_upd + n_tup_del "
                "FROM pg_stat_xact_user_tables WHERE relname = ANY(%s)",
                [tables],
            )
            return dict(cursor.fetchall())
        digests = {}
        for table in tables:
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            rows = sorted(repr(row) for row in cursor.fetchall())
            digests[table] = hashlib.md5("|".join(rows).encode()).hexdigest()  # noqa: S324
        return digests


def written(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    return sorted(table for table in after if before.get(table) != after[table])
