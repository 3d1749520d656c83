from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from crm_project.core.capabilities import Capability, has_capability

if TYPE_CHECKING:
    from crm_project.accounts.models import User


def localized(name: str, translations: dict[str, str] | None) -> str:
    """`name` in the active language when `translations` has it, else `name` itself."""
    translations = translations or {}
    language = get_language() or settings.LANGUAGE_CODE
    return translations.get(language) or translations.get(language.split("-")[0]) or name


class LocalizedNameMixin(models.Model):
    """An admin-editable picklist's name per language: `name` is the default language's.

    `name_translations` maps a language code to the name in it ({"ru": "Выставка"}); a
    language without one reads `name`.
    """

    name_translations = models.JSONField(_("names in other languages"), default=dict, blank=True)

    class Meta:
        abstract = True

    @property
    def localized_name(self) -> str:
        return localized(self.name, self.name_translations)  # type: ignore[attr-defined]


class LeadSource(LocalizedNameMixin, models.Model):
    """Which advert or channel brought a client: an admin-editable picklist."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("lead source")
        verbose_name_plural = _("lead sources")

    def __str__(self) -> str:
        # Form choices, the admin and `{{ picklist }}` in templates read the user's language.
        return self.localized_name


def personal_data_q(user: User, prefix: str = "") -> Q:
    """Q matching the clients whose personal data `user` sees unmasked.

    The single rule used by lists (annotation) and cards (detail check) alike: admins and
    operators see everyone's, a supervisor his team's, a manager his own clients'.
    """
    if has_capability(user, Capability.VIEW_ALL_PERSONAL_DATA):
        return Q(**{f"{prefix}pk__isnull": False})
    if has_capability(user, Capability.VIEW_TEAM_PERSONAL_DATA) and user.team_id:
        return Q(**{f"{prefix}team_id": user.team_id}) | Q(
            **{f"{prefix}responsible_manager__team_id": user.team_id}
        )
    if has_capability(user, Capability.VIEW_CLIENT_BASE):
        return Q(**{f"{prefix}responsible_manager_id": user.pk})
    return Q(**{f"{prefix}pk__isnull": True})


def as_boolean(condition: Q) -> models.Case:
    # Case/When, not a bare Q: SQL's three-valued logic would give NULL instead of False
    # for a row whose compared column is NULL (e.g. a client without a responsible manager).
    return models.Case(
        models.When(condition, then=models.Value(True)),
        default=models.Value(False),
        output_field=models.BooleanField(),
    )


class ClientQuerySet(models.QuerySet["Client"]):
    def visible_to(self, user: User) -> ClientQuerySet:
        """The corporate base: every member of staff sees every client's name."""
        if not has_capability(user, Capability.VIEW_CLIENT_BASE):
            return self.none()
        return self

    def with_personal_data_access(self, user: User) -> ClientQuerySet:
        """Annotate `has_personal_data_access` so a list masks without a query per row."""
        return self.annotate(has_personal_data_access=as_boolean(personal_data_q(user)))

    def with_personal_data_visible_to(self, user: User) -> ClientQuerySet:
        return self.visible_to(user).filter(personal_data_q(user))

    def owned_by(self, user: User) -> ClientQuerySet:
        return self.filter(responsible_manager=user)


class VersionedModel(models.Model):
    """Optimistic locking (clients/services/versions.py).

    Every edit through clients.services bumps `version` and names its author; an edit made from
    an older version is refused (RecordChangedError, a ConflictError), never lost.
    """

    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("last changed by"),
        on_delete=models.SET_NULL,
        related_name="+",
        null=True,
        blank=True,
        editable=False,
    )

    class Meta:
        abstract = True


