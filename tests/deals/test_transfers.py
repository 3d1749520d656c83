"""Transfers: rules that make a client eligible (and why), the transfer itself and its effects."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from clients.models import Client, ClientTransfer, Deal, ManagerLeaving, TransferRule
from clients.selectors import attach_transfer_reasons, transfer_candidates
from clients.services import client_transfer, clients_transfer_bulk, deal_move_stage
from crm_project.accounts.models import User
from crm_project.core.models import AuditEntry
from crm_project.core.views import PAGE_SIZE
from tests.deals.factories import DealFactory, TransferRuleFactory, stage
from tests.factories import (
    ClientFactory,
    ContactPersonFactory,
    InteractionFactory,
    PhoneFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def days_ago(days):
    return timezone.now() - datetime.timedelta(days=days)


def candidates(queryset=None, *, warn=False):
    rules = list(TransferRule.objects.filter(is_active=True))
    rows = list(transfer_candidates(queryset or Client.objects.all(), rules=rules, warn=warn))
    return {client.name: client for client in attach_transfer_reasons(rows, rules=rules)}


# Eligibility ------------------------------------------------------------------------------------


def test_each_rule_says_why_a_client_is_eligible(no_rules, manager):
    TransferRuleFactory(kind=TransferRule.Kind.NO_INTERACTION, days=30)
    TransferRuleFactory(kind=TransferRule.Kind.DEAL_STUCK, days=20)
    TransferRuleFactory(kind=TransferRule.Kind.MANAGER_LEAVING, days=14)
    silent = ClientFactory(name="Silent", responsible_manager=manager)
    Client.objects.filter(pk=silent.pk).update(last_interaction_at=days_ago(45))
    busy = ClientFactory(name="Busy", responsible_manager=manager)
    Client.objects.filter(pk=busy.pk).update(last_interaction_at=days_ago(1))
    DealFactory(client=busy, title="Pumps", stage_entered_at=days_ago(25))
    leaver = UserFactory(role=User.Role.MANAGER, team=manager.team)
    left = ClientFactory(name="Leaver's", responsible_manager=leaver)
    Client.objects.filter(pk=left.pk).update(last_interaction_at=days_ago(1))
    ManagerLeaving.objects.create(manager=leaver, leaves_on=timezone.localdate())

    found = candidates()
    assert set(found) == {"Silent", "Busy", "Leaver's"}
    [silent_reason] = found["Silent"].transfer_reasons
    assert silent_reason.is_due and "45 days" in silent_reason.text
    assert silent_reason.rule.kind == TransferRule.Kind.NO_INTERACTION
    [stuck] = found["Busy"].transfer_reasons
    assert "Pumps" in stuck.text and "25 days" in stuck.text
    assert "leaves on" in found["Leaver's"].transfer_reasons[0].text


def test_a_deactivated_managers_clients_are_eligible_at_once(no_rules, manager):
    TransferRuleFactory(kind=TransferRule.Kind.MANAGER_LEAVING, days=0)
    gone = UserFactory(role=User.Role.MANAGER, team=manager.team, is_active=False)
    ClientFactory(name="Orphan", responsible_manager=gone)
    ClientFactory(name="Fine", responsible_manager=manager)
    found = candidates()
    assert set(found) == {"Orphan"}
    assert "has left" in found["Orphan"].transfer_reasons[0].text


def test_a_manager_is_warned_before_the_rule_fires(no_rules, manager):
    TransferRuleFactory(kind=TransferRule.Kind.NO_INTERACTION, days=30, warn_days=7)
    client = ClientFactory(name="Soon", responsible_manager=manager)
    Client.objects.filter(pk=client.pk).update(last_interaction_at=days_ago(25))
    assert candidates() == {}
    [reason] = candidates(warn=True)["Soon"].transfer_reasons
    assert not reason.is_due
    assert "in 5 days" in reason.text


def test_inactive_rules_make_nobody_eligible(no_rules, manager):
    TransferRuleFactory(kind=TransferRule.Kind.NO_INTERACTION, days=1, is_active=False)
    ClientFactory(responsible_manager=manager)
    assert candidates() == {}


@pytest.mark.parametrize("count", [1, 30])
def test_eligible_page_query_ceiling(
    count, no_rules, supervisor, manager, login, django_assert_max_num_queries
):
    TransferRuleFactory(kind=TransferRule.Kind.NO_INTERACTION, days=10)
    TransferRuleFactory(kind=TransferRule.Kind.DEAL_STUCK, days=10)
    for number in range(count):
        client = ClientFactory(name=f"Client {number}", responsible_manager=manager)
        DealFactory(client=client, stage_entered_at=days_ago(20))
    Client.objects.update(last_interaction_at=days_ago(20))
    browser = login(supervisor)
    # session, user, rules, the candidates page.
    with django_assert_max_num_queries(4):
        response = browser.get(reverse("clients:transfer_eligible"))
    assert len(response.context["rows"]) == min(count, PAGE_SIZE)
    assert all(len(row.transfer_reasons) == 2 for row in response.context["rows"])


def test_manager_sees_his_clients_at_risk_and_the_badge_on_the_card(
    no_rules, manager, other_manager, login
):
    TransferRuleFactory(kind=TransferRule.Kind.NO_INTERACTION, days=30, warn_days=7)
    mine = ClientFactory(name="Mine", responsible_manager=manager)
    theirs = ClientFactory(name="Theirs", responsible_manager=other_manager)
    Client.objects.filter(pk__in=[mine.pk, theirs.pk]).update(last_interaction_at=days_ago(26))
    browser = login(manager)
    rows = browser.get(reverse("clients:at_risk")).context["rows"]
    assert [row.name for row in rows] == ["Mine"]
    panel = browser.get(reverse("clients:client_deals_panel", args=[mine.pk]))
    assert panel.context["transfer_reasons"]
    assert 'data-testid="transfer-risk"' in panel.content.decode()


# Transfers --------------------------------------------------------------------------------------


@pytest.fixture
def client_with_phone(manager):
    client = ClientFactory(name="Romashka", responsible_manager=manager, created_by=manager)
    contact = ContactPersonFactory(client=client, last_name="Ivanov", is_primary=True)
    PhoneFactory(client=client, contact=contact, number_e164="+74951234567")
    InteractionFactory(client=client, manager=manager, subject="First call")
    return client


def test_transfer_changes_access_at_once(
    supervisor,
    manager,
    other_manager,
    client_with_phone,
    login,
    django_capture_on_commit_callbacks,
):
    before = login(manager).get(client_with_phone.get_absolute_url())
    assert "8 (495) 123-45-67" in before.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        transfer = client_transfer(
            actor=supervisor,
            client=client_with_phone,
            to_manager=other_manager,
            reason="No calls for two months",
            rule=TransferRule.objects.first(),
        )

    client_with_phone.refresh_from_db()
    assert client_with_phone.responsible_manager == other_manager
    assert client_with_phone.team == other_manager.team
    assert (transfer.from_manager, transfer.to_manager, transfer.transferred_by) == (
        manager,
        other_manager,
        supervisor,
    )
    old = login(manager)
    card = old.get(client_with_phone.get_absolute_url())
    page = card.content.decode()
    assert "8 (495) 123-45-67" not in page
    assert 'data-testid="masked-note"' in page
    assert "First call" in page  # his past interactions stay readable: the journal is corporate
    listing = old.get(reverse("clients:list"), {"q": "Romashka"})
    assert listing.context["rows"][0].has_personal_data_access is False
    new = login(other_manager).get(client_with_phone.get_absolute_url())
    assert "8 (495) 123-45-67" in new.content.decode()
    # Both managers are told, after the commit.
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        [manager.email, other_manager.email]
    )
    entry = AuditEntry.objects.get(action="clients.client.transferred")
    assert entry.changes["responsible_manager"] == [manager.pk, other_manager.pk]
    assert entry.changes["reason"] == "No calls for two months"


def test_the_old_manager_loses_edit_rights(supervisor, manager, other_manager, client_with_phone):
    from clients.services import client_update

    client_transfer(
        actor=supervisor, client=client_with_phone, to_manager=other_manager, reason="Handover"
    )
    with pytest.raises(PermissionDenied):
        client_update(actor=manager, client=client_with_phone, status=Client.Status.ACTIVE)


def test_an_open_deal_left_to_the_old_manager_stays_his_until_it_closes(
    supervisor, manager, other_manager, client_with_phone, statuses
):
    left = DealFactory(client=client_with_phone, title="Almost signed")
    moved = DealFactory(client=client_with_phone, title="Early")
    transfer = client_transfer(
        actor=supervisor,
        client=client_with_phone,
        to_manager=other_manager,
        reason="Handover",
        deals_left=[left],
    )
    left.refresh_from_db()
    moved.refresh_from_db()
    assert left.manager == manager
    assert moved.manager == other_manager
    assert list(transfer.deals_left.all()) == [left]
    # He still works on it, and winning it counts for him.
    deal_move_stage(actor=manager, deal=left, stage=stage("presentation_sent"))
    with pytest.raises(PermissionDenied):
        deal_move_stage(actor=manager, deal=moved, stage=stage("presentation_sent"))


def test_a_closed_deal_cannot_be_left_behind(supervisor, manager, other_manager, client_with_phone):
    closed = DealFactory(client=client_with_phone)
    Deal.objects.filter(pk=closed.pk).update(
        state=Deal.State.LOST, closed_at=timezone.now(), close_reason="x"
    )
    closed.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        client_transfer(
            actor=supervisor,
            client=client_with_phone,
            to_manager=other_manager,
            reason="x",
            deals_left=[closed],
        )
    assert "deals_left" in error.value.message_dict


def test_transfer_to_someone_who_is_not_an_active_manager_is_refused(
    supervisor, manager, client_with_phone, operator, foreign_manager
):
    gone = UserFactory(role=User.Role.MANAGER, team=manager.team, is_active=False)
    for target in (gone, operator, supervisor, foreign_manager, manager):
        with pytest.raises(ValidationError):
            client_transfer(
                actor=supervisor, client=client_with_phone, to_manager=target, reason="x"
            )
    assert not ClientTransfer.objects.exists()


def test_transfer_needs_a_reason(supervisor, other_manager, client_with_phone):
    with pytest.raises(ValidationError) as error:
        client_transfer(
            actor=supervisor, client=client_with_phone, to_manager=other_manager, reason="  "
        )
    assert "reason" in error.value.message_dict


def test_a_manager_may_not_transfer(manager, other_manager, client_with_phone, login):
    with pytest.raises(PermissionDenied):
        client_transfer(
            actor=manager, client=client_with_phone, to_manager=other_manager, reason="Mine"
        )
    response = login(manager).post(
        reverse("clients:transfer", args=[client_with_phone.pk]),
        {"to_manager": other_manager.pk, "reason": "x"},
    )
    assert response.status_code == 403


def test_a_supervisor_may_not_transfer_another_teams_client(supervisor, foreign_manager):
    client = ClientFactory(responsible_manager=foreign_manager)
    with pytest.raises(PermissionDenied):
        client_transfer(actor=supervisor, client=client, to_manager=foreign_manager, reason="x")


def test_transfer_form_posts_through_the_service(
    supervisor, other_manager, client_with_phone, login
):
    response = login(supervisor).post(
        reverse("clients:transfer", args=[client_with_phone.pk]),
        {"to_manager": other_manager.pk, "reason": "Holiday cover"},
    )
    assert response.status_code == 302
    assert ClientTransfer.objects.get().reason == "Holiday cover"


def test_bulk_transfer_moves_the_whole_base_one_row_per_client(
    supervisor, manager, other_manager, django_capture_on_commit_callbacks
):
    clients = [ClientFactory(responsible_manager=manager) for _number in range(3)]
    deal = DealFactory(client=clients[0])
    untouched = ClientFactory(responsible_manager=other_manager)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        transfers = clients_transfer_bulk(
            actor=supervisor, from_manager=manager, to_manager=other_manager, reason="Leaves"
        )
    assert len(transfers) == 3 and len(callbacks) == 1
    assert set(Client.objects.filter(responsible_manager=other_manager)) == {*clients, untouched}
    deal.refresh_from_db()
    assert deal.manager == other_manager
    assert AuditEntry.objects.filter(action="clients.client.transferred").count() == 3
    assert len(mail.outbox) == 2  # one e-mail to each manager, listing every client


def test_bulk_transfer_is_all_or_nothing(supervisor, manager):
    ClientFactory(responsible_manager=manager)
    gone = UserFactory(role=User.Role.MANAGER, team=manager.team, is_active=False)
    with pytest.raises(ValidationError):
        clients_transfer_bulk(actor=supervisor, from_manager=manager, to_manager=gone, reason="x")
    assert not ClientTransfer.objects.exists()
    assert Client.objects.get().responsible_manager == manager


def test_notification_task_run_twice_sends_once(
    supervisor, manager, other_manager, client_with_phone
):
    from clients.tasks import client_transfer_notify_task

    transfer = client_transfer(
        actor=supervisor, client=client_with_phone, to_manager=other_manager, reason="x"
    )
    assert client_transfer_notify_task([transfer.pk]) == 1
    assert client_transfer_notify_task([transfer.pk]) == 0
    assert len(mail.outbox) == 2
