"""Two people clicking a status at the same moment: exactly one wins (PostgreSQL)."""

import threading

import pytest
from django.db import connection

from crm_project.core.exceptions import ConflictError
from interactions.models import Interaction
from interactions.services import interaction_set_status
from tests.conftest import require_postgresql
from tests.factories import ClientFactory, InteractionFactory, status


# serialized_rollback: the flush after a transactional test would wipe the seeded statuses.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_managers_taking_the_same_queued_call_one_wins(manager, other_manager, team):
    require_postgresql()
    call = InteractionFactory(
        client=ClientFactory(responsible_manager=manager),
        kind=Interaction.Kind.INCOMING_CALL,
        manager=None,
        team=team,
        created_by=None,
    )
    taken = status(Interaction.Kind.INCOMING_CALL, "taken_into_work")
    start = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def click(actor) -> None:
        try:
            # Both pages were rendered while the call was still in the queue.
            seen = Interaction.objects.get(pk=call.pk)
            start.wait(timeout=5)
            interaction_set_status(
                actor=actor,
                interaction=seen,
                status=taken,
                expected_status_id=None,
            )
            outcomes[actor.username] = "won"
        except ConflictError:
            outcomes[actor.username] = "conflict"
        except Exception as error:  # reported by the assertion below
            outcomes[actor.username] = repr(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=click, args=(user,)) for user in (manager, other_manager)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)

    assert sorted(outcomes.values()) == ["conflict", "won"], outcomes
    winner = next(name for name, outcome in outcomes.items() if outcome == "won")
    call.refresh_from_db()
    assert call.status == taken
    assert call.manager.username == winner
