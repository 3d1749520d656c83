"""The raw event store: every notification is written here before it is processed."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from interactions.telephony.events import Provider


class TelephonyEvent(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", _("Waiting to be processed")
        PROCESSING = "processing", _("Being processed")
        DONE = "done", _("Logged in the journal")
        IGNORED = "ignored", _("Not a call to log")
        FAILED = "failed", _("Failed")

    provider = models.CharField(_("provider"), max_length=20, choices=Provider.choices)
    external_id = models.CharField(_("provider's call id"), max_length=128)
    event_type = models.CharField(_("event"), max_length=40, blank=True)
    # The same delivery twice has the same key: a hash of the provider's payload.
    dedupe_key = models.CharField(_("deduplication key"), max_length=64, editable=False)
    payload = models.JSONField(_("payload as received"))
    received_at = models.DateTimeField(_("received at"), default=timezone.now, editable=False)
    state = models.CharField(
        _("state"), max_length=20, choices=State.choices, default=State.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    dispatched_at = models.DateTimeField(_("last re-dispatched at"), null=True, blank=True)
    # An event waiting for its call (a recording before the call's start) is tried again then.
    retry_at = models.DateTimeField(_("tried again after"), null=True, blank=True)
    processed_at = models.DateTimeField(_("processed at"), null=True, blank=True)
    interaction = models.ForeignKey(
        "interactions.Interaction",
        verbose_name=_("interaction"),
        on_delete=models.SET_NULL,
        related_name="telephony_events",
        null=True,
        blank=True,
    )

    class Meta:
        ordering = ["-id"]
        verbose_name = _("telephony event")
        verbose_name_plural = _("telephony events")
        indexes = [
            models.Index(fields=["state", "received_at"], name="interactions_tel_state_idx"),
            models.Index(fields=["provider", "external_id"], name="interactions_tel_call_idx"),
            # The batches claim the oldest pending events: a small index of only those.
            models.Index(
                fields=["id"],
                condition=Q(state="pending"),
                name="interactions_tel_pending_idx",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "dedupe_key"], name="interactions_telephony_event_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_provider_display()} {self.external_id} {self.event_type}".strip()
