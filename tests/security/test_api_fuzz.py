"""Schemathesis fuzzes every operation of /api/schema/ in-process, as each persona.

Checks: no 5xx, every response matches its documented schema, every status code is documented.
The telephony webhooks are not in the schema (signed, not for API clients): tests/telephony.
"""

from __future__ import annotations

import json
import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import (
    response_schema_conformance,
    status_code_conformance,
)

from clients.models import CorrectionRequest, PointsEntry
from clients.services import campaign_create, segment_create
from crm_project.wsgi import application
from reports.models import ReportSnapshot
from tests.deals.factories import ClientTransferFactory, DealFactory
from tests.factories import (
    ClientFactory,
    ContactPersonFactory,
    EmailFactory,
    InteractionFactory,
    PlanFactory,
)

FUZZ_PERSONAS = ("manager", "supervisor", "operator", "admin")
# Examples per operation and persona; CRM_FUZZ_EXAMPLES=200 for a long run before a release.
MAX_EXAMPLES = int(os.environ.get("CRM_FUZZ_EXAMPLES", "10"))


def _served_schema() -> dict:
    """The document /api/schema/ serves, built without a request: collection has no database."""
    generator = SchemaGenerator()
    return json.loads(OpenApiJsonRenderer().render(generator.get_schema(request=None, public=True)))


# Bounded so the suite stays fast: a fixed seed, a few examples per operation, no coverage phase
# (its boundary cases multiply the requests by ten; negative fuzzing still sends bad input).
FUZZ_CONFIG = SchemathesisConfig.from_dict(
    {
        "seed": 9,
        "generation": {"deterministic": True, "database": "none"},
        "phases": {"coverage": {"enabled": False}, "stateful": {"enabled": False}},
    }
)
schema = schemathesis.openapi.from_dict(_served_schema(), config=FUZZ_CONFIG)
# Requests go in-process through Django's WSGI handler, in the test's own transaction.
schema.app = application


@pytest.fixture
def in_process_wsgi(db, settings):
    """Django's own test client does the same: keep the test's connection (and transaction)."""
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "localhost"]
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture(params=FUZZ_PERSONAS)
def persona(request, in_process_wsgi):
    return request.getfixturevalue(request.param)


@pytest.fixture
def existing_ids(manager, other_manager, statuses) -> dict[str, object]:
    """One row behind each `{id}` path, the manager's, so details and actions reach real rows."""
    client = ClientFactory(responsible_manager=manager, name="Fuzz Ltd")
    contact = ContactPersonFactory(client=client, is_primary=True)
    EmailFactory(client=client, contact=contact)
    segment = segment_create(actor=manager, name="Fuzzed")
    deal = DealFactory(client=client, manager=manager)
    task = InteractionFactory(
        client=client, manager=manager, occurred_at=None, planned_at=timezone.now()
    )
    rows = {
        "clients": client,
        "contacts": contact,
        "deals": deal,
        "deal-stages": deal.stage,
        "deal-stage-changes": deal.stage_changes.first(),
        "client-transfers": ClientTransferFactory(
            client=client, from_manager=other_manager, to_manager=manager, transferred_by=manager
        ),
        "points": PointsEntry.objects.create(
            user=manager, points=10, reason=PointsEntry.Reason.PRIMARY_CONTACT, client=client
        ),
        "correction-requests": CorrectionRequest.objects.create(
            client=client, field="phone", proposed_value="+74950000000", requested_by=manager
        ),
        "segments": segment,
        "campaigns": campaign_create(actor=manager, segment=segment, subject="S", body="B"),
        "interactions": InteractionFactory(client=client, manager=manager),
        "interaction-statuses": statuses.first(),
        "tasks": task,
        "plans": PlanFactory(manager=manager),
        "report-snapshots": ReportSnapshot.objects.create(
            kind="daily", team=manager.team, period_start="2025-03-03", period_end="2025-03-03"
        ),
    }
    return {resource: row.pk for resource, row in rows.items() if row is not None}


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_api_survives_fuzzing(case, persona, existing_ids):
    # Random ids only ever find nothing; aim every `{id}` at a real row instead.
    resource = case.operation.path.removeprefix("/api/v1/").split("/")[0]
    if "id" in (case.path_parameters or {}) and resource in existing_ids:
        case.path_parameters["id"] = existing_ids[resource]
    token, _created = Token.objects.get_or_create(user=persona)
    case.call_and_validate(
        headers={"Authorization": f"Token {token.key}"},
        checks=[not_a_server_error, response_schema_conformance, status_code_conformance],
    )
