"""Deal services: entering, editing, stage moves and their rules, the won deal's effects."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.utils import timezone

from clients.models import Deal, DealStageChange, PointsEntry
from clients.services import deal_create, deal_move_stage, deal_update
from crm_project.core.models import AuditEntry
from interactions.models import Interaction
from reports.selectors import plan_progress
from tests.deals.factories import DealFactory, overdue_deal, stage
from tests.factories import ClientFactory, ContactPersonFactory, PlanFactory, UserFactory

pytestmark = pytest.mark.django_db


def move(actor, deal, code, **kwargs):
    return deal_move_stage(actor=actor, deal=deal, stage=stage(code), **kwargs)


# Entering and editing ---------------------------------------------------------------------------


def test_manager_opens_a_deal_with_his_client_in_the_first_stage(manager, own_client):
    deal = deal_create(actor=manager, client=own_client, title=" Supply ", amount="1500.50")
    assert (deal.manager, deal.title, deal.amount) == (manager, "Supply", Decimal("1500.50"))
    assert deal.stage.code == "new"
    assert deal.state == Deal.State.OPEN
    assert deal.stage_due_at == deal.stage_entered_at + datetime.timedelta(days=3)
    change = deal.stage_changes.get()
    assert (change.from_stage, change.to_stage.code, change.changed_by) == (None, "new", manager)
    entry = AuditEntry.objects.get(action="clients.deal.created")
    assert entry.actor == manager
    assert entry.changes["amount"] == "1500.50"


def test_manager_may_not_open_a_deal_with_another_managers_client(manager, other_manager):
    client = ClientFactory(responsible_manager=other_manager)
    with pytest.raises(PermissionDenied):
        deal_create(actor=manager, client=client, title="Poaching", amount=1)
    assert not Deal.objects.exists()


def test_manager_may_not_open_a_deal_for_a_colleague(manager, other_manager, own_client):
    with pytest.raises(PermissionDenied):
        deal_create(actor=manager, client=own_client, title="X", amount=1, manager=other_manager)


def test_operator_may_not_open_deals(operator, own_client):
    with pytest.raises(PermissionDenied):
        deal_create(actor=operator, client=own_client, title="X", amount=1)


def test_supervisor_opens_a_deal_for_the_clients_manager(supervisor, manager, own_client):
    deal = deal_create(actor=supervisor, client=own_client, title="Big one", amount=10)
    assert deal.manager == manager
    assert deal.created_by == supervisor


def test_supervisor_may_not_assign_a_deal_outside_his_team(supervisor, own_client, foreign_manager):
    with pytest.raises(ValidationError) as error:
        deal_create(
            actor=supervisor, client=own_client, title="X", amount=1, manager=foreign_manager
        )
    assert "manager" in error.value.message_dict


@pytest.mark.parametrize(
    ("amount", "currency", "field"),
    [
        ("-1", "RUB", "amount"),
        ("abc", "RUB", "amount"),
        ("1.005", "RUB", "amount"),
        ("10", "XXX", "currency"),
    ],
)
def test_amounts_are_validated(manager, own_client, amount, currency, field):
    with pytest.raises(ValidationError) as error:
        deal_create(actor=manager, client=own_client, title="X", amount=amount, currency=currency)
    assert field in error.value.message_dict
    assert not Deal.objects.exists()


def test_the_database_refuses_a_negative_amount(own_client):
    with pytest.raises(IntegrityError):
        DealFactory(client=own_client, amount=Decimal("-1"))


def test_manager_edits_his_open_deal_and_the_change_is_audited(manager, own_client):
    deal = DealFactory(client=own_client)
    deal_update(actor=manager, deal=deal, amount=Decimal("5"), title="Renamed")
    deal.refresh_from_db()
    assert (deal.amount, deal.title) == (Decimal("5.00"), "Renamed")
    entry = AuditEntry.objects.get(action="clients.deal.updated")
    assert entry.changes["title"][1] == "Renamed"
    assert entry.changes["amount"] == ["100000.00", "5.00"]


def test_another_manager_may_not_edit_the_deal(other_manager, own_client):
    deal = DealFactory(client=own_client)
    with pytest.raises(PermissionDenied):
        deal_update(actor=other_manager, deal=deal, title="Mine now")
    with pytest.raises(PermissionDenied):
        move(other_manager, deal, "presentation_sent")


def test_stage_fields_are_not_editable_through_update(manager, own_client):
    deal = DealFactory(client=own_client)
    with pytest.raises(PermissionDenied):
        deal_update(actor=manager, deal=deal, stage=stage("won"))


# Stages -----------------------------------------------------------------------------------------


def test_manager_moves_his_deal_one_step_forward(manager, own_client):
    deal = DealFactory(client=own_client)
    deal = move(manager, deal, "presentation_sent")
    assert deal.stage.code == "presentation_sent"
    assert deal.stage_due_at == deal.stage_entered_at + datetime.timedelta(days=7)
    change = deal.stage_changes.first()
    assert (change.from_stage.code, change.to_stage.code) == ("new", "presentation_sent")
    assert not change.is_out_of_order
    entry = AuditEntry.objects.get(action="clients.deal.stage_changed")
    assert entry.changes["out_of_order"] is False


@pytest.mark.parametrize("target", ["proposal_sent", "contract_sent", "won"])
def test_manager_may_not_skip_stages(manager, own_client, target):
    deal = DealFactory(client=own_client)
    with pytest.raises(PermissionDenied):
        move(manager, deal, target)
    deal.refresh_from_db()
    assert deal.stage.code == "new"
    assert deal.stage_changes.count() == 1


def test_manager_may_not_move_backwards(manager, own_client):
    deal = DealFactory(client=own_client, stage=stage("proposal_sent"))
    with pytest.raises(PermissionDenied):
        move(manager, deal, "presentation_sent")


def test_supervisor_may_skip_and_go_back_and_it_is_recorded(supervisor, own_client):
    deal = DealFactory(client=own_client)
    move(supervisor, deal, "contract_sent", comment="Signed fast")
    move(supervisor, deal, "presentation_sent")
    changes = list(DealStageChange.objects.filter(deal=deal, from_stage__isnull=False))
    assert [change.is_out_of_order for change in changes] == [True, True]
    assert {change.changed_by for change in changes} == {supervisor}
    assert changes[1].comment == "Signed fast"


def test_supervisor_of_another_team_may_not_touch_the_deal(other_team, own_client):
    from crm_project.accounts.models import User

    foreign_supervisor = UserFactory(role=User.Role.SUPERVISOR, team=other_team)
    deal = DealFactory(client=own_client)
    with pytest.raises(PermissionDenied):
        move(foreign_supervisor, deal, "presentation_sent")


def test_lost_needs_a_reason_and_closes_the_deal(manager, own_client):
    deal = DealFactory(client=own_client)
    with pytest.raises(ValidationError) as error:
        move(manager, deal, "lost")
    assert "reason" in error.value.message_dict
    deal = move(manager, deal, "lost", reason="Too expensive")
    assert deal.state == Deal.State.LOST
    assert deal.closed_at is not None
    assert deal.stage_due_at is None
    assert deal.close_reason == "Too expensive"


def test_a_closed_deal_does_not_change(manager, supervisor, own_client):
    deal = DealFactory(client=own_client)
    move(manager, deal, "lost", reason="No budget")
    with pytest.raises(ValidationError):
        move(supervisor, deal, "new")
    with pytest.raises(ValidationError):
        deal_update(actor=manager, deal=deal, title="Again")


def test_overdue_is_the_current_stage_past_due(own_client):
    late = overdue_deal(client=own_client)
    on_time = DealFactory(client=own_client)
    closed = overdue_deal(client=own_client)
    Deal.objects.filter(pk=closed.pk).update(
        state=Deal.State.LOST, closed_at=timezone.now(), close_reason="x"
    )
    assert list(Deal.objects.overdue()) == [late]
    assert late.is_overdue and not on_time.is_overdue


# A won deal -------------------------------------------------------------------------------------


def win(actor, deal):
    for code in ("presentation_sent", "proposal_sent", "contract_sent", "won"):
        deal = move(actor, deal, code)
    return deal


def test_won_deal_counts_in_the_managers_plan_at_once(manager, own_client, statuses):
    PlanFactory(manager=manager, deals_target=3)
    deal = DealFactory(client=own_client)
    before = plan_progress(manager=manager, month=timezone.localdate()).counter("deals_closed")
    deal = win(manager, deal)
    after = plan_progress(manager=manager, month=timezone.localdate()).counter("deals_closed")
    assert (before.done, after.done) == (0, 1)
    assert deal.state == Deal.State.WON
    assert "state=won" in after.url


def test_won_deal_credits_the_primary_contacts_author_not_the_closer(
    manager, other_manager, supervisor, statuses, settings
):
    settings.POINTS_PRIMARY_CONTACT_DEAL_WON = 40
    # Entered by other_manager, later handed to manager, who closes the deal.
    client = ClientFactory(responsible_manager=manager, created_by=other_manager)
    ContactPersonFactory(client=client, is_primary=True)
    deal = win(manager, DealFactory(client=client))
    entry = PointsEntry.objects.get(deal=deal)
    assert (entry.user, entry.points, entry.reason) == (
        other_manager,
        40,
        PointsEntry.Reason.PRIMARY_CONTACT_DEAL_WON,
    )
    assert not PointsEntry.objects.filter(user=manager).exists()


def test_no_deal_credit_for_a_client_entered_without_a_primary_contact(manager, statuses):
    client = ClientFactory(responsible_manager=manager)
    win(manager, DealFactory(client=client))
    assert not PointsEntry.objects.exists()


def test_won_deal_plans_a_courtesy_call_for_the_supervisor(
    manager, supervisor, own_client, statuses
):
    deal = win(manager, DealFactory(client=own_client, title="Supply"))
    call = Interaction.objects.get(manager=supervisor)
    assert call.kind == Interaction.Kind.OUTGOING_CALL
    assert call.client == own_client
    assert call.occurred_at is None and call.planned_at > timezone.now()
    assert call.status.code == "planned"
    assert call.contact == own_client.contacts.get(is_primary=True)
    assert "Supply" in call.subject
    assert deal.state == Deal.State.WON


def test_won_without_a_supervisor_plans_nothing(own_client, manager, statuses):
    win(manager, DealFactory(client=own_client))
    assert not Interaction.objects.exists()
