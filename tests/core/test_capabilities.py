"""The role -> capability map: what each role may do."""

import pytest
from django.contrib.auth.models import AnonymousUser

from crm_project.accounts.models import User
from crm_project.core.capabilities import ROLE_CAPABILITIES, Capability, has_capability
from tests.factories import UserFactory

C = Capability

# capability -> roles that have it; a new capability must be placed here deliberately.
EXPECTED = {
    C.VIEW_CLIENT_BASE: {"manager", "supervisor", "operator", "admin"},
    C.CREATE_CLIENT: {"manager", "supervisor", "operator", "admin"},
    C.VIEW_JOURNAL: {"manager", "supervisor", "admin"},
    C.LOG_INTERACTION: {"manager", "supervisor", "admin"},
    C.EDIT_CLIENT_WORK_FIELDS: {"manager", "supervisor", "admin"},
    C.EDIT_PERSONAL_DATA: {"operator", "admin"},
    C.VIEW_ALL_PERSONAL_DATA: {"operator", "admin"},
    C.VIEW_TEAM_PERSONAL_DATA: {"supervisor", "admin"},
    C.TRANSFER_CLIENT: {"supervisor", "admin"},
    C.VIEW_OWN_PLAN: {"manager", "supervisor", "admin"},
    C.VIEW_REPORTS: {"supervisor", "admin"},
    C.MANAGE_PLANS: {"supervisor", "admin"},
    C.VIEW_AUDIT_LOG: {"admin"},
    C.USE_OPERATOR_ADMIN: {"operator", "admin"},
    C.USE_FULL_ADMIN: {"admin"},
    C.WORK_ON_DEALS: {"manager", "supervisor", "admin"},
    C.MANAGE_DEALS_OF_TEAM: {"supervisor", "admin"},
    C.VIEW_OWN_POINTS: {"manager", "supervisor", "operator", "admin"},
    C.VIEW_TEAM_POINTS: {"supervisor", "admin"},
    C.REQUEST_CORRECTION: {"manager", "supervisor", "admin"},
    C.RESOLVE_CORRECTIONS: {"operator", "admin"},
    C.VIEW_CLIENT_HISTORY: {"supervisor", "admin"},
    C.BUILD_SEGMENTS: {"manager", "supervisor", "admin"},
    C.HANDLE_DATA_SUBJECT_REQUESTS: {"admin"},
}


def test_every_capability_is_in_the_expected_matrix():
    assert set(EXPECTED) == set(Capability)
    assert set(ROLE_CAPABILITIES) == set(User.Role.values)


@pytest.mark.parametrize("role", User.Role.values)
@pytest.mark.parametrize("capability", list(Capability))
def test_role_map(role, capability):
    assert (capability in ROLE_CAPABILITIES[role]) == (role in EXPECTED[capability])


@pytest.mark.django_db
def test_user_can_asks_the_role_map(manager, supervisor, operator, admin):
    assert not manager.can(C.EDIT_PERSONAL_DATA)
    assert not manager.can("view_reports")
    assert manager.can(C.LOG_INTERACTION)
    assert supervisor.can(C.VIEW_REPORTS)
    assert not operator.can(C.LOG_INTERACTION)
    assert not operator.can(C.VIEW_JOURNAL)
    assert operator.can(C.EDIT_PERSONAL_DATA)
    assert all(admin.can(capability) for capability in Capability)


@pytest.mark.django_db
def test_inactive_user_and_anonymous_can_do_nothing():
    former_admin = UserFactory(
        role=User.Role.ADMIN, team=None, is_staff=True, is_superuser=True, is_active=False
    )
    for capability in Capability:
        assert not former_admin.can(capability)
        assert not has_capability(AnonymousUser(), capability)


@pytest.mark.django_db
def test_unknown_capability_is_an_error_not_a_silent_no(manager):
    with pytest.raises(ValueError):
        manager.can("delete_everything")
