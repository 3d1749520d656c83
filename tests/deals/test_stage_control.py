"""Stage control: the overdue list, remind / take over / reassign, and the daily overdue e-mail."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from clients.models import Deal, DealReminder
from clients.services import deal_reassign, deal_remind, deals_overdue_notify
from clients.tasks import deals_overdue_digest_task
from crm_project.accounts.models import User
from crm_project.core.models import AuditEntry
from tests.deals.factories import DealFactory, overdue_deal, stage
from tests.factories import ClientFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_control_page_lists_overdue_deals_per_manager_oldest_first(
    supervisor, manager, other_manager, login, django_assert_max_num_queries
):
    old = overdue_deal(days=9, client=ClientFactory(responsible_manager=other_manager))
    recent = overdue_deal(days=1, client=ClientFactory(responsible_manager=manager))
    older_of_manager = overdue_deal(days=4, client=ClientFactory(responsible_manager=manager))
    DealFactory(client=ClientFactory(responsible_manager=manager))  # on time
    browser = login(supervisor)
    with django_assert_max_num_queries(7):
        response = browser.get(reverse("clients:deal_control"))
    groups = response.context["groups"]
    assert [group[0] for group in groups] == [other_manager, manager]
    assert groups[0][1] == [old]
    assert groups[1][1] == [older_of_manager, recent]


@pytest.mark.parametrize("count", [1, 25])
def test_control_page_query_ceiling(
    count, supervisor, manager, login, django_assert_max_num_queries
):
    for _number in range(count):
        overdue_deal(client=ClientFactory(responsible_manager=manager))
    browser = login(supervisor)
    # session, user, overdue deals (with client, stage, manager), stages, team managers.
    with django_assert_max_num_queries(5):
        response = browser.get(reverse("clients:deal_control"))
    assert response.context["overdue_count"] == count


def test_control_page_is_for_supervisors(manager, login):
    assert login(manager).get(reverse("clients:deal_control")).status_code == 403


def test_remind_emails_the_manager_after_commit_and_keeps_a_record(
    supervisor, manager, django_capture_on_commit_callbacks
):
    deal = overdue_deal(client=ClientFactory(responsible_manager=manager), title="Pumps")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        reminder = deal_remind(actor=supervisor, deal=deal, message="Call them today")
        assert not mail.outbox  # nothing is sent before the commit
    assert len(callbacks) == 1
    assert [message.to for message in mail.outbox] == [[manager.email]]
    assert "Pumps" in mail.outbox[0].subject
    assert "Call them today" in mail.outbox[0].body
    reminder.refresh_from_db()
    assert reminder.sent_at is not None and reminder.sent_by == supervisor
    entry = AuditEntry.objects.get(action="clients.deal.reminded")
    assert entry.actor == supervisor


def test_reminder_task_run_twice_sends_once(
    supervisor, manager, django_capture_on_commit_callbacks
):
    from clients.tasks import deal_reminder_send_task

    deal = overdue_deal(client=ClientFactory(responsible_manager=manager))
    with django_capture_on_commit_callbacks(execute=True):
        reminder = deal_remind(actor=supervisor, deal=deal)
    assert deal_reminder_send_task(reminder.pk) is False
    assert len(mail.outbox) == 1


def test_remind_and_reassign_are_for_the_teams_supervisor(manager, other_manager):
    from django.core.exceptions import PermissionDenied

    deal = overdue_deal(client=ClientFactory(responsible_manager=manager))
    with pytest.raises(PermissionDenied):
        deal_remind(actor=manager, deal=deal)
    with pytest.raises(PermissionDenied):
        deal_reassign(actor=other_manager, deal=deal, manager=other_manager)
    assert not DealReminder.objects.exists()


def test_supervisor_takes_the_step_over_from_the_control_page(supervisor, manager, login):
    deal = overdue_deal(client=ClientFactory(responsible_manager=manager))
    response = login(supervisor).post(
        reverse("clients:deal_move_stage", args=[deal.pk]),
        {
            f"deal{deal.pk}-stage": stage("proposal_sent").pk,
            "next": reverse("clients:deal_control"),
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("clients:deal_control")
    deal.refresh_from_db()
    assert deal.stage.code == "proposal_sent" and not deal.is_overdue
    change = deal.stage_changes.first()
    assert change.changed_by == supervisor and change.is_out_of_order


def test_supervisor_reassigns_an_overdue_deal(supervisor, manager, other_manager, login):
    deal = overdue_deal(client=ClientFactory(responsible_manager=manager))
    response = login(supervisor).post(
        reverse("clients:deal_reassign", args=[deal.pk]),
        {"manager": other_manager.pk, "reason": "Holiday"},
    )
    assert response.status_code == 302
    deal.refresh_from_db()
    assert deal.manager == other_manager
    entry = AuditEntry.objects.get(action="clients.deal.reassigned")
    assert entry.changes["manager"] == [manager.pk, other_manager.pk]


def test_reassign_refuses_an_inactive_or_foreign_manager(supervisor, manager, foreign_manager):
    from django.core.exceptions import ValidationError

    deal = overdue_deal(client=ClientFactory(responsible_manager=manager))
    gone = UserFactory(role=User.Role.MANAGER, team=manager.team, is_active=False)
    for target in (gone, foreign_manager, supervisor):
        with pytest.raises(ValidationError):
            deal_reassign(actor=supervisor, deal=deal, manager=target)


# The daily e-mail -------------------------------------------------------------------------------


def test_daily_job_emails_each_supervisor_his_teams_new_overdue_deals_once(
    supervisor, manager, foreign_manager
):
    foreign_supervisor = UserFactory(role=User.Role.SUPERVISOR, team=foreign_manager.team)
    mine = overdue_deal(client=ClientFactory(responsible_manager=manager), title="Ours")
    overdue_deal(client=ClientFactory(responsible_manager=foreign_manager), title="Theirs")
    DealFactory(client=ClientFactory(responsible_manager=manager), title="On time")

    assert deals_overdue_digest_task() == 2
    by_recipient = {message.to[0]: message for message in mail.outbox}
    assert set(by_recipient) == {supervisor.email, foreign_supervisor.email}
    assert "Ours" in by_recipient[supervisor.email].body
    assert "Theirs" not in by_recipient[supervisor.email].body
    assert "On time" not in by_recipient[supervisor.email].body

    mail.outbox.clear()
    assert deals_overdue_notify() == 0  # idempotent: the same episode is not reported again
    assert not mail.outbox
    mine.refresh_from_db()
    assert mine.overdue_reported_due_at == mine.stage_due_at


def test_a_new_overdue_episode_is_reported_again(supervisor, manager):
    deal = overdue_deal(client=ClientFactory(responsible_manager=manager))
    deals_overdue_notify()
    # The deal moves on, and falls behind in its next stage.
    long_ago = timezone.now() - datetime.timedelta(days=30)
    Deal.objects.filter(pk=deal.pk).update(
        stage=stage("presentation_sent"),
        stage_entered_at=long_ago,
        stage_due_at=long_ago + datetime.timedelta(days=7),
    )
    mail.outbox.clear()
    assert deals_overdue_notify() == 1
    assert len(mail.outbox) == 1


def test_daily_job_is_in_the_beat_schedule(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["deals-overdue-digest"]
    assert entry["task"] == "clients.tasks.deals_overdue_digest_task"