class Client(VersionedModel):
    class Kind(models.TextChoices):
        COMPANY = "company", _("Company")
        PERSON = "person", _("Private person")

    class Status(models.TextChoices):
        PROSPECT = "prospect", _("Prospect")
        ACTIVE = "active", _("Active")
        INACTIVE = "inactive", _("Inactive")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.COMPANY)
    name = models.CharField(_("name"), max_length=255)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PROSPECT
    )
    responsible_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible manager"),
        on_delete=models.PROTECT,
        related_name="clients",
        null=True,
        blank=True,
    )
    team = models.ForeignKey(
        "accounts.Team",
        verbose_name=_("team"),
        on_delete=models.PROTECT,
        related_name="clients",
        null=True,
        blank=True,
    )
    lead_source = models.ForeignKey(
        LeadSource,
        verbose_name=_("lead source"),
        on_delete=models.PROTECT,
        related_name="clients",
        null=True,
        blank=True,
    )
    # The author of the primary contact: set once by client_create, never changed, and the
    # basis of the primary-contact credit.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        on_delete=models.PROTECT,
        related_name="clients_entered",
        editable=False,
    )
    created_at = models.DateTimeField(_("entered at"), auto_now_add=True, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # Denormalised by interactions.services so "no contact for N days" is an indexed filter.
    last_interaction_at = models.DateTimeField(
        _("last contact"), null=True, blank=True, editable=False
    )

    objects = ClientQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("client")
        verbose_name_plural = _("clients")
        indexes = [
            models.Index(Lower("name"), name="clients_client_name_lower"),
            models.Index(fields=["responsible_manager", "status"]),
            models.Index(fields=["last_interaction_at"]),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(name=""), name="clients_client_name_not_empty"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("clients:detail", args=[self.pk])


class ContactPerson(VersionedModel):
    client = models.ForeignKey(
        Client, verbose_name=_("client"), on_delete=models.CASCADE, related_name="contacts"
    )
    last_name = models.CharField(_("last name"), max_length=100, blank=True)
    first_name = models.CharField(_("first name"), max_length=100, blank=True)
    middle_name = models.CharField(_("middle name"), max_length=100, blank=True)
    position = models.CharField(_("position"), max_length=150, blank=True)
    is_primary = models.BooleanField(_("primary contact"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(_("entered at"), auto_now_add=True, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-is_primary", "last_name", "first_name", "id"]
        verbose_name = _("contact person")
        verbose_name_plural = _("contact persons")
        indexes = [models.Index(Lower("last_name"), name="clients_contact_lastname_lower")]
        constraints = [
            models.UniqueConstraint(
                fields=["client"],
                condition=Q(is_primary=True),
                name="clients_contact_one_primary_per_client",
            ),
            models.CheckConstraint(
                condition=~Q(last_name="", first_name=""),
                name="clients_contact_has_a_name",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return " ".join(
            part for part in (self.last_name, self.first_name, self.middle_name) if part
        )


class Consent(models.TextChoices):
    UNKNOWN = "unknown", _("Not asked")
    GIVEN = "given", _("Given")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class ConsentSource(models.TextChoices):
    CALL = "call", _("During a call")
    MEETING = "meeting", _("At a meeting")
    WEB_FORM = "web_form", _("Web form")
    PAPER = "paper", _("Signed on paper")
    EMAIL = "email", _("By e-mail")
    UNSUBSCRIBE_LINK = "unsubscribe_link", _("Unsubscribe link")


class ContactChannel(models.Model):
    """A phone number or e-mail address of a client, optionally of one of its contact persons."""

    client = models.ForeignKey(Client, verbose_name=_("client"), on_delete=models.CASCADE)
    contact = models.ForeignKey(
        ContactPerson,
        verbose_name=_("contact person"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
    )
    consent = models.CharField(
        _("mailing consent"), max_length=20, choices=Consent.choices, default=Consent.UNKNOWN
    )
    consent_at = models.DateTimeField(_("consent changed at"), null=True, blank=True)
    consent_source = models.CharField(
        _("how consent was given or withdrawn"),
        max_length=30,
        choices=ConsentSource.choices,
        blank=True,
    )
    created_at = models.DateTimeField(_("entered at"), auto_now_add=True, editable=False)

    class Meta:
        abstract = True

    @classmethod
    def consent_constraint(cls, name: str) -> models.CheckConstraint:
        # A consent state other than "not asked" must say when and how it was given.
        return models.CheckConstraint(
            condition=Q(consent=Consent.UNKNOWN)
            | (Q(consent_at__isnull=False) & ~Q(consent_source="")),
            name=name,
        )


class Phone(ContactChannel):
    class Kind(models.TextChoices):
        MOBILE = "mobile", _("Mobile")
        WORK = "work", _("Work")
        HOME = "home", _("Home")
        OTHER = "other", _("Other")

    number_raw = models.CharField(_("number as typed"), max_length=50)
    number_e164 = models.CharField(_("number"), max_length=20)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.WORK)

    class Meta:
        ordering = ["id"]
        verbose_name = _("phone number")
        verbose_name_plural = _("phone numbers")
        default_related_name = "phones"
        constraints = [
            # "Has this number been in touch?" is one indexed lookup with one answer.
            models.UniqueConstraint(fields=["number_e164"], name="clients_phone_unique_e164"),
            models.CheckConstraint(
                condition=Q(number_e164__startswith="+"), name="clients_phone_e164_format"
            ),
            ContactChannel.consent_constraint("clients_phone_consent_has_date_and_source"),
        ]

    def __str__(self) -> str:
        return self.number_e164


class Email(ContactChannel):
    address = models.EmailField(_("e-mail address"), max_length=254)

    class Meta:
        ordering = ["id"]
        verbose_name = _("e-mail address")
        verbose_name_plural = _("e-mail addresses")
        default_related_name = "emails"
        constraints = [
            models.UniqueConstraint(Lower("address"), name="clients_email_unique_address"),
            ContactChannel.consent_constraint("clients_email_consent_has_date_and_source"),
        ]

    def __str__(self) -> str:
        return self.address
