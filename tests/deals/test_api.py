"""The deals, transfers, eligibility and points API: the same services, one error shape."""

import pytest
from django.core import mail

from clients.models import Client, ClientTransfer, Deal, DealReminder, PointsEntry, TransferRule
from crm_project.core.models import AuditEntry
from tests.api.conftest import api_url, error_of
from tests.deals.factories import DealFactory, TransferRuleFactory, overdue_deal, stage
from tests.factories import ClientFactory

pytestmark = pytest.mark.django_db


def test_manager_creates_and_moves_a_deal(api, manager, own_client):
    client = api(manager)
    response = client.post(
        api_url("deal-list"), {"client": own_client.pk, "title": "Pumps", "amount": "250.00"}
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["manager"], body["stage_name"], body["state"]) == (manager.pk, "New", "open")
    moved = client.post(
        api_url("deal-move-stage", body["id"]), {"stage": stage("presentation_sent").pk}
    )
    assert moved.status_code == 200
    assert moved.json()["stage_name"] == "Presentation sent"
    changes = client.get(api_url("deal-stage-change-list", deal=body["id"])).json()
    assert [row["to_stage_name"] for row in changes["results"]] == ["Presentation sent", "New"]


def test_skipping_a_stage_is_403_for_a_manager(api, manager, own_client):
    deal = DealFactory(client=own_client)
    response = api(manager).post(api_url("deal-move-stage", deal.pk), {"stage": stage("won").pk})
    assert response.status_code == 403
    assert error_of(response)["code"] == "permission_denied"


def test_lost_without_reason_is_a_field_error(api, manager, own_client):
    deal = DealFactory(client=own_client)
    response = api(manager).post(api_url("deal-move-stage", deal.pk), {"stage": stage("lost").pk})
    assert response.status_code == 400
    assert "reason" in error_of(response)["fields"]


def test_negative_amount_and_unknown_currency_are_refused(api, manager, own_client):
    response = api(manager).post(
        api_url("deal-list"),
        {"client": own_client.pk, "title": "X", "amount": "-5", "currency": "XXX"},
    )
    assert response.status_code == 400
    assert {"amount", "currency"} <= set(error_of(response)["fields"])
    assert not Deal.objects.exists()


def test_another_managers_deal_is_403_to_edit_and_404_across_teams(
    api, other_manager, foreign_manager, own_client
):
    deal = DealFactory(client=own_client)
    response = api(other_manager).patch(api_url("deal-detail", deal.pk), {"title": "Mine"})
    assert response.status_code == 403
    assert api(foreign_manager).get(api_url("deal-detail", deal.pk)).status_code == 404


def test_manager_sets_no_stage_through_update(api, manager, own_client):
    deal = DealFactory(client=own_client)
    response = api(manager).patch(api_url("deal-detail", deal.pk), {"stage": stage("won").pk})
    assert response.status_code == 400
    assert "stage" in error_of(response)["fields"]


@pytest.mark.parametrize("count", [1, 30])
def test_deal_list_query_ceiling(count, api, manager, own_client, django_assert_max_num_queries):
    for _number in range(count):
        DealFactory(client=own_client)
    client = api(manager)
    with django_assert_max_num_queries(4):
        response = client.get(api_url("deal-list"))
    assert len(response.json()["results"]) == count


