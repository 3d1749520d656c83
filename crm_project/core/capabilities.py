"""The one map from a user's role to what that user may do.

Code elsewhere asks `user.can(Capability.X)` (or `has_capability`) and never compares role names.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from crm_project.accounts.models import User


class Capability(StrEnum):
    VIEW_CLIENT_BASE = "view_client_base"
    CREATE_CLIENT = "create_client"
    VIEW_JOURNAL = "view_journal"
    LOG_INTERACTION = "log_interaction"
    EDIT_CLIENT_WORK_FIELDS = "edit_client_work_fields"
    EDIT_PERSONAL_DATA = "edit_personal_data"
    VIEW_ALL_PERSONAL_DATA = "view_all_personal_data"
    VIEW_TEAM_PERSONAL_DATA = "view_team_personal_data"
    TRANSFER_CLIENT = "transfer_client"
    VIEW_OWN_PLAN = "view_own_plan"
    VIEW_REPORTS = "view_reports"
    MANAGE_PLANS = "manage_plans"
    VIEW_AUDIT_LOG = "view_audit_log"
    USE_OPERATOR_ADMIN = "use_operator_admin"
    USE_FULL_ADMIN = "use_full_admin"
    WORK_ON_DEALS = "work_on_deals"
    MANAGE_DEALS_OF_TEAM = "manage_deals_of_team"
    VIEW_OWN_POINTS = "view_own_points"
    VIEW_TEAM_POINTS = "view_team_points"
    REQUEST_CORRECTION = "request_correction"
    RESOLVE_CORRECTIONS = "resolve_corrections"
    VIEW_CLIENT_HISTORY = "view_client_history"
    BUILD_SEGMENTS = "build_segments"
    HANDLE_DATA_SUBJECT_REQUESTS = "handle_data_subject_requests"


_MANAGER = {
    Capability.VIEW_CLIENT_BASE,
    Capability.CREATE_CLIENT,
    Capability.VIEW_JOURNAL,
    Capability.LOG_INTERACTION,
    Capability.EDIT_CLIENT_WORK_FIELDS,
    Capability.VIEW_OWN_PLAN,
    Capability.WORK_ON_DEALS,
    Capability.VIEW_OWN_POINTS,
    # Personal data is the operators': a manager asks them to correct it.
    Capability.REQUEST_CORRECTION,
    # Mailing lists over his own clients (a supervisor's: over his team's).
    Capability.BUILD_SEGMENTS,
}
_SUPERVISOR = _MANAGER | {
    Capability.VIEW_TEAM_PERSONAL_DATA,
    Capability.TRANSFER_CLIENT,
    Capability.VIEW_REPORTS,
    Capability.MANAGE_PLANS,
    Capability.MANAGE_DEALS_OF_TEAM,
    Capability.VIEW_TEAM_POINTS,
    Capability.VIEW_CLIENT_HISTORY,
}
_OPERATOR = {
    Capability.VIEW_CLIENT_BASE,
    Capability.CREATE_CLIENT,
    Capability.EDIT_PERSONAL_DATA,
    Capability.VIEW_ALL_PERSONAL_DATA,
    Capability.USE_OPERATOR_ADMIN,
    Capability.RESOLVE_CORRECTIONS,
    # Operators enter clients too, and earn the primary-contact credit for it.
    Capability.VIEW_OWN_POINTS,
}
_ADMIN = set(Capability)

ROLE_CAPABILITIES: dict[str, frozenset[Capability]] = {
    "manager": frozenset(_MANAGER),
    "supervisor": frozenset(_SUPERVISOR),
    "operator": frozenset(_OPERATOR),
    "admin": frozenset(_ADMIN),
}


def has_capability(user: User | AnonymousUser, capability: str) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    return Capability(capability) in ROLE_CAPABILITIES.get(user.role, frozenset())
