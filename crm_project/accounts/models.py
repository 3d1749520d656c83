from __future__ import annotations

import zoneinfo

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


def validate_time_zone(value: str) -> None:
    if value and value not in zoneinfo.available_timezones():
        raise ValidationError(_("%(value)s is not a known time zone."), params={"value": value})


def language_choices() -> list[tuple[str, str]]:
    # A callable, so that offering one more language in settings.LANGUAGES needs no migration.
    return list(settings.LANGUAGES)


class Team(models.Model):
    """A supervisor's team of managers; clients and the unassigned call queue belong to a team."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("team")
        verbose_name_plural = _("teams")

    def __str__(self) -> str:
        return self.name


class UserQuerySet(models.QuerySet["User"]):
    def active_managers(self) -> UserQuerySet:
        return self.filter(is_active=True, role=User.Role.MANAGER)

    def visible_to(self, user: User) -> UserQuerySet:
        """Colleagues are visible to every signed-in member of staff (names in the journal)."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        return self.filter(is_active=True)


class CrmUserManager(UserManager.from_queryset(UserQuerySet)):  # type: ignore[misc]
    pass


class User(AbstractUser):
    class Role(models.TextChoices):
        MANAGER = "manager", _("Manager")
        SUPERVISOR = "supervisor", _("Supervisor")
        OPERATOR = "operator", _("Operator")
        ADMIN = "admin", _("Administrator")

    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.MANAGER)
    team = models.ForeignKey(
        Team,
        verbose_name=_("team"),
        on_delete=models.PROTECT,
        related_name="members",
        null=True,
        blank=True,
        help_text=_("The team a manager works in, or the team a supervisor leads."),
    )
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=language_choices,
        blank=True,
        help_text=_("Empty: the browser's language."),
    )
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        blank=True,
        validators=[validate_time_zone],
        help_text=_("Empty: the company's time zone."),
    )
    phone_extension = models.CharField(
        _("phone extension"),
        max_length=20,
        blank=True,
        help_text=_("The PBX extension whose calls are logged for this user."),
    )

    objects = CrmUserManager()

    class Meta:
        ordering = ["last_name", "first_name", "username"]
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            # Managers and supervisors work in the CRM's own pages, never in the Django admin.
            models.CheckConstraint(
                condition=Q(role__in=["admin", "operator"]) | Q(is_staff=False, is_superuser=False),
                name="accounts_user_only_admins_are_staff",
            ),
            models.CheckConstraint(
                condition=Q(role="admin") | Q(is_superuser=False),
                name="accounts_user_only_admins_are_superusers",
            ),
            models.UniqueConstraint(
                fields=["phone_extension"],
                condition=~Q(phone_extension=""),
                name="accounts_user_unique_phone_extension",
            ),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def is_manager(self) -> bool:
        return self.role == self.Role.MANAGER

    @property
    def is_supervisor(self) -> bool:
        return self.role == self.Role.SUPERVISOR

    @property
    def is_operator(self) -> bool:
        return self.role == self.Role.OPERATOR

    @property
    def is_admin(self) -> bool:
        return self.role == self.Role.ADMIN

    def can(self, capability: str) -> bool:
        from crm_project.core.capabilities import has_capability

        return has_capability(self, capability)
