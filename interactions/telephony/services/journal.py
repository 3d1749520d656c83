"""From parsed call events to the journal, a batch at a time.

Every event of a batch is folded into its call's one interaction in memory, in the order the
events were stored, with what the rules need read up front (phones, extensions, statuses, the
calls already logged, the planned calls they may perform): a batch costs about ten queries, not
ten per event. The rules are the same for a batch of one.
"""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import connection
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from clients.models import Client, Phone
from crm_project.accounts.models import User
from crm_project.core.audit import diff, snapshot
from crm_project.core.models import AuditEntry
from interactions.models import Interaction, InteractionStatus
from interactions.telephony.events import (
    NOT_ANSWERED,
    CallDirection,
    CallEvent,
    Outcome,
    setting,
)

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

OUTCOME_RANK = {"": 0, Outcome.IN_PROGRESS: 1, Outcome.ANSWERED: 3} | dict.fromkeys(NOT_ANSWERED, 2)
# Statuses the phone system pre-fills; a status a manager chose is never overwritten.
AUTOMATIC_STATUS_CODES = frozenset({"missed", "no_answer", "wrong_number", "planned"})
STATUS_CODES = AUTOMATIC_STATUS_CODES | {"cancelled"}
TRACKED_FIELDS = (
    "client",
    "contact",
    "phone_raw",
    "manager",
    "team",
    "occurred_at",
    "answered_at",
    "duration_seconds",
    "talk_seconds",
    "call_outcome",
    "provider_disposition",
    "recording_ref",
    "extension",
    "status",
    "source",
    "provider",
    "external_id",
)
BULK_SIZE = 500

LOGGED = "interactions.interaction.logged_by_telephony"
UPDATED = "interactions.interaction.updated_by_telephony"
PERFORMED = "interactions.interaction.performed_by_telephony"
CALLBACK_PLANNED = "interactions.interaction.callback_planned"


class CallNotYetKnown(Exception):
    """The event adds to a call not logged yet (a recording before the call's start)."""


CallKey = tuple[str, str]


def call_key(call: CallEvent) -> CallKey:
    return (call.provider, call.external_id)


@dataclass
class Lookups:
    """What the rules read, loaded once for a batch; the calls' rows are locked."""

    phones: dict[str, Phone]
    users: dict[str, User]
    statuses: dict[tuple[str, str], InteractionStatus]
    logged: dict[CallKey, Interaction]
    plans: list[Interaction] = field(default_factory=list)

    @classmethod
    def load(cls, calls: Sequence[CallEvent]) -> Lookups:
        numbers = {call.client_number_e164 for call in calls} - {None, ""}
        # Routing reads the manager's team, or the client's: one query instead of three.
        phones = Phone.objects.select_related(
            "client__responsible_manager__team", "client__team", "contact"
        )
        extensions = {call.extension for call in calls} - {""}
        users = User.objects.select_related("team").filter(is_active=True)
        statuses = InteractionStatus.objects.filter(is_active=True, code__in=STATUS_CODES)
        lookups = cls(
            phones={phone.number_e164: phone for phone in phones.filter(number_e164__in=numbers)}
            if numbers
            else {},
            users=_by_extension(users.filter(phone_extension__in=extensions)) if extensions else {},
            statuses={(status.kind, status.code): status for status in statuses},
            logged=_lock_logged(calls),
        )
        lookups.plans = _lock_plans(calls, lookups)
        return lookups

    def status(self, kind: str, code: str) -> InteractionStatus | None:
        return self.statuses.get((kind, code))

    def phone(self, call: CallEvent) -> Phone | None:
        return self.phones.get(call.client_number_e164 or "")


def _by_extension(users: Iterable[User]) -> dict[str, User]:
    found: dict[str, User] = {}
    for user in sorted(users, key=lambda user: user.pk):
        found.setdefault(user.phone_extension, user)
    return found


def _lock_calls(keys: Iterable[CallKey]) -> None:
    """Serialise the batches that touch one call, so two workers never log it twice.

    A transaction-level advisory lock a call, taken in one order, so two batches sharing calls
    wait for each other instead of deadlocking. Other databases lock whole tables on write.
    """
    if connection.vendor != "postgresql":
        return
    numbers = sorted(
        {
            int.from_bytes(
                hashlib.blake2b(f"{provider}\n{external_id}".encode(), digest_size=8).digest(),
                "big",
                signed=True,
            )
            for provider, external_id in keys
        }
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(key) FROM unnest(%s::bigint[]) AS key", [numbers]
        )


