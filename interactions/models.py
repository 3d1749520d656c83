from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clients.models.base import LocalizedNameMixin
from crm_project.core.capabilities import Capability, has_capability

if TYPE_CHECKING:
    from crm_project.accounts.models import User


class Kind(models.TextChoices):
    INCOMING_CALL = "incoming_call", _("Incoming call")
    OUTGOING_CALL = "outgoing_call", _("Outgoing call")
    MEETING = "meeting", _("Meeting")
    INCOMING_EMAIL = "incoming_email", _("Incoming e-mail")
    OUTGOING_EMAIL = "outgoing_email", _("Outgoing e-mail")
    NOTE = "note", _("Note")


class Direction(models.TextChoices):
    INCOMING = "incoming", _("Incoming")
    OUTGOING = "outgoing", _("Outgoing")


KINDS_BY_DIRECTION: dict[str, tuple[str, ...]] = {
    Direction.INCOMING: (Kind.INCOMING_CALL, Kind.INCOMING_EMAIL),
    Direction.OUTGOING: (Kind.OUTGOING_CALL, Kind.OUTGOING_EMAIL),
}
CALL_KINDS = (Kind.INCOMING_CALL, Kind.OUTGOING_CALL)


class InteractionStatusQuerySet(models.QuerySet["InteractionStatus"]):
    def for_kind(self, kind: str) -> InteractionStatusQuerySet:
        return self.filter(kind=kind, is_active=True)


class InteractionStatus(LocalizedNameMixin, models.Model):
    """The admin-editable status picklist, one ordered list per interaction kind."""

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    code = models.SlugField(
        _("code"), max_length=50, help_text=_("Stable identifier used by integrations.")
    )
    name = models.CharField(_("name"), max_length=100)
    position = models.PositiveIntegerField(_("position"), default=0)
    is_final = models.BooleanField(
        _("final"), default=False, help_text=_("The interaction needs no further work.")
    )
    requires_result = models.BooleanField(
        _("requires a result"),
        default=False,
        help_text=_("Setting this status demands the interaction's result."),
    )
    is_excluded_from_counts = models.BooleanField(
        _("excluded from counts"),
        default=False,
        help_text=_(
            "Interactions with this status (e.g. a wrong number) count in no plan, report or bonus."
        ),
    )
    is_active = models.BooleanField(_("active"), default=True)

    objects = InteractionStatusQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "position", "id"]
        verbose_name = _("interaction status")
        verbose_name_plural = _("interaction statuses")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "code"], name="interactions_status_unique_code"
            ),
        ]

    def __str__(self) -> str:
        return self.localized_name


class InteractionQuerySet(models.QuerySet["Interaction"]):
    def visible_to(self, user: User) -> InteractionQuerySet:
        """The journal is corporate: everyone who works with clients reads all of it."""
        if not has_capability(user, Capability.VIEW_JOURNAL):
            return self.none()
        return self

    def with_personal_data_access(self, user: User) -> InteractionQuerySet:
        """Annotate `has_personal_data_access`: may `user` see the caller's number and contact?

        The client's rule (clients.models.personal_data_q), widened to unknown callers (their
        number belongs to no client yet) and to the user's own interactions (he calls back).
        """
        from clients.models import as_boolean, personal_data_q

        condition = (
            personal_data_q(user, prefix="client__") | Q(client__isnull=True) | Q(manager=user)
        )
        return self.annotate(has_personal_data_access=as_boolean(condition))

    def counted(self) -> InteractionQuerySet:
        """Interactions that count in plans, reports and bonuses (not e.g. wrong numbers)."""
        return self.exclude(status__is_excluded_from_counts=True)

    def of_direction(self, direction: str) -> InteractionQuerySet:
        return self.filter(kind__in=KINDS_BY_DIRECTION[direction])


