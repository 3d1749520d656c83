"""Segments, the consented export, campaigns (once per address, consent only), unsubscribing."""

import datetime

import pytest
from django.core import mail, signing
from django.urls import reverse
from django.utils import timezone

from clients.models import Campaign, CampaignRecipient, Consent, Email, Segment
from clients.services import (
    campaign_create,
    campaign_send_batch,
    campaign_start,
    campaigns_resume,
    segment_clients,
    segment_create,
    segment_reach,
    segment_unreached_by_manager,
    unsubscribe_token,
)
from clients.tasks import campaign_send_task
from crm_project.core.models import AuditEntry
from tests.deals.factories import DealFactory
from tests.factories import ClientFactory, EmailFactory, PhoneFactory


def consented(**kwargs):
    return dict(
        consent=Consent.GIVEN, consent_at=timezone.now(), consent_source="web_form", **kwargs
    )


@pytest.fixture
def audience(manager, other_manager):
    """The manager's clients: consented e-mail, e-mail without consent, none; a colleague's."""
    reached = ClientFactory(responsible_manager=manager, name="Reached")
    EmailFactory(client=reached, address="yes@example.com", **consented())
    PhoneFactory(client=reached, **consented())
    refused = ClientFactory(responsible_manager=manager, name="Refused")
    EmailFactory(client=refused, address="no@example.com")
    ClientFactory(responsible_manager=manager, name="Silent")
    colleague = ClientFactory(responsible_manager=other_manager, name="Colleague's")
    EmailFactory(client=colleague, address="colleague@example.com", **consented())
    return reached


def test_manager_segment_covers_his_own_clients_only(manager, audience):
    segment = segment_create(actor=manager, name="All mine")
    assert {c.name for c in segment_clients(segment)} == {"Reached", "Refused", "Silent"}
    assert segment_reach(segment).__dict__ == {"clients": 3, "emails": 1, "phones": 1}
    [row] = segment_unreached_by_manager(segment)
    assert (row["no_email"], row["no_consent"], row["no_phone"], row["unreached"]) == (1, 1, 2, 2)


def test_supervisor_segment_covers_the_team(supervisor, audience):
    segment = segment_create(actor=supervisor, name="Team")
    assert segment_reach(segment).emails == 2
    assert len(segment_unreached_by_manager(segment)) == 2


def test_segment_filters(manager, audience):
    DealFactory(client=audience, manager=manager, state="won", closed_at=timezone.now())
    assert [
        c.name for c in segment_clients(segment_create(actor=manager, name="b", has_bought=True))
    ] == ["Reached"]
    audience.last_interaction_at = timezone.now()
    audience.save()
    stale = segment_create(actor=manager, name="s", no_contact_days=30)
    assert "Reached" not in {c.name for c in segment_clients(stale)}


def test_operator_cannot_build_segments(operator, login):
    assert login(operator).get(reverse("clients:segment_list")).status_code == 403


def test_export_is_consented_only_audited_and_guarded(manager, audience, login):
    EmailFactory(client=audience, address="=HYPERLINK@example.com", **consented())
    segment = segment_create(actor=manager, name="All mine")
    response = login(manager).post(reverse("clients:segment_export", args=[segment.pk]))
    text = response.content.decode()
    assert "yes@example.com" in text and "no@example.com" not in text
    assert "colleague@example.com" not in text
    assert "'=HYPERLINK@example.com" in text
    assert AuditEntry.objects.filter(action="clients.segment.exported").count() == 1


def test_campaign_sends_only_to_consented_and_never_twice(manager, audience, settings):
    settings.MAILING_SEND_RATE_PER_MINUTE = 100
    segment = segment_create(actor=manager, name="All mine")
    campaign = campaign_create(actor=manager, segment=segment, subject="Sale", body="-20%")
    campaign_start(actor=manager, campaign=campaign)
    campaign_send_task(campaign.pk)
    campaign_send_task(campaign.pk)
    assert [m.to for m in mail.outbox] == [["yes@example.com"]]
    assert "/unsubscribe/" in mail.outbox[0].body
    assert mail.outbox[0].extra_headers["List-Unsubscribe"].startswith("<http")
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.DONE
    assert CampaignRecipient.objects.get().status == CampaignRecipient.Status.SENT


def test_consent_withdrawn_after_start_is_respected(manager, audience):
    segment = segment_create(actor=manager, name="All mine")
    campaign = campaign_create(actor=manager, segment=segment, subject="Sale", body="-20%")
    campaign_start(actor=manager, campaign=campaign)
    Email.objects.filter(address="yes@example.com").update(
        consent=Consent.WITHDRAWN, consent_source="email"
    )
    campaign_send_batch(campaign_id=campaign.pk)
    assert mail.outbox == []
    assert CampaignRecipient.objects.get().status == CampaignRecipient.Status.SKIPPED