def _lock_logged(calls: Sequence[CallEvent]) -> dict[CallKey, Interaction]:
    keys = {call_key(call) for call in calls}
    _lock_calls(keys)
    by_provider: dict[str, list[str]] = {}
    for provider, external_id in keys:
        by_provider.setdefault(provider, []).append(external_id)
    condition = Q(pk__in=[])
    for provider, external_ids in by_provider.items():
        condition |= Q(provider=provider, external_id__in=external_ids)
    logged = (
        Interaction.objects.select_for_update(of=("self",))
        .select_related("status")
        .filter(condition)
        .order_by("id")
    )
    return {(row.provider, row.external_id): row for row in logged}


def _route(
    call: CallEvent, client: Client | None, lookups: Lookups
) -> tuple[User | None, Any, bool]:
    """(manager, team, by extension): who answered or dialled, else the client's manager,
    else nobody (the team's queue)."""
    by_extension = lookups.users.get(call.extension) if call.extension else None
    if by_extension and (
        call.direction == CallDirection.OUTGOING or call.outcome == Outcome.ANSWERED
    ):
        return by_extension, by_extension.team, True
    responsible = client.responsible_manager if client else None
    if responsible and responsible.is_active:
        return responsible, responsible.team, False
    return None, client.team if client else None, False


def _window() -> datetime.timedelta:
    return datetime.timedelta(minutes=setting("TELEPHONY_PLANNED_CALL_WINDOW_MINUTES", 240))


def _may_perform_a_plan(call: CallEvent, lookups: Lookups) -> bool:
    return (
        call.direction == CallDirection.OUTGOING
        and call.time is not None
        and call_key(call) not in lookups.logged
    )


def _lock_plans(calls: Sequence[CallEvent], lookups: Lookups) -> list[Interaction]:
    """The planned outgoing calls the batch's outgoing calls may perform, locked, in plan order."""
    candidates = [call for call in calls if _may_perform_a_plan(call, lookups)]
    if not candidates:
        return []
    numbers = {call.to_e164 for call in candidates} - {None, ""}
    clients = {phone.client_id for call in candidates if (phone := lookups.phone(call))}
    times = [call.time for call in candidates if call.time]
    window = _window()
    plans = (
        Interaction.objects.filter(
            Q(phone_e164__in=numbers) | Q(client_id__in=clients),
            kind=Interaction.Kind.OUTGOING_CALL,
            occurred_at__isnull=True,
            external_id="",
            planned_at__range=(min(times) - window, max(times) + window),
        )
        .exclude(status__is_final=True)
        .select_related("status")
        .select_for_update(of=("self",))
        .order_by("planned_at", "id")
    )
    return list(plans)


def _take_plan(call: CallEvent, phone: Phone | None, lookups: Lookups) -> Interaction | None:
    """The planned outgoing call this logged call performs, if one is due around its time."""
    if not _may_perform_a_plan(call, lookups) or call.time is None:
        return None
    window = _window()
    manager, _team, _by_extension = _route(call, phone.client if phone else None, lookups)
    for plan in lookups.plans:
        same_party = (call.to_e164 and plan.phone_e164 == call.to_e164) or (
            phone is not None and plan.client_id == phone.client_id
        )
        if (
            same_party
            and plan.planned_at is not None
            and abs(plan.planned_at - call.time) <= window
            and (manager is None or plan.manager_id in (None, manager.pk))
        ):
            lookups.plans.remove(plan)
            return plan
    return None


def _kind(call: CallEvent) -> str:
    if call.direction == CallDirection.OUTGOING:
        return Interaction.Kind.OUTGOING_CALL
    return Interaction.Kind.INCOMING_CALL


def _automatic_status_code(kind: str, outcome: str) -> str | None:
    if outcome not in NOT_ANSWERED:
        return None
    if kind == Interaction.Kind.INCOMING_CALL:
        return "missed"
    return "wrong_number" if outcome == Outcome.UNALLOCATED else "no_answer"


def _better_outcome(current: str, new: str) -> bool:
    if current == Outcome.ANSWERED:
        return new == Outcome.ANSWERED
    return OUTCOME_RANK.get(new, 0) >= OUTCOME_RANK.get(current, 0) and bool(new)


