"""Mailing lists: segments, their reach and export, e-mail campaigns and unsubscribing.

A campaign only ever goes to addresses with a given consent: the recipients are chosen by
consent when the campaign starts, and each address's consent is checked again just before its
message is sent.
"""

from __future__ import annotations

import datetime
import smtplib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from clients.models import (
    Campaign,
    CampaignRecipient,
    Client,
    Consent,
    ConsentSource,
    Deal,
    Email,
    LeadSource,
    Phone,
    Segment,
)
from crm_project.core.audit import audit_record
from crm_project.core.capabilities import Capability, has_capability
from crm_project.core.tasks_util import enqueue_after_commit

if TYPE_CHECKING:
    from crm_project.accounts.models import User

# The server refused this one message; the others may still go.
RECIPIENT_ERRORS = (
    smtplib.SMTPRecipientsRefused,
    smtplib.SMTPSenderRefused,
    smtplib.SMTPDataError,
    UnicodeError,
)
# A message claimed but not confirmed for this long belongs to a worker that died mid-send.
STALE_CLAIM = datetime.timedelta(minutes=10)


def _require_segment_rights(actor: User) -> None:
    if not has_capability(actor, Capability.BUILD_SEGMENTS):
        raise PermissionDenied(_("Your role may not build mailing lists."))


def _require_owner(actor: User, segment: Segment) -> None:
    _require_segment_rights(actor)
    if not Segment.objects.visible_to(actor).filter(pk=segment.pk).exists():
        raise PermissionDenied(_("This mailing list is not yours."))


@transaction.atomic
def segment_create(
    *,
    actor: User,
    name: str,
    manager: User | None = None,
    status: str = "",
    lead_source: LeadSource | None = None,
    no_contact_days: int | None = None,
    has_bought: bool | None = None,
) -> Segment:
    """Save a segment over the clients `actor` sees in full (a manager: only his own)."""
    _require_segment_rights(actor)
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": [_("Name the mailing list.")]}, code="required")
    if status and status not in Client.Status.values:
        raise ValidationError({"status": [_("Choose a status.")]}, code="invalid")
    if (
        manager is not None
        and not Client.objects.with_personal_data_visible_to(actor)
        .filter(responsible_manager=manager)
        .exists()
        and manager != actor
    ):
        raise ValidationError(
            {"manager": [_("Choose a manager whose clients you may see.")]}, code="invalid"
        )
    segment = Segment.objects.create(
        name=name,
        created_by=actor,
        team=actor.team,
        manager=manager,
        status=status,
        lead_source=lead_source,
        no_contact_days=no_contact_days,
        has_bought=has_bought,
    )
    audit_record(
        actor=actor,
        action="clients.segment.created",
        target=segment,
        changes={
            "manager": manager.pk if manager else None,
            "status": status,
            "lead_source": lead_source.pk if lead_source else None,
            "no_contact_days": no_contact_days,
            "has_bought": has_bought,
        },
    )
    return segment


def segment_clients(segment: Segment) -> QuerySet[Client]:
    """The clients a segment selects, within what its author sees in full."""
    clients = Client.objects.with_personal_data_visible_to(segment.created_by)
    if segment.manager_id:
        clients = clients.filter(responsible_manager_id=segment.manager_id)
    if segment.status:
        clients = clients.filter(status=segment.status)
    if segment.lead_source_id:
        clients = clients.filter(lead_source_id=segment.lead_source_id)
    if segment.no_contact_days is not None:
        since = timezone.now() - datetime.timedelta(days=segment.no_contact_days)
        clients = clients.filter(
            Q(last_interaction_at__lt=since) | Q(last_interaction_at__isnull=True)
        )
    if segment.has_bought is not None:
        won = Exists(Deal.objects.filter(client=OuterRef("pk"), state=Deal.State.WON))
        clients = clients.filter(won if segment.has_bought else ~won)
    return clients


def consented_emails(segment: Segment) -> QuerySet[Email]:
    return Email.objects.filter(client__in=segment_clients(segment), consent=Consent.GIVEN)


def consented_phones(segment: Segment) -> QuerySet[Phone]:
    return Phone.objects.filter(client__in=segment_clients(segment), consent=Consent.GIVEN)


@dataclass(frozen=True)
class Reach:
    clients: int
    emails: int
    phones: int


def segment_reach(segment: Segment) -> Reach:
    """How many clients a segment selects and how many consented addresses and phones."""
    return Reach(
        clients=segment_clients(segment).count(),
        emails=consented_emails(segment).count(),
        phones=consented_phones(segment).count(),
    )