def test_rate_limit_and_resume(manager, settings):
    settings.MAILING_SEND_RATE_PER_MINUTE = 2
    for n in range(5):
        EmailFactory(
            client=ClientFactory(responsible_manager=manager),
            address=f"c{n}@example.com",
            **consented(),
        )
    segment = segment_create(actor=manager, name="All")
    campaign = campaign_create(actor=manager, segment=segment, subject="S", body="B")
    campaign_start(actor=manager, campaign=campaign)
    assert campaign_send_batch(campaign_id=campaign.pk) == 3
    assert campaign_send_batch(campaign_id=campaign.pk) == 3  # the minute's quota is used
    assert len(mail.outbox) == 2
    # A worker died holding a claim: the message is reported, not sent again.
    stuck = CampaignRecipient.objects.filter(status="pending").first()
    CampaignRecipient.objects.filter(pk=stuck.pk).update(
        status="sending", claimed_at=timezone.now() - datetime.timedelta(hours=1)
    )
    CampaignRecipient.objects.filter(status="sent").update(
        sent_at=timezone.now() - datetime.timedelta(minutes=5)
    )
    assert campaigns_resume() == [campaign.pk]
    stuck.refresh_from_db()
    assert stuck.status == "failed"
    assert campaign_send_batch(campaign_id=campaign.pk) == 0
    assert len(mail.outbox) == 4
    assert len({tuple(m.to) for m in mail.outbox}) == 4


def test_campaign_cannot_be_started_twice(manager, audience):
    from django.core.exceptions import ValidationError

    segment = segment_create(actor=manager, name="All mine")
    campaign = campaign_create(actor=manager, segment=segment, subject="S", body="B")
    campaign_start(actor=manager, campaign=campaign)
    with pytest.raises(ValidationError):
        campaign_start(actor=manager, campaign=campaign)


def test_unsubscribe_link_withdraws_consent_of_that_address_only(
    manager, audience, anonymous, login
):
    email = Email.objects.get(address="yes@example.com")
    other = Email.objects.get(address="colleague@example.com")
    url = reverse("unsubscribe", args=[unsubscribe_token(email)])
    browser = login(anonymous)
    assert browser.get(url).status_code == 200
    email.refresh_from_db()
    assert email.consent == Consent.GIVEN  # a GET (a mail scanner) changes nothing
    assert browser.post(url).status_code == 200
    email.refresh_from_db()
    other.refresh_from_db()
    assert (email.consent, email.consent_source) == (Consent.WITHDRAWN, "unsubscribe_link")
    assert email.consent_at is not None
    assert other.consent == Consent.GIVEN


def test_forged_unsubscribe_links_are_refused(manager, audience, anonymous, login):
    email = Email.objects.get(address="yes@example.com")
    other = Email.objects.get(address="colleague@example.com")
    browser = login(anonymous)
    token = unsubscribe_token(email)
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    forged = signing.dumps({"id": other.pk, "address": other.address}, salt="wrong-salt")
    mismatched = signing.dumps(
        {"id": other.pk, "address": email.address}, salt="clients.mailings.unsubscribe"
    )
    for bad in (tampered, forged, mismatched, "nonsense"):
        assert browser.post(reverse("unsubscribe", args=[bad])).status_code == 400
    other.refresh_from_db()
    assert other.consent == Consent.GIVEN


def test_api_segments_and_campaigns(manager, other_manager, audience, login):
    browser = login(manager)
    created = browser.post(
        reverse("api:segment-list"), {"name": "API"}, content_type="application/json"
    )
    assert created.status_code == 201
    pk = created.json()["id"]
    report = browser.get(reverse("api:segment-report", args=[pk])).json()
    assert report["reach"] == {"clients": 3, "emails": 1, "phones": 1}
    campaign = browser.post(
        reverse("api:campaign-list"),
        {"segment": pk, "subject": "S", "body": "B"},
        content_type="application/json",
    )
    assert campaign.status_code == 201
    assert login(other_manager).get(reverse("api:segment-detail", args=[pk])).status_code == 404
    sent = browser.post(reverse("api:campaign-send", args=[campaign.json()["id"]]))
    assert sent.status_code == 200 and sent.json()["status"] == "sending"


def test_segment_pages(manager, audience, login):
    browser = login(manager)
    response = browser.post(
        reverse("clients:segment_create"), {"name": "Mine", "has_bought": "unknown"}
    )
    segment = Segment.objects.get()
    assert response.status_code == 302
    page = browser.get(segment.get_absolute_url())
    assert page.context["reach"].emails == 1
    created = browser.post(
        reverse("clients:campaign_create", args=[segment.pk]), {"subject": "S", "body": "B"}
    )
    campaign = Campaign.objects.get()
    assert created.status_code == 302
    browser.post(reverse("clients:campaign_start", args=[campaign.pk]))
    assert browser.get(campaign.get_absolute_url()).status_code == 200


def test_list_query_ceilings(manager, login, django_assert_max_num_queries):
    browser = login(manager)
    segment_create(actor=manager, name="first")
    with django_assert_max_num_queries(8):
        browser.get(reverse("clients:segment_list"))
    with django_assert_max_num_queries(8):
        browser.get(reverse("api:segment-list"))
    for n in range(15):
        segment_create(actor=manager, name=f"s{n}")
    with django_assert_max_num_queries(8):
        browser.get(reverse("clients:segment_list"))
    with django_assert_max_num_queries(8):
        browser.get(reverse("api:segment-list"))
