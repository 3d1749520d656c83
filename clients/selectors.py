"""Reads of the client base that are more than a QuerySet method."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery, Sum
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from clients.models import (
    Client,
    ClientQuerySet,
    Deal,
    ManagerLeaving,
    Phone,
    PointsEntry,
    TransferRule,
    as_boolean,
)
from clients.models.base import localized
from crm_project.core import phones

if TYPE_CHECKING:
    from crm_project.accounts.models import User


def find_by_phone(raw: str) -> Phone | None:
    """The phone row for any spelling of a number, or None: one indexed lookup."""
    e164 = phones.to_e164_or_none(raw)
    if e164 is None:
        return None
    return Phone.objects.select_related("client", "contact").filter(number_e164=e164).first()


# Transfer eligibility -------------------------------------------------------------------------


@dataclass(frozen=True)
class TransferReason:
    """Why a client is (or soon will be) eligible for transfer: the rule that fired, in words."""

    rule: TransferRule
    is_due: bool  # False: not yet, the manager is being warned
    text: str


def _rule_field(rule: TransferRule) -> str:
    return f"transfer_rule_{rule.pk}"


def _rule_condition(rule: TransferRule, *, now: datetime.datetime, warn: bool) -> Q:
    lead = datetime.timedelta(days=rule.warn_days if warn else 0)
    if rule.kind == TransferRule.Kind.NO_INTERACTION:
        cutoff = now - datetime.timedelta(days=rule.days) + lead
        return Q(last_interaction_at__lt=cutoff) | Q(
            last_interaction_at__isnull=True, created_at__lt=cutoff
        )
    if rule.kind == TransferRule.Kind.DEAL_STUCK:
        cutoff = now - datetime.timedelta(days=rule.days) + lead
        return Q(
            Exists(Deal.objects.open().filter(client=OuterRef("pk"), stage_entered_at__lt=cutoff))
        )
    horizon = timezone.localdate(now) + datetime.timedelta(days=rule.days) + lead
    leaving = ManagerLeaving.objects.filter(
        manager=OuterRef("responsible_manager"), leaves_on__lte=horizon
    )
    return Q(responsible_manager__is_active=False) | Q(Exists(leaving))


def active_transfer_rules() -> list[TransferRule]:
    return list(TransferRule.objects.filter(is_active=True))


def transfer_candidates(
    queryset: ClientQuerySet,
    *,
    rules: list[TransferRule],
    now: datetime.datetime | None = None,
    warn: bool = False,
) -> ClientQuerySet:
    """The clients of `queryset` that a rule makes eligible (with `warn`, soon eligible too).

    One query: a boolean annotation per rule, plus what the reasons quote (the oldest stuck
    deal, the leaving date); `attach_transfer_reasons` turns them into words per row.
    """
    now = now or timezone.now()
    if not rules:
        return queryset.none()
    oldest_open = Deal.objects.open().filter(client=OuterRef("pk")).order_by("stage_entered_at")
    queryset = queryset.annotate(
        stuck_deal_title=Subquery(oldest_open.values("title")[:1]),
        stuck_deal_stage=Subquery(oldest_open.values("stage__name")[:1]),
        stuck_deal_stage_translations=Subquery(oldest_open.values("stage__name_translations")[:1]),
        stuck_since=Subquery(oldest_open.values("stage_entered_at")[:1]),
        manager_leaves_on=Subquery(
            ManagerLeaving.objects.filter(manager=OuterRef("responsible_manager")).values(
                "leaves_on"
            )[:1]
        ),
    )
    any_rule = Q()
    for rule in rules:
        condition = _rule_condition(rule, now=now, warn=warn)
        queryset = queryset.annotate(**{_rule_field(rule): as_boolean(condition)})
        any_rule |= Q(**{_rule_field(rule): True})
    return queryset.filter(any_rule)


def attach_transfer_reasons(
    clients: list[Client], *, rules: list[TransferRule], now: datetime.datetime | None = None
) -> list[Client]:
    """Set `transfer_reasons` (a list of TransferReason) on rows from `transfer_candidates`."""
    now = now or timezone.now()
    for client in clients:
        client.transfer_reasons = [
            _reason(client, rule, now)
            for rule in rules
            if getattr(client, _rule_field(rule), False)
        ]
        client.is_transfer_due = any(reason.is_due for reason in client.transfer_reasons)
    return clients


def _days_since(moment: datetime.datetime | None, now: datetime.datetime) -> int:
    return max((now - moment).days, 0) if moment else 0


def _reason(client: Client, rule: TransferRule, now: datetime.datetime) -> TransferReason:
    if rule.kind == TransferRule.Kind.NO_INTERACTION:
        days = _days_since(client.last_interaction_at or client.created_at, now)
        left = rule.days - days
        if client.last_interaction_at is None:
            text = ngettext(
                "No interaction since the client was entered, %(days)s day ago",
                "No interaction since the client was entered, %(days)s days ago",
                days,
            ) % {"days": days}
        else:
            text = ngettext(
                "No interaction for %(days)s day", "No interaction for %(days)s days", days
            ) % {"days": days}
    elif rule.kind == TransferRule.Kind.DEAL_STUCK:
        days = _days_since(client.stuck_since, now)
        left = rule.days - days
        text = ngettext(
            "The deal “%(deal)s” has been in the stage “%(stage)s” for %(days)s day",
            "The deal “%(deal)s” has been in the stage “%(stage)s” for %(days)s days",
            days,
        ) % {
            "deal": client.stuck_deal_title,
            "stage": localized(client.stuck_deal_stage, client.stuck_deal_stage_translations),
            "days": days,
        }
    else:
        manager = client.responsible_manager
        if manager is not None and not manager.is_active:
            return TransferReason(
                rule, True, _("The responsible manager %(manager)s has left") % {"manager": manager}
            )
        leaves_on = client.manager_leaves_on
        left = (leaves_on - timezone.localdate(now)).days - rule.days if leaves_on else 0
        text = _("The responsible manager leaves on %(date)s") % {
            "date": date_format(leaves_on, "SHORT_DATE_FORMAT") if leaves_on else "—"
        }
    if left > 0:
        text = ngettext(
            "%(reason)s: eligible for transfer in %(days)s day (the rule: %(limit)s)",
            "%(reason)s: eligible for transfer in %(days)s days (the rule: %(limit)s)",
            left,
        ) % {
            "reason": text,
            "days": left,
            "limit": rule,
        }
        return TransferReason(rule, False, text)
    return TransferReason(
        rule,
        True,
        _("%(reason)s (the rule: %(limit)s)")
        % {
            "reason": text,
            "limit": rule,
        },
    )


def client_transfer_reasons(client: Client, *, warn: bool) -> list[TransferReason]:
    """The reasons for one client (the card's badge): two queries."""
    rules = active_transfer_rules()
    rows = list(
        transfer_candidates(
            Client.objects.filter(pk=client.pk).select_related("responsible_manager"),
            rules=rules,
            warn=warn,
        )
    )
    if not rows:
        return []
    return attach_transfer_reasons(rows, rules=rules)[0].transfer_reasons


# Stage control and points ---------------------------------------------------------------------


def overdue_deals_by_manager(user: User) -> list[tuple[User, list[Deal]]]:
    """The overdue deals a supervisor controls, grouped per manager, the oldest due first."""
    queryset = Deal.objects.visible_to(user).overdue().select_related("client", "stage", "manager")
    if not user.is_admin:
        queryset = queryset.filter(manager__team_id=user.team_id)
    groups: dict[int, tuple[User, list[Deal]]] = {}
    for deal in queryset.order_by("stage_due_at", "id"):
        groups.setdefault(deal.manager_id, (deal.manager, []))[1].append(deal)
    return sorted(groups.values(), key=lambda group: group[1][0].stage_due_at)


def points_totals(queryset: QuerySet[PointsEntry]) -> list[dict]:
    """Points per user over `queryset` (already visible_to), the highest first."""
    return list(
        queryset.values("user", "user__username", "user__first_name", "user__last_name")
        .annotate(total=Sum("points"), entries=Count("pk"))
        .order_by("-total", "user__last_name", "user")
    )