def _merge_call(interaction: Interaction, call: CallEvent) -> None:
    """Fold one event into the interaction; the order events arrive in does not matter."""
    start = call.time
    if start and (interaction.occurred_at is None or start < interaction.occurred_at):
        interaction.occurred_at = start
    if call.answered_at and not interaction.answered_at:
        interaction.answered_at = call.answered_at
    for name in ("duration_seconds", "talk_seconds"):
        value = getattr(call, name)
        if value is not None and value >= (getattr(interaction, name) or 0):
            setattr(interaction, name, value)
    if _better_outcome(interaction.call_outcome, call.outcome):
        interaction.call_outcome = call.outcome
        interaction.provider_disposition = call.provider_disposition or (
            interaction.provider_disposition
        )
    if call.extension and (
        not interaction.extension
        or call.direction == CallDirection.OUTGOING
        or call.outcome == Outcome.ANSWERED
    ):
        interaction.extension = call.extension
    if call.recording_ref:
        interaction.recording_ref = call.recording_ref
    if not interaction.phone_raw and call.client_number_raw:
        interaction.phone_raw = call.client_number_raw
        interaction.phone_e164 = call.client_number_e164 or ""


def _route_onto(
    interaction: Interaction, call: CallEvent, phone: Phone | None, lookups: Lookups
) -> None:
    if interaction.client_id is None and phone is not None:
        interaction.client, interaction.contact = phone.client, phone.contact
    manager, team, by_extension = _route(call, interaction.client, lookups)
    if interaction.manager_id is None or by_extension:
        interaction.manager = manager
        interaction.team = team or interaction.team
    elif interaction.team_id is None:
        interaction.team = team


def _prefill_status(interaction: Interaction, lookups: Lookups) -> None:
    current = interaction.status
    if current is not None and current.code not in AUTOMATIC_STATUS_CODES:
        return
    code = _automatic_status_code(interaction.kind, interaction.call_outcome)
    unfinished = interaction.call_outcome in ("", Outcome.IN_PROGRESS)
    if code is None and unfinished and current is not None:
        return
    # An answered call starts without a status: it waits in the inbox for the manager's word.
    status = lookups.status(interaction.kind, code) if code else None
    if status != current:
        interaction.status = status
        interaction.status_changed_at = timezone.now()


def _new_interaction(call: CallEvent, phone: Phone | None) -> Interaction:
    if call.direction is None or not (call.has_numbers or phone):
        raise CallNotYetKnown(_("No call with this id has been logged yet."))
    return Interaction(
        kind=_kind(call),
        phone_raw=call.client_number_raw or "anonymous",
        phone_e164=call.client_number_e164 or "",
        source=Interaction.Source.TELEPHONY,
        provider=call.provider,
        external_id=call.external_id,
    )


@dataclass
class Journal:
    """The batch's interactions as the events leave them, and the audit entries they earn."""

    lookups: Lookups
    created: dict[CallKey, Interaction] = field(default_factory=dict)
    changed: dict[CallKey, Interaction] = field(default_factory=dict)
    # (interaction, action, changes) in the order the events happened
    entries: list[tuple[Interaction, str, dict[str, Any]]] = field(default_factory=list)

    def apply(self, call: CallEvent) -> Interaction:
        """Fold one event into its call's interaction; raises CallNotYetKnown."""
        key = call_key(call)
        phone = self.lookups.phone(call)
        interaction = self.created.get(key) or self.changed.get(key) or self.lookups.logged.get(key)
        if interaction is not None:
            action, is_new = UPDATED, False
        elif (interaction := _take_plan(call, phone, self.lookups)) is not None:
            action, is_new = PERFORMED, False
            interaction.source = Interaction.Source.TELEPHONY
            interaction.provider, interaction.external_id = call.provider, call.external_id
        else:
            interaction, action, is_new = _new_interaction(call, phone), LOGGED, True
        before = {} if is_new else snapshot(interaction, TRACKED_FIELDS)
        _merge_call(interaction, call)
        _route_onto(interaction, call, phone, self.lookups)
        _prefill_status(interaction, self.lookups)
        if interaction.occurred_at is None:
            interaction.occurred_at = timezone.now()
        after = snapshot(interaction, TRACKED_FIELDS)
        changes = after if is_new else diff(before, after)
        if changes:
            self.entries.append((interaction, action, changes))
        if is_new:
            self.created[key] = interaction
        elif key not in self.created:
            self.changed[key] = interaction
        return interaction

    def save(self) -> None:
        """Write the batch: the interactions, their call-backs, the audit entries, the clients."""
        Interaction.objects.bulk_create(self.created.values(), batch_size=BULK_SIZE)
        now = timezone.now()
        for interaction in self.changed.values():
            interaction.updated_at = now
            interaction.save()
        callbacks = _callbacks(self)
        AuditEntry.objects.bulk_create(
            [_audit_entry(target, action, changes) for target, action, changes in self.entries]
            + [
                _audit_entry(
                    callback,
                    CALLBACK_PLANNED,
                    {"callback_for": callback.callback_for_id, "manager": callback.manager_id},
                )
                for callback in callbacks
            ],
            batch_size=BULK_SIZE,
        )
        _touch_clients([*self.created.values(), *self.changed.values()])


