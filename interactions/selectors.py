"""Reads of the journal that My day, the plan counters and the API share.

What counts as a contact taken or a meeting held is defined here and only here (the conditions
CONTACT_TAKEN_CONDITION and MEETING_HELD_CONDITION, among counted interactions): the counters
and reports (reports.selectors, reports.builders) count the rows that meet them and the
journal's `counter` filter lists them, so a counter and the list behind its link cannot drift
apart.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db import connections, router
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from interactions.models import (
    CALL_KINDS,
    Interaction,
    InteractionQuerySet,
    InteractionStatus,
    Kind,
)
from interactions.telephony.events import NOT_ANSWERED

if TYPE_CHECKING:
    from crm_project.accounts.models import User

# The statuses the phone system pre-fills on an incoming call; a call with one of them (or none)
# still waits for a person's word. Any other status was chosen by a person.
AWAITING_STATUS_CODES = ("missed",)
# Call statuses that say nobody was reached: such a call is no contact taken.
NOT_REACHED_STATUS_CODES = ("missed", "no_answer", "planned", "cancelled")
EMAIL_KINDS = (Kind.INCOMING_EMAIL, Kind.OUTGOING_EMAIL)

CONTACTS_TAKEN = "contacts_taken"
MEETINGS_HELD = "meetings_held"
COUNTER_CHOICES = [
    (CONTACTS_TAKEN, _("Contacts taken")),
    (MEETINGS_HELD, _("Meetings held")),
]


def _contact_taken() -> Q:
    """Contacts taken: counted interactions that took place with a client of the base.

    - a call (in or out) unless the phone system says nobody answered or its status says
      nobody was reached (missed, no answer, planned, cancelled);
    - a meeting with the status "held";
    - an e-mail, in or out.
    Notes, unknown callers and excluded statuses (a wrong number) are not contacts.
    """
    reached_call = (
        Q(kind__in=CALL_KINDS)
        & ~Q(call_outcome__in=sorted(NOT_ANSWERED))
        & (Q(status__isnull=True) | ~Q(status__code__in=NOT_REACHED_STATUS_CODES))
    )
    held_meeting = Q(kind=Kind.MEETING, status__code="held")
    return Q(client__isnull=False, occurred_at__isnull=False) & (
        reached_call | held_meeting | Q(kind__in=EMAIL_KINDS)
    )


# As conditions too: the plan counters count both in one pass over a manager's month
# (reports.selectors), where a condition in the WHERE clause cost more planning than the count.
CONTACT_TAKEN_CONDITION = _contact_taken()
MEETING_HELD_CONDITION = Q(kind=Kind.MEETING, status__code="held", occurred_at__isnull=False)


def contacts_taken(queryset: InteractionQuerySet) -> InteractionQuerySet:
    """Contacts taken (CONTACT_TAKEN_CONDITION) among the counted interactions of `queryset`."""
    return queryset.counted().filter(CONTACT_TAKEN_CONDITION)


def meetings_held(queryset: InteractionQuerySet) -> InteractionQuerySet:
    """Meetings held: counted meetings with the status "held" that took place."""
    return queryset.counted().filter(MEETING_HELD_CONDITION)


COUNTERS = {CONTACTS_TAKEN: contacts_taken, MEETINGS_HELD: meetings_held}


def awaiting_decision(queryset: InteractionQuerySet) -> InteractionQuerySet:
    """Incoming calls the phone system logged that still wait for a person's word.

    A call leaves this set once a person gives it any status (the telephony pre-fills only
    "missed", see AWAITING_STATUS_CODES).
    """
    # The status ids, not a join on the status: the condition is then on the journal's own row,
    # and an ordered index scan can stop at the newest calls (calls_inbox with a limit).
    awaiting_ids = InteractionStatus.objects.filter(code__in=AWAITING_STATUS_CODES).values("pk")
    return queryset.filter(
        Q(status__isnull=True) | Q(status_id__in=awaiting_ids),
        kind=Kind.INCOMING_CALL,
        source=Interaction.Source.TELEPHONY,
    )


def own_or_queue(queryset: InteractionQuerySet, user: User) -> InteractionQuerySet:
    """The user's own interactions and his team's unassigned ones (the team's queue)."""
    mine = Q(manager=user)
    if user.team_id:
        mine |= Q(manager__isnull=True, team_id=user.team_id)
    return queryset.filter(mine)


def with_previous_calls(queryset: InteractionQuerySet) -> InteractionQuerySet:
    """Annotate `previous_calls`: incoming calls from the same number before this one.

    One correlated subquery over the phone_e164 index, not a query per row.
    """
    earlier = (
        Interaction.objects.filter(
            kind=Kind.INCOMING_CALL,
            phone_e164=OuterRef("phone_e164"),
            occurred_at__lt=OuterRef("occurred_at"),
        )
        .exclude(phone_e164="")
        .order_by()
        .values("phone_e164")
        .annotate(total=Count("pk"))
        .values("total")
    )
    return queryset.annotate(
        previous_calls=Coalesce(
            Subquery(earlier, output_field=IntegerField()), Value(0), output_field=IntegerField()
        )
    )


def calls_inbox(user: User, *, limit: int | None = None) -> InteractionQuerySet:
    """The user's calls inbox, newest first: caller, repeat count and personal-data access.

    With `limit`, only the newest `limit` calls: his own and his team's queue are each read
    newest first along their partial index (interaction_call_inbox_idx, _queue_idx) and stop
    there, instead of sorting every call still awaiting a word (thousands after a year).
    """
    if limit is None:
        queryset = own_or_queue(awaiting_decision(Interaction.objects.visible_to(user)), user)
    else:
        # The ids are chosen under every condition of the inbox (visible, awaiting, his own or
        # his team's queue), in the same statement: the outer query repeats none of them.
        queryset = Interaction.objects.filter(pk__in=_newest_awaiting_ids(user, limit))
    # The manager is not shown (the row only tells the team queue by manager_id): no join.
    return (
        with_previous_calls(queryset.with_personal_data_access(user))
        .select_related("client", "contact", "status")
        .order_by("-occurred_at", "-id")
    )


def _newest_awaiting_ids(user: User, limit: int) -> QuerySet:
    awaiting = awaiting_decision(Interaction.objects.visible_to(user)).order_by(
        "-occurred_at", "-id"
    )
    if not connections[
        router.db_for_read(Interaction)
    ].features.supports_slicing_ordering_in_compound:
        # SQLite (the demo's database) has no LIMIT inside a UNION: one ordered read of both.
        return own_or_queue(awaiting, user).values("pk")[:limit]
    parts = [awaiting.filter(manager=user).values("pk")[:limit]]
    if user.team_id:
        queue = awaiting.filter(manager__isnull=True, team_id=user.team_id)
        parts.append(queue.values("pk")[:limit])
    return parts[0].union(*parts[1:], all=True)


def open_tasks(queryset: InteractionQuerySet) -> InteractionQuerySet:
    """Planned calls and meetings not done yet."""
    return queryset.filter(occurred_at__isnull=True, planned_at__isnull=False).exclude(
        status__is_final=True
    )


def tasks_due(user: User, *, until: datetime.datetime) -> InteractionQuerySet:
    """The user's open tasks planned before `until` (the end of today: today's and overdue)."""
    queryset = open_tasks(Interaction.objects.visible_to(user))
    return (
        own_or_queue(queryset, user)
        .filter(planned_at__lt=until)
        .with_personal_data_access(user)
        .select_related("client", "contact", "status")
        .order_by("planned_at", "id")
    )