def segment_unreached_by_manager(segment: Segment) -> list[dict[str, Any]]:
    """Per responsible manager: the segment's clients an e-mail campaign cannot reach, and why.

    One query: `no_email` has no address at all, `no_consent` has addresses but none with a
    given consent; `no_phone` (for a phone list) has no phone number.
    """
    any_email = Exists(Email.objects.filter(client=OuterRef("pk")))
    consented = Exists(Email.objects.filter(client=OuterRef("pk"), consent=Consent.GIVEN))
    any_phone = Exists(Phone.objects.filter(client=OuterRef("pk")))
    rows = (
        segment_clients(segment)
        .annotate(e=any_email, c=consented, p=any_phone)
        .values("responsible_manager", "responsible_manager__username")
        .annotate(
            clients=Count("pk"),
            no_email=Count("pk", filter=Q(e=False)),
            no_consent=Count("pk", filter=Q(e=True, c=False)),
            no_phone=Count("pk", filter=Q(p=False)),
        )
        .order_by("responsible_manager__username")
    )
    return [
        {
            "manager_id": row["responsible_manager"],
            "manager": row["responsible_manager__username"] or "—",
            "clients": row["clients"],
            "no_email": row["no_email"],
            "no_consent": row["no_consent"],
            "no_phone": row["no_phone"],
            "unreached": row["no_email"] + row["no_consent"],
        }
        for row in rows
    ]


@transaction.atomic
def segment_export(
    *, actor: User, segment: Segment, ip_address: str | None = None
) -> list[list[str]]:
    """The consented e-mail addresses and phone numbers of a segment, as rows; audited."""
    _require_owner(actor, segment)
    rows = [
        [email.client.name, "email", email.address]
        for email in consented_emails(segment).select_related("client").order_by("client__name")
    ]
    rows += [
        [phone.client.name, "phone", phone.number_e164]
        for phone in consented_phones(segment).select_related("client").order_by("client__name")
    ]
    audit_record(
        actor=actor,
        action="clients.segment.exported",
        target=segment,
        changes={"rows": len(rows)},
        ip_address=ip_address,
    )
    return rows


# Campaigns ----------------------------------------------------------------------------------


@transaction.atomic
def campaign_create(
    *, actor: User, segment: Segment, subject: str, body: str, ip_address: str | None = None
) -> Campaign:
    """Write a campaign for a segment; nothing is sent until campaign_start."""
    _require_owner(actor, segment)
    errors = {}
    if not (subject or "").strip():
        errors["subject"] = [_("Enter the subject.")]
    if not (body or "").strip():
        errors["body"] = [_("Enter the text.")]
    if errors:
        raise ValidationError(errors, code="required")
    campaign = Campaign.objects.create(
        segment=segment, subject=subject.strip(), body=body.strip(), created_by=actor
    )
    audit_record(
        actor=actor,
        action="clients.campaign.created",
        target=campaign,
        changes={"segment": segment.pk, "subject": campaign.subject},
        ip_address=ip_address,
    )
    return campaign


@transaction.atomic
def campaign_start(*, actor: User, campaign: Campaign, ip_address: str | None = None) -> Campaign:
    """Choose the recipients (consented addresses only, each once) and start sending."""
    _require_owner(actor, campaign.segment)
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.status != Campaign.Status.DRAFT:
        raise ValidationError(_("This campaign has already been started."), code="started")
    seen: set[str] = set()
    recipients = []
    for email in consented_emails(campaign.segment).order_by("id"):
        address = email.address.lower()
        if address in seen:
            continue
        seen.add(address)
        recipients.append(
            CampaignRecipient(
                campaign=campaign, email=email, client_id=email.client_id, address=address
            )
        )
    CampaignRecipient.objects.bulk_create(recipients)
    campaign.status = Campaign.Status.SENDING
    campaign.started_at = timezone.now()
    campaign.save(update_fields=["status", "started_at"])
    audit_record(
        actor=actor,
        action="clients.campaign.started",
        target=campaign,
        changes={"recipients": len(recipients)},
        ip_address=ip_address,
    )
    from clients.tasks import campaign_send_task

    # A broker that is down must not fail the start: campaigns_resume_task sends it later.
    enqueue_after_commit(campaign_send_task, campaign.pk)
    return campaign


def _claim(recipient_id: int) -> bool:
    # The conditional UPDATE is the guard against a second copy: of two workers (or a task
    # run twice) only one moves the row from pending to sending.
    return bool(
        CampaignRecipient.objects.filter(
            pk=recipient_id, status=CampaignRecipient.Status.PENDING
        ).update(status=CampaignRecipient.Status.SENDING, claimed_at=timezone.now())
    )


def unsubscribe_token(email: Email) -> str:
    """A signed token naming one address; only this address can be unsubscribed with it."""
    return signing.dumps(
        {"id": email.pk, "address": email.address.lower()},
        salt=settings.MAILING_UNSUBSCRIBE_SALT,
        compress=True,
    )