def test_supervisor_transfers_through_the_api(
    api, supervisor, manager, other_manager, own_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = api(supervisor).post(
            api_url("client-transfer-list"),
            {"client": own_client.pk, "to_manager": other_manager.pk, "reason": "Holiday"},
        )
    assert response.status_code == 201, response.json()
    own_client.refresh_from_db()
    assert own_client.responsible_manager == other_manager
    assert len(mail.outbox) == 2
    listed = api(manager).get(api_url("client-transfer-list")).json()["results"]
    assert [row["client"] for row in listed] == [own_client.pk]


def test_manager_transfer_is_403(api, manager, other_manager, own_client):
    response = api(manager).post(
        api_url("client-transfer-list"),
        {"client": own_client.pk, "to_manager": other_manager.pk, "reason": "x"},
    )
    assert response.status_code == 403
    assert not ClientTransfer.objects.exists()


def test_transfer_to_an_operator_is_refused(api, supervisor, operator, own_client):
    response = api(supervisor).post(
        api_url("client-transfer-list"),
        {"client": own_client.pk, "to_manager": operator.pk, "reason": "x"},
    )
    assert response.status_code == 400
    assert "to_manager" in error_of(response)["fields"]


def test_bulk_transfer_through_the_api(api, supervisor, manager, other_manager):
    for _number in range(3):
        ClientFactory(responsible_manager=manager)
    response = api(supervisor).post(
        api_url("client-transfer-bulk"),
        {"from_manager": manager.pk, "to_manager": other_manager.pk, "reason": "Leaves"},
    )
    assert response.status_code == 201
    assert len(response.json()) == 3
    assert not Client.objects.filter(responsible_manager=manager).exists()


@pytest.mark.parametrize("count", [1, 30])
def test_eligibility_lists_reasons_with_a_query_ceiling(
    count, api, no_rules, supervisor, manager, django_assert_max_num_queries
):
    import datetime

    from django.utils import timezone

    TransferRuleFactory(kind=TransferRule.Kind.NO_INTERACTION, days=10)
    for _number in range(count):
        ClientFactory(responsible_manager=manager)
    Client.objects.update(last_interaction_at=timezone.now() - datetime.timedelta(days=12))
    client = api(supervisor)
    with django_assert_max_num_queries(4):
        response = client.get(api_url("transfer-eligibility-list"))
    results = response.json()["results"]
    assert len(results) == count
    assert results[0]["reasons"][0]["kind"] == "no_interaction"
    assert results[0]["reasons"][0]["is_due"] is True


def test_points_api_shows_own_entries_to_a_manager(api, manager, other_manager):
    for user in (manager, other_manager):
        PointsEntry.objects.create(
            user=user,
            points=10,
            reason="primary_contact",
            client=ClientFactory(responsible_manager=user),
        )
    rows = api(manager).get(api_url("points-entry-list")).json()["results"]
    assert [row["user"] for row in rows] == [manager.pk]


# Stage control: remind and reassign --------------------------------------------------------


def test_supervisor_reminds_the_manager_of_an_overdue_deal_through_the_api(
    api, supervisor, manager, django_capture_on_commit_callbacks
):
    deal = overdue_deal(client=ClientFactory(responsible_manager=manager), title="Pumps")
    with django_capture_on_commit_callbacks(execute=True):
        response = api(supervisor).post(
            api_url("deal-remind", deal.pk), {"message": "Call them today"}
        )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["deal"], body["manager"], body["sent_by"]) == (deal.pk, manager.pk, supervisor.pk)
    assert body["message"] == "Call them today"
    assert [message.to for message in mail.outbox] == [[manager.email]]
    assert DealReminder.objects.get().sent_at is not None
    assert AuditEntry.objects.filter(action="clients.deal.reminded").count() == 1


def test_a_reminder_message_over_the_limit_is_refused_and_nothing_is_sent(
    api, supervisor, manager, django_capture_on_commit_callbacks
):
    deal = overdue_deal(client=ClientFactory(responsible_manager=manager))
    with django_capture_on_commit_callbacks(execute=True):
        response = api(supervisor).post(api_url("deal-remind", deal.pk), {"message": "x" * 2001})
    assert response.status_code == 400
    assert "message" in error_of(response)["fields"]
    assert not DealReminder.objects.exists() and not mail.outbox


def test_supervisor_reassigns_a_deal_through_the_api(api, supervisor, manager, other_manager):
    deal = overdue_deal(client=ClientFactory(responsible_manager=manager))
    response = api(supervisor).post(
        api_url("deal-reassign", deal.pk), {"manager": other_manager.pk, "reason": "Holiday"}
    )
    assert response.status_code == 200, response.json()
    assert response.json()["manager"] == other_manager.pk
    deal.refresh_from_db()
    assert deal.manager == other_manager
    entry = AuditEntry.objects.get(action="clients.deal.reassigned")
    assert entry.changes == {"manager": [manager.pk, other_manager.pk], "reason": "Holiday"}


def test_reassigning_to_another_teams_manager_is_a_field_error(
    api, supervisor, manager, foreign_manager
):
    deal = overdue_deal(client=ClientFactory(responsible_manager=manager))
    response = api(supervisor).post(
        api_url("deal-reassign", deal.pk), {"manager": foreign_manager.pk}
    )
    assert response.status_code == 400
    assert "manager" in error_of(response)["fields"]
    deal.refresh_from_db()
    assert deal.manager == manager


def test_remind_and_reassign_are_not_for_managers(api, manager, other_manager):
    deal = overdue_deal(client=ClientFactory(responsible_manager=manager))
    for url, body in (
        (api_url("deal-remind", deal.pk), {}),
        (api_url("deal-reassign", deal.pk), {"manager": other_manager.pk}),
    ):
        response = api(manager).post(url, body)
        assert response.status_code == 403
        assert error_of(response)["code"] == "permission_denied"
    deal.refresh_from_db()
    assert deal.manager == manager and not DealReminder.objects.exists()