def _audit_entry(target: Interaction, action: str, changes: dict[str, Any]) -> AuditEntry:
    """What crm_project.core.audit.audit_record writes, for bulk_create (the system acts)."""
    return AuditEntry(
        actor=None,
        action=action,
        object_type=f"{target._meta.app_label}.{target._meta.model_name}",
        object_id=str(target.pk),
        object_repr=str(target)[:255],
        changes=changes,
    )


def _callbacks(journal: Journal) -> list[Interaction]:
    """A missed incoming call gets one call-back task; answered after all, it is cancelled."""
    incoming = [
        (interaction, key in journal.created)
        for key, interaction in [*journal.created.items(), *journal.changed.items()]
        if interaction.kind == Interaction.Kind.INCOMING_CALL
    ]
    missed = [(call, is_new) for call, is_new in incoming if call.call_outcome in NOT_ANSWERED]
    # A call logged in this batch has no call-back yet: only older calls are looked up.
    older = [call.pk for call, is_new in missed if not is_new]
    called_back = (
        set(
            Interaction.objects.filter(callback_for__in=older).values_list(
                "callback_for_id", flat=True
            )
        )
        if older
        else set()
    )
    answered = [
        call.pk for call, is_new in incoming if not is_new and call.call_outcome == Outcome.ANSWERED
    ]
    if answered:
        Interaction.objects.filter(callback_for__in=answered, occurred_at__isnull=True).update(
            status=journal.lookups.status(Interaction.Kind.OUTGOING_CALL, "cancelled"),
            status_changed_at=timezone.now(),
        )
    planned = journal.lookups.status(Interaction.Kind.OUTGOING_CALL, "planned")
    callbacks = [_callback(call, planned) for call, _is_new in missed if call.pk not in called_back]
    return Interaction.objects.bulk_create(callbacks, batch_size=BULK_SIZE)


def _callback(call: Interaction, status: InteractionStatus | None) -> Interaction:
    delay = datetime.timedelta(minutes=setting("TELEPHONY_CALLBACK_DELAY_MINUTES", 15))
    now = timezone.now()
    return Interaction(
        kind=Interaction.Kind.OUTGOING_CALL,
        client=call.client,
        contact=call.contact,
        phone_raw=call.phone_raw,
        phone_e164=call.phone_e164,
        manager=call.manager,
        team=call.team,
        planned_at=(call.answered_at or call.occurred_at or now) + delay,
        subject=_("Call back after a missed call"),
        status=status,
        status_changed_at=now,
        source=Interaction.Source.TELEPHONY,
        callback_for=call,
    )


def _touch_clients(interactions: Iterable[Interaction]) -> None:
    """Move each client's last contact forward to its latest call of the batch."""
    latest: dict[int, datetime.datetime] = {}
    for interaction in interactions:
        if interaction.client_id is None or interaction.occurred_at is None:
            continue
        known = latest.get(interaction.client_id)
        if known is None or interaction.occurred_at > known:
            latest[interaction.client_id] = interaction.occurred_at
    ids = sorted(latest)
    if connection.vendor != "postgresql":
        for client_id in ids:
            Client.objects.filter(pk=client_id).filter(
                Q(last_interaction_at__isnull=True) | Q(last_interaction_at__lt=latest[client_id])
            ).update(last_interaction_at=latest[client_id])
        return
    if not ids:
        return
    # One statement for the batch (the ORM's CASE WHEN would cost more to build than to run).
    # The ids are sorted, so the join visits the rows in id order; were two batches ever to
    # deadlock, PostgreSQL cancels one and its task retries the whole batch.
    table = connection.ops.quote_name(Client._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} AS client SET last_interaction_at = batch.at"  # noqa: S608
            " FROM unnest(%s::bigint[], %s::timestamptz[]) AS batch(id, at)"
            " WHERE client.id = batch.id AND (client.last_interaction_at IS NULL"
            " OR client.last_interaction_at < batch.at)",
            [ids, [latest[client_id] for client_id in ids]],
        )