def unsubscribe_url(email: Email) -> str:
    path = reverse("unsubscribe", args=[unsubscribe_token(email)])
    return f"{settings.MAILING_BASE_URL.rstrip('/')}{path}"


def _send_one(recipient: CampaignRecipient, campaign: Campaign) -> None:
    email = Email.objects.filter(pk=recipient.email_id, consent=Consent.GIVEN).first()
    if email is None or email.address.lower() != recipient.address:
        recipient.status = CampaignRecipient.Status.SKIPPED
        recipient.save(update_fields=["status"])
        return
    link = unsubscribe_url(email)
    message = EmailMessage(
        subject=campaign.subject,
        body=render_to_string(
            "emails/campaign.txt", {"campaign": campaign, "unsubscribe_url": link}
        ),
        to=[recipient.address],
        headers={"List-Unsubscribe": f"<{link}>"},
    )
    try:
        message.send()
    except RECIPIENT_ERRORS as error:
        recipient.status = CampaignRecipient.Status.FAILED
        recipient.error = str(error)[:255]
        recipient.save(update_fields=["status", "error"])
        return
    except (OSError, smtplib.SMTPException):
        # The mail server is unreachable: nothing left, so the message waits for the retry.
        recipient.status = CampaignRecipient.Status.PENDING
        recipient.save(update_fields=["status"])
        raise
    recipient.status = CampaignRecipient.Status.SENT
    recipient.sent_at = timezone.now()
    recipient.save(update_fields=["status", "sent_at"])


def _allowed_now() -> int:
    # The rate is the mail server's: every campaign's messages of the last minute count.
    minute_ago = timezone.now() - datetime.timedelta(minutes=1)
    sent = CampaignRecipient.objects.filter(
        status=CampaignRecipient.Status.SENT, sent_at__gte=minute_ago
    ).count()
    return max(settings.MAILING_SEND_RATE_PER_MINUTE - sent, 0)


def campaign_send_batch(*, campaign_id: int) -> int:
    """Send the waiting messages the per-minute rate allows now; returns how many still wait.

    Safe to run twice or in parallel: each message is claimed before it is sent.
    """
    limit = _allowed_now()
    campaign = Campaign.objects.filter(pk=campaign_id, status=Campaign.Status.SENDING).first()
    if campaign is None:
        return 0
    waiting = CampaignRecipient.objects.filter(
        campaign=campaign, status=CampaignRecipient.Status.PENDING
    )
    for recipient in list(waiting.order_by("id")[:limit]) if limit else []:
        if _claim(recipient.pk):
            _send_one(recipient, campaign)
    remaining = waiting.count()
    busy = CampaignRecipient.objects.filter(
        campaign=campaign, status=CampaignRecipient.Status.SENDING
    ).exists()
    if not remaining and not busy:
        Campaign.objects.filter(pk=campaign.pk, status=Campaign.Status.SENDING).update(
            status=Campaign.Status.DONE, finished_at=timezone.now()
        )
    return remaining


def campaigns_resume() -> list[int]:
    """Pick up campaigns a stopped worker left: the ids of campaigns that still have messages.

    A message claimed by a worker that died may or may not have left; it is reported as
    failed rather than sent again, so nobody gets it twice.
    """
    stale = timezone.now() - STALE_CLAIM
    CampaignRecipient.objects.filter(
        status=CampaignRecipient.Status.SENDING, claimed_at__lt=stale
    ).update(
        status=CampaignRecipient.Status.FAILED,
        error=_("Interrupted while sending; not sent again to avoid a second copy."),
    )
    sending = Campaign.objects.filter(status=Campaign.Status.SENDING)
    return list(sending.values_list("pk", flat=True))


@transaction.atomic
def consent_withdraw_by_link(*, token: str, ip_address: str | None = None) -> Email:
    """Withdraw the consent of the one address a signed unsubscribe link names.

    A forged or altered token raises signing.BadSignature; an address that changed since the
    link was sent raises Email.DoesNotExist.
    """
    payload = signing.loads(token, salt=settings.MAILING_UNSUBSCRIBE_SALT)
    email = Email.objects.select_for_update().get(
        pk=payload["id"], address__iexact=payload["address"]
    )
    if email.consent != Consent.WITHDRAWN:
        email.consent = Consent.WITHDRAWN
        email.consent_at = timezone.now()
        email.consent_source = ConsentSource.UNSUBSCRIBE_LINK
        email.save(update_fields=["consent", "consent_at", "consent_source"])
        audit_record(
            actor=None,
            action="clients.email.unsubscribed",
            target=email.client,
            changes={"record": email.pk, "address": email.address},
            ip_address=ip_address,
        )
    return email
