"""Who sees which clients, whose personal data, and which journal entries (one rule each)."""

import pytest
from django.contrib.auth.models import AnonymousUser

from clients.models import Client, personal_data_q
from crm_project.accounts.models import User
from interactions.models import Interaction
from tests.factories import ClientFactory, InteractionFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def base(manager, other_manager, foreign_manager, team, other_team):
    """Clients of every shape: own, a colleague's, another team's, unassigned, transferred."""
    return [
        ClientFactory(name="Own", responsible_manager=manager),
        ClientFactory(name="Colleague", responsible_manager=other_manager),
        ClientFactory(name="Foreign", responsible_manager=foreign_manager),
        # In the team's queue: no responsible manager yet.
        ClientFactory(name="Team queue", responsible_manager=None, team=team, created_by=manager),
        ClientFactory(
            name="Foreign queue", responsible_manager=None, team=other_team, created_by=manager
        ),
        # Handed to a manager of this team while still booked to the other team.
        ClientFactory(name="Transferred in", responsible_manager=manager, team=other_team),
    ]


ALL_NAMES = {"Own", "Colleague", "Foreign", "Team queue", "Foreign queue", "Transferred in"}


def unmasked_for(user) -> dict[str, bool]:
    """{client name: personal data shown?} exactly as a list page computes it."""
    return {
        client.name: client.has_personal_data_access
        for client in Client.objects.visible_to(user).with_personal_data_access(user)
    }


def assert_card_agrees_with_list(user) -> None:
    # The detail check (filter by the Q) and the list annotation must never drift apart.
    list_view = {name for name, shown in unmasked_for(user).items() if shown}
    card_view = set(Client.objects.with_personal_data_visible_to(user).values_list("name", flat=1))
    filtered = set(Client.objects.filter(personal_data_q(user)).values_list("name", flat=True))
    assert list_view == card_view == filtered


def test_manager_sees_every_name_but_only_his_own_clients_unmasked(base, manager):
    assert unmasked_for(manager) == {
        "Own": True,
        "Colleague": False,
        "Foreign": False,
        "Team queue": False,
        "Foreign queue": False,
        "Transferred in": True,
    }
    assert_card_agrees_with_list(manager)


def test_supervisor_sees_his_team_unmasked_and_another_team_masked(base, supervisor):
    assert unmasked_for(supervisor) == {
        "Own": True,
        "Colleague": True,
        "Foreign": False,
        "Team queue": True,
        "Foreign queue": False,
        "Transferred in": True,
    }
    assert_card_agrees_with_list(supervisor)


def test_supervisor_without_a_team_sees_no_personal_data_of_teamless_clients(base, team):
    lone = UserFactory(role=User.Role.SUPERVISOR, team=None)
    ClientFactory(name="Teamless", responsible_manager=None, team=None, created_by=lone)
    assert not any(unmasked_for(lone).values())


@pytest.mark.parametrize("persona", ["operator", "admin"])
def test_operator_and_admin_see_everyone_unmasked(base, persona, request):
    user = request.getfixturevalue(persona)
    assert unmasked_for(user) == dict.fromkeys(ALL_NAMES, True)
    assert_card_agrees_with_list(user)


def test_every_member_of_staff_sees_every_client_name(
    base, manager, other_manager, foreign_manager, supervisor, operator, admin
):
    for user in (manager, other_manager, foreign_manager, supervisor, operator, admin):
        assert set(Client.objects.visible_to(user).values_list("name", flat=True)) == ALL_NAMES


def test_inactive_user_and_anonymous_see_no_client(base, manager):
    manager.is_active = False
    manager.save()
    for user in (manager, AnonymousUser()):
        assert not Client.objects.visible_to(user).exists()
        assert not Client.objects.filter(personal_data_q(user)).exists()
        assert not any(unmasked_for(user).values())


def test_journal_is_corporate_for_managers_and_supervisors(
    base, manager, foreign_manager, supervisor, admin
):
    own = InteractionFactory(client=base[0])
    foreign = InteractionFactory(client=base[2])
    for user in (manager, foreign_manager, supervisor, admin):
        assert set(Interaction.objects.visible_to(user)) == {own, foreign}


def test_operator_sees_no_journal(base, operator):
    InteractionFactory(client=base[0])
    assert not Interaction.objects.visible_to(operator).exists()


def test_inactive_user_and_anonymous_see_no_journal(base, manager):
    InteractionFactory(client=base[0])
    manager.is_active = False
    manager.save()
    for user in (manager, AnonymousUser()):
        assert not Interaction.objects.visible_to(user).exists()


def test_colleagues_are_visible_to_staff_but_not_to_anonymous(manager, foreign_manager):
    gone = UserFactory(is_active=False)
    assert set(User.objects.visible_to(manager)) == {manager, foreign_manager}
    assert gone not in User.objects.visible_to(manager)
    assert not User.objects.visible_to(AnonymousUser()).exists()
