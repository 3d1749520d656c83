"""Users and roles: the rules the database keeps whatever path writes the row."""

import pytest
from django.db import IntegrityError, transaction

from crm_project.accounts.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", [User.Role.MANAGER, User.Role.SUPERVISOR])
@pytest.mark.parametrize("flag", ["is_staff", "is_superuser"])
def test_managers_and_supervisors_can_never_enter_the_django_admin(role, flag):
    with pytest.raises(IntegrityError), transaction.atomic():
        UserFactory(role=role, **{flag: True})


def test_promoting_an_existing_manager_to_staff_is_refused(manager):
    manager.is_staff = True
    with pytest.raises(IntegrityError), transaction.atomic():
        manager.save()


def test_operator_may_be_staff_but_not_superuser():
    assert UserFactory(role=User.Role.OPERATOR, team=None, is_staff=True).is_staff
    with pytest.raises(IntegrityError), transaction.atomic():
        UserFactory(role=User.Role.OPERATOR, team=None, is_staff=True, is_superuser=True)


def test_admin_may_be_staff_and_superuser(admin):
    assert admin.is_staff and admin.is_superuser


def test_phone_extension_is_unique_when_set():
    UserFactory(phone_extension="101")
    UserFactory(phone_extension="")
    UserFactory(phone_extension="")
    with pytest.raises(IntegrityError), transaction.atomic():
        UserFactory(phone_extension="101")


def test_role_properties(manager, supervisor, operator, admin):
    assert manager.is_manager and not manager.is_supervisor
    assert supervisor.is_supervisor and not supervisor.is_manager
    assert operator.is_operator and admin.is_admin


def test_unknown_time_zone_is_refused(manager):
    from django.core.exceptions import ValidationError

    manager.time_zone = "Mars/Olympus"
    with pytest.raises(ValidationError) as error:
        manager.full_clean()
    assert "time_zone" in error.value.message_dict
    manager.time_zone = "Europe/Moscow"
    manager.full_clean()