class Interaction(models.Model):
    Kind = Kind
    Direction = Direction

    class Source(models.TextChoices):
        MANUAL = "manual", _("Entered by hand")
        TELEPHONY = "telephony", _("Phone system")
        IMPORT = "import", _("Import")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    # No index of its own for client and manager: the (client, -occurred_at) and
    # (manager, -occurred_at) indexes below lead with them. Each extra index on this table costs
    # every query that reads it planning time (a sixth of My day's counters, bench/README.md).
    client = models.ForeignKey(
        "clients.Client",
        verbose_name=_("client"),
        on_delete=models.PROTECT,
        related_name="interactions",
        null=True,
        blank=True,
        db_index=False,
    )
    contact = models.ForeignKey(
        "clients.ContactPerson",
        verbose_name=_("contact person"),
        on_delete=models.SET_NULL,
        related_name="interactions",
        null=True,
        blank=True,
    )
    # Kept for every call, and the only trace of an unknown caller.
    phone_raw = models.CharField(_("phone number as received"), max_length=50, blank=True)
    phone_e164 = models.CharField(_("phone number"), max_length=20, blank=True)
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("manager"),
        on_delete=models.PROTECT,
        related_name="interactions",
        null=True,
        blank=True,
        db_index=False,
        help_text=_("Empty: waiting in the team's queue."),
    )
    team = models.ForeignKey(
        "accounts.Team",
        verbose_name=_("team"),
        on_delete=models.PROTECT,
        related_name="interactions",
        null=True,
        blank=True,
    )
    planned_at = models.DateTimeField(_("planned for"), null=True, blank=True)
    occurred_at = models.DateTimeField(_("took place at"), null=True, blank=True)
    duration_seconds = models.PositiveIntegerField(_("duration, seconds"), null=True, blank=True)
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    result = models.TextField(_("result"), blank=True)
    status = models.ForeignKey(
        InteractionStatus,
        verbose_name=_("status"),
        on_delete=models.PROTECT,
        related_name="interactions",
        null=True,
        blank=True,
    )
    status_changed_at = models.DateTimeField(_("status changed at"), null=True, blank=True)
    source = models.CharField(
        _("source"), max_length=20, choices=Source.choices, default=Source.MANUAL
    )
    provider = models.CharField(_("phone provider"), max_length=30, blank=True)
    external_id = models.CharField(_("provider's call id"), max_length=128, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        editable=False,
    )
    created_at = models.DateTimeField(_("entered at"), auto_now_add=True, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # Telephony: the phone system's own view of the call, kept apart from the business status.
    provider_disposition = models.CharField(_("phone system's result"), max_length=40, blank=True)
    call_outcome = models.CharField(_("call outcome"), max_length=20, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    talk_seconds = models.PositiveIntegerField(_("talk time, seconds"), null=True, blank=True)
    recording_ref = models.CharField(_("recording"), max_length=500, blank=True)
    extension = models.CharField(_("extension"), max_length=20, blank=True)
    callback_for = models.ForeignKey(
        "self",
        verbose_name=_("call-back for"),
        on_delete=models.SET_NULL,
        related_name="callbacks",
        null=True,
        blank=True,
        help_text=_("The missed call this planned call returns."),
    )

    objects = InteractionQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        verbose_name = _("interaction")
        verbose_name_plural = _("interactions")
        indexes = [
            models.Index(fields=["client", "-occurred_at"]),
            models.Index(fields=["manager", "-occurred_at"]),
            models.Index(fields=["manager", "planned_at"]),
            models.Index(fields=["phone_e164"]),
            models.Index(fields=["kind", "-occurred_at"]),
            # My day at a million rows: the calls inbox and the open tasks read small partial
            # indexes (a manager's own rows, and his team's unassigned queue) instead of
            # intersecting the big manager, team and kind indexes.
            models.Index(
                fields=["manager", "-occurred_at"],
                condition=Q(kind="incoming_call", source="telephony"),
                name="interaction_call_inbox_idx",
            ),
            models.Index(
                fields=["team", "-occurred_at"],
                condition=Q(kind="incoming_call", source="telephony", manager__isnull=True),
                name="interaction_call_queue_idx",
            ),
            models.Index(
                fields=["manager", "planned_at"],
                condition=Q(occurred_at__isnull=True, planned_at__isnull=False),
                name="interaction_open_task_idx",
            ),
            models.Index(
                fields=["team", "planned_at"],
                condition=Q(
                    occurred_at__isnull=True, planned_at__isnull=False, manager__isnull=True
                ),
                name="interaction_queue_task_idx",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "external_id"],
                condition=~Q(external_id=""),
                name="interactions_unique_provider_call",
            ),
            models.CheckConstraint(
                condition=Q(planned_at__isnull=False) | Q(occurred_at__isnull=False),
                name="interactions_planned_or_occurred",
            ),
            models.CheckConstraint(
                condition=Q(client__isnull=False) | ~Q(phone_raw=""),
                name="interactions_client_or_phone",
            ),
            models.CheckConstraint(
                condition=Q(source="telephony") | Q(provider="", external_id=""),
                name="interactions_provider_only_for_telephony",
            ),
        ]

    def __str__(self) -> str:
        kind = self.get_kind_display()
        return f"{kind} — {self.subject}" if self.subject else str(kind)

    @property
    def direction(self) -> str | None:
        for direction, kinds in KINDS_BY_DIRECTION.items():
            if self.kind in kinds:
                return direction
        return None

    @property
    def is_planned(self) -> bool:
        return self.occurred_at is None

    @property
    def is_overdue(self) -> bool:
        return (
            self.occurred_at is None
            and self.planned_at is not None
            and self.planned_at < timezone.now()
            and not (self.status and self.status.is_final)
        )


from interactions.telephony.models import TelephonyEvent  # noqa: E402,F401
