"""Drafting the rows in memory: staff, clients with their contacts and phones, the journal."""

from __future__ import annotations

import bisect
import datetime
import math
import random
import zoneinfo
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.utils import timezone

from clients.management.commands.seed_deals import PRODUCTS, SCENARIOS
from clients.models import DealStage, LeadSource
from crm_project.accounts.models import Team, User
from crm_project.core import demo_vocabulary as demo
from crm_project.core.phones import to_e164
from interactions.models import InteractionStatus
from reports.models import Plan

HISTORY_DAYS = demo.HISTORY_DAYS
PROVIDER = "gen-pbx"
MANAGERS_PER_TEAM = 10
UNKNOWN_CALLER_SHARE = 0.03
DEAL_SHARE = 0.2
PROGRESS_EVERY = 200_000
# The demo's mix, as plain strings (report_activity's hand-written SQL compares against them).
KIND_WEIGHTS = {str(kind.value): weight for kind, weight in demo.KIND_WEIGHTS}
PAST_STATUSES = {str(kind.value): weights for kind, weights in demo.PAST_STATUSES.items()}
NOT_TAKEN_PLACE = demo.NOT_TAKEN_PLACE
CALLS = ("incoming_call", "outgoing_call")
PLANNABLE = ("outgoing_call", "meeting")
INTERACTION_COLUMNS = (
    "id, kind, client_id, contact_id, phone_raw, phone_e164, manager_id, team_id, planned_at, "
    "occurred_at, duration_seconds, subject, result, status_id, status_changed_at, source, "
    "provider, external_id, created_by_id, created_at, updated_at, provider_disposition, "
    "call_outcome, answered_at, talk_seconds, recording_ref, extension"
)

# --- time ----------------------------------------------------------------------------------


class Clock:
    """Moments as the demo draws them (working hours, denser recently), as ISO strings."""

    def __init__(self, now: datetime.datetime, zone: zoneinfo.ZoneInfo) -> None:
        self.now = now
        self.now_ts = now.timestamp()
        today = timezone.localtime(now, zone).date()
        self.today = today
        self.zone = zone
        # Midnight of each day from today back (and two weeks ahead), as epoch seconds.
        self.midnights = {
            offset: datetime.datetime.combine(
                today - datetime.timedelta(days=offset), datetime.time(), tzinfo=zone
            ).timestamp()
            for offset in range(-15, HISTORY_DAYS + 8)
        }

    def _working(self, rng: random.Random, offset: int) -> float:
        day = self.today - datetime.timedelta(days=offset)
        if day.weekday() >= 5 and rng.random() < 0.9:
            offset += day.weekday() - 4
        return self.midnights[offset] + rng.randint(9, 18) * 3600 + rng.randrange(0, 60, 5) * 60

    def past(self, rng: random.Random) -> float:
        fraction = rng.random() if rng.random() < 0.6 else 1 - math.sqrt(rng.random())
        return min(self._working(rng, int(fraction * HISTORY_DAYS)), self.now_ts - 300)

    def ahead(self, rng: random.Random, min_days: int, max_days: int) -> float:
        return self._working(rng, -rng.randint(min_days, max_days))


def iso(timestamp: float | None) -> str | None:
    if timestamp is None:
        return None
    return datetime.datetime.fromtimestamp(timestamp, datetime.UTC).isoformat()


# --- the plan of the data ----------------------------------------------------------------


@dataclass
class Options:
    clients: int
    interactions: int
    managers: int = 0  # 0: one per 500 clients, at least 3, at most 200
    seed: int = 2026
    password: str | None = None
    progress: Callable[[str], None] = print

    def __post_init__(self) -> None:
        if not self.managers:
            self.managers = max(3, min(200, self.clients // 500))


@dataclass
class Staff:
    teams: list[int]
    supervisors: list[int]
    managers: list[int]  # user ids
    team_of: dict[int, int]
    extension_of: dict[int, str]
    operator: int
    lead_sources: list[int]


@dataclass
class ClientRow:
    id: int
    manager: int | None
    team: int
    created_by: int
    contacts: list[int] = field(default_factory=list)
    # (contact id or None, number as typed, E.164)
    phones: list[tuple[int | None, str, str]] = field(default_factory=list)
    last_interaction: float | None = None
    first_interaction: float | None = None


class Generator:
    def __init__(self, options: Options) -> None:
        self.options = options
        self.rng = random.Random(options.seed)
        self.zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
        self.clock = Clock(timezone.now(), self.zone)
        self.used_numbers: set[str] = set()
        self.statuses = {(s.kind, s.code): s for s in InteractionStatus.objects.all()}
        self.say = options.progress
        self.counters = {"contact": 0, "phone": 0, "email": 0}
        self.phone_rows: list[tuple] = []
        self.email_rows: list[tuple] = []

    # Staff ----------------------------------------------------------------------------------

    def staff(self) -> Staff:
        """Teams of ten managers with a supervisor each, an operator; kept across regenerations."""
        count = self.options.managers
        password = make_password(self.options.password) if self.options.password else None
        team_count = max(1, math.ceil(count / MANAGERS_PER_TEAM))
        teams = [
            Team.objects.get_or_create(name=f"Sales team {n + 1:02d}")[0] for n in range(team_count)
        ]
        taken = set(
            User.objects.exclude(phone_extension="").values_list("phone_extension", flat=True)
        )
        people = [("gen-operator", User.Role.OPERATOR, None, "")]
        for n, team in enumerate(teams):
            people.append((f"gen-supervisor-{n + 1:02d}", User.Role.SUPERVISOR, team, ""))
        for n in range(count):
            extension = f"{5000 + n}"
            people.append(
                (
                    f"gen-manager-{n + 1:03d}",
                    User.Role.MANAGER,
                    teams[n // MANAGERS_PER_TEAM],
                    "" if extension in taken else extension,
                )
            )
        users = []
        for username, role, team, extension in people:
            rng = random.Random(f"{self.options.seed}:user:{username}")
            last_name, first_name, _middle = demo.russian_name(rng)
            user, created = User.objects.get_or_create(
                username=username,
                defaults={
                    "role": role,
                    "team": team,
                    "first_name": first_name,
                    "last_name": last_name,
                    "email": f"{username}@crm.example.com",
                    "phone_extension": extension,
                    "password": password or make_password(None),
                },
            )
            if password and not created:
                User.objects.filter(pk=user.pk).update(password=password)
            users.append(user)
        managers = [user for user in users if user.role == User.Role.MANAGER]
        lead_sources = [
            LeadSource.objects.get_or_create(name=name, defaults={"position": n * 10})[0].pk
            for n, name in enumerate(demo.LEAD_SOURCES)
        ]
        return Staff(
            teams=[team.pk for team in teams],
            supervisors=[u.pk for u in users if u.role == User.Role.SUPERVISOR],
            managers=[m.pk for m in managers],
            team_of={m.pk: m.team_id for m in managers},
            extension_of={m.pk: m.phone_extension for m in managers},
            operator=users[0].pk,
            lead_sources=lead_sources,
        )

    # Clients, contacts, phones, e-mails ------------------------------------------------------

    def phone(self, rng: random.Random, country: str, mobile: bool) -> tuple[str, str] | None:
        for _attempt in range(5):
            raw = demo.ru_number(rng, mobile) if country == "RU" else None
            raw = raw or demo.foreign_number(rng, country)
            try:
                e164 = to_e164(raw)
            except ValidationError:
                continue  # a spelling phonenumbers rejects: draw another
            if e164 not in self.used_numbers:
                self.used_numbers.add(e164)
                return raw, e164
        return None

    def clients(self, staff: Staff) -> tuple[list[ClientRow], list[tuple], list[tuple], list]:
        """Client rows (written later, with their last contact), contacts, phones, e-mails."""
        clients: list[ClientRow] = []
        client_rows: list[list] = []
        contacts: list[tuple] = []
        names: set[str] = set()
        for index in range(self.options.clients):
            rng = random.Random(f"{self.options.seed}:client:{index}")
            roll = rng.random()
            country = "RU" if roll < 0.88 else rng.choice(list(demo.FOREIGN))
            is_person = country == "RU" and roll < 0.3
            manager = rng.choice([*staff.managers, *staff.managers, None])
            team = staff.team_of[manager] if manager else rng.choice(staff.teams)
            created_by = manager if manager and rng.random() < 0.7 else staff.operator
            row = ClientRow(index + 1, manager, team, created_by)
            people = []
            if is_person:
                people.append((*demo.russian_name(rng), ""))
                domain = ""
                name = " ".join(p for p in people[0][:3] if p)
            else:
                name, domain = demo.company_name(rng, country)
                for _n in range(rng.choices([1, 2, 3], weights=[50, 35, 15])[0]):
                    people.append(self.person(rng, country))
            while name in names:
                name = f"{name} ({rng.choice(demo.CITIES[country])})"
            names.add(name)

            if domain:
                self.add_phone(row, rng, country, None, mobile=False)
                self.add_email(row, None, "info", domain)
            for position, (last, first, middle, job) in enumerate(people):
                self.counters["contact"] += 1
                contact = self.counters["contact"]
                contacts.append((contact, row.id, last, first, middle, job, position == 0))
                row.contacts.append(contact)
                for _n in range(1 if domain else rng.choice([1, 1, 2])):
                    self.add_phone(row, rng, country, contact, mobile=True)
                if rng.random() < 0.8:
                    host = domain or rng.choice(["mail.example.com", "inbox.example.org"])
                    self.add_email(row, contact, demo.translit(first)[:1] or "x", host)
            status = rng.choices(["prospect", "active", "inactive"], weights=[30, 55, 15])[0]
            source = rng.choice(staff.lead_sources)
            kind = "person" if is_person else "company"
            client_rows.append([row.id, kind, name, status, manager, team, source, created_by])
            clients.append(row)
        self.client_rows = client_rows
        return clients, contacts, self.phone_rows, self.email_rows

    def add_phone(
        self, row: ClientRow, rng: random.Random, country: str, contact: int | None, mobile: bool
    ) -> None:
        number = self.phone(rng, country, mobile)
        if number:
            self.counters["phone"] += 1
            kind = "mobile" if mobile else "work"
            self.phone_rows.append((self.counters["phone"], row.id, contact, *number, kind))
            row.phones.append((contact, *number))

    def add_email(self, row: ClientRow, contact: int | None, local: str, host: str) -> None:
        # The id in the address keeps addresses unique (two "a." at one company's domain).
        self.counters["email"] += 1
        address = f"{local}.{self.counters['email']}@{host}".lower()
        self.email_rows.append((self.counters["email"], row.id, contact, address))

    def person(self, rng: random.Random, country: str) -> tuple[str, str, str, str]:
        if country == "RU":
            last, first, middle = demo.russian_name(rng)
            return last, first, middle, rng.choice(demo.POSITIONS)
        last_names, first_names = demo.FOREIGN_PEOPLE[country]
        job = rng.choice(demo.FOREIGN_POSITIONS)
        return rng.choice(last_names), rng.choice(first_names), "", job

    # The journal ------------------------------------------------------------------------------

    def journal(self, staff: Staff, clients: list[ClientRow]) -> list[tuple]:
        """Every interaction, oldest entry first, with ids in that order (as a live journal)."""
        rng = self.rng
        total = self.options.interactions
        unknown = round(total * UNKNOWN_CALLER_SHARE) if clients else total
        known = total - unknown
        # Each client's share of the journal varies (0.2x to 1.8x the mean), as in the demo.
        weights = [rng.uniform(0.2, 1.8) for _client in clients]
        cumulative = list(_accumulate(weights))
        kinds, kind_weights = list(KIND_WEIGHTS), list(KIND_WEIGHTS.values())
        rows: list[tuple] = []
        for number in range(known):
            client = clients[bisect.bisect(cumulative, rng.random() * cumulative[-1])]
            kind = rng.choices(kinds, kind_weights)[0]
            rows.append(self.interaction(rng, staff, kind, client))
            if number and number % PROGRESS_EVERY == 0:
                self.say(f"  drafted {number:,} interactions")
        for _number in range(unknown):
            rows.append(self.unknown_caller(rng, staff))
        rows.sort(key=lambda row: row[0])
        self.say(f"  drafted {len(rows):,} interactions")
        return rows

    def interaction(self, rng: random.Random, staff: Staff, kind: str, client: ClientRow) -> tuple:
        manager = client.manager
        if manager is None or rng.random() < 0.15:
            manager = rng.choice(staff.managers)
        contact = rng.choice(client.contacts) if client.contacts and rng.random() < 0.8 else None
        when = self.clock.past(rng)
        planned = occurred = duration = None
        if kind in PLANNABLE and rng.random() < 0.1:
            # A planned call or meeting: mostly ahead, some overdue.
            if rng.random() < 0.75:
                when = self.clock.ahead(rng, 1, 14)
            code, planned = "planned", when
        else:
            code = demo.pick(rng, PAST_STATUSES[kind])
            planned = when if kind == "meeting" else None
            occurred = None if code in NOT_TAKEN_PLACE else when
        phone_raw = phone_e164 = ""
        source, provider, call = "manual", "", None
        if kind in CALLS:
            if occurred and code not in ("missed", "no_answer"):
                duration = rng.randint(20, 900)
            phones = [p for p in client.phones if contact is None or p[0] in (None, contact)]
            if phones:
                phone_raw, phone_e164 = phones[0][1], phones[0][2]
                if occurred and rng.random() < 0.6:
                    source, provider, phone_raw = "telephony", PROVIDER, phone_e164
                    call = staff.extension_of[manager]
        elif kind == "meeting" and occurred:
            duration = rng.randrange(1800, 7201, 900)
        if occurred and (client.last_interaction is None or occurred > client.last_interaction):
            client.last_interaction = occurred
        moment = occurred or planned
        if client.first_interaction is None or moment < client.first_interaction:
            client.first_interaction = moment
        return self.row(
            rng, kind, code, client.id, contact, manager, staff.team_of[manager], planned,
            occurred, duration, phone_raw, phone_e164, source, provider, call,
        )  # fmt: skip

    def unknown_caller(self, rng: random.Random, staff: Staff) -> tuple:
        number = None
        while number is None:
            number = self.phone(rng, "RU", mobile=rng.random() < 0.7)
        code = demo.pick(rng, demo.UNKNOWN_CALLER_STATUSES)
        team = rng.choice(staff.teams)
        members = [m for m in staff.managers if staff.team_of[m] == team] or staff.managers
        # A missed call from an unknown number waits in the team's queue, with no manager.
        manager = None if code == "missed" else rng.choice(members)
        duration = None if code == "missed" else rng.randint(5, 240)
        extension = staff.extension_of[manager] if manager else ""
        return self.row(
            rng, "incoming_call", code, None, None, manager, team, None, self.clock.past(rng),
            duration, number[0], number[1], "telephony", PROVIDER, extension,
            subject="Звонок с неизвестного номера",  # noqa: RUF001 - the demo's Russian data
        )  # fmt: skip

    def row(
        self, rng: random.Random, kind: str, code: str, client: int | None, contact: int | None,
        manager: int | None, team: int, planned: float | None, occurred: float | None,
        duration: int | None, phone_raw: str, phone_e164: str, source: str, provider: str,
        extension: str | None, subject: str | None = None,
    ) -> tuple:  # fmt: skip
        """One journal row, its entry moment first (the sort key; replaced by the id later)."""
        status = self.statuses.get((kind, code))
        moment = occurred or planned
        result = ""
        if status and (status.requires_result or (code == "completed" and rng.random() < 0.5)):
            result = rng.choice(demo.RESULTS)
        if code == "not_held" and result:
            result = "Клиент не пришёл, встреча перенесена"
        # Entered when it happened; a task a few days before it is due.
        entered = occurred if occurred else min(planned - 3 * 86400, self.clock.now_ts)
        outcome = disposition = ""
        answered = talk = None
        if source == "telephony":
            answered_call = bool(duration)
            outcome = "answered" if answered_call else "missed"
            disposition = "ANSWERED" if answered_call else "NO ANSWER"
            answered = occurred if answered_call else None
            talk = duration if answered_call else 0
        return (
            entered, kind, client, contact, phone_raw, phone_e164, manager, team, iso(planned),
            iso(occurred), duration, subject or rng.choice(demo.SUBJECTS[kind]), result,
            status.pk if status else None,
            iso(min(moment, self.clock.now_ts)) if status else None,
            source, provider, manager, iso(entered), iso(entered), disposition, outcome,
            iso(answered), talk, "", extension or "",
        )  # fmt: skip

    # Deals and plans -------------------------------------------------------------------------

    def deals(self, clients: list[ClientRow]) -> tuple[list[tuple], list[tuple]]:
        stages = {stage.code: stage for stage in DealStage.objects.all()}
        rng = random.Random(f"{self.options.seed}:deals")
        deals: list[tuple] = []
        changes: list[tuple] = []
        now = self.clock.now_ts
        for client in clients:
            if client.manager is None or not client.contacts or rng.random() >= DEAL_SHARE:
                continue
            codes, days_in_last = rng.choice(SCENARIOS)
            last = stages[codes[-1]]
            closed = last.is_won or last.is_lost
            # Open deals are recent; closed ones anywhere in the history.
            end = now - days_in_last * 86400 - rng.randint(0, 300 if closed else 20) * 86400
            moments = [end]
            for _code in codes[:-1]:
                moments.insert(0, moments[0] - rng.randint(2, 6) * 86400)
            deal_id = len(deals) + 1
            due = last.due_at(datetime.datetime.fromtimestamp(end, datetime.UTC))
            state = ("won" if last.is_won else "lost") if closed else "open"
            deals.append(
                (
                    deal_id, client.id, client.manager,
                    f"Deal #{client.id}: {rng.choice(PRODUCTS)}",
                    Decimal(rng.randrange(50, 5000) * 1000), "RUB", last.pk, state,
                    datetime.date.fromtimestamp(now + rng.randint(5, 60) * 86400),
                    "Too expensive" if last.is_lost else "", iso(end) if closed else None,
                    iso(end), due.isoformat() if due else None, client.manager,
                    iso(moments[0]), iso(end),
                )
            )  # fmt: skip
            previous = None
            for code, moment in zip(codes, moments, strict=True):
                changes.append(
                    (deal_id, previous, stages[code].pk, client.manager, iso(moment), False, "")
                )
                previous = stages[code].pk
        return deals, changes

    def plans(self, staff: Staff) -> int:
        month = self.clock.today.replace(day=1)
        plans = []
        supervisor_of = {}
        for supervisor in User.objects.filter(pk__in=staff.supervisors):
            supervisor_of[supervisor.team_id] = supervisor.pk
        for _step in range(14):
            for manager in staff.managers:
                rng = random.Random(f"{self.options.seed}:plan:{manager}:{month}")
                plans.append(
                    Plan(
                        manager_id=manager,
                        month=month,
                        created_by_id=supervisor_of.get(staff.team_of[manager]),
                        **demo.plan_targets(rng),
                    )
                )
            month = (month - datetime.timedelta(days=1)).replace(day=1)
        Plan.objects.bulk_create(plans, batch_size=1000, ignore_conflicts=True)
        return len(plans)


def _accumulate(values: list[float]) -> Iterator[float]:
    total = 0.0
    for value in values:
        total += value
        yield total
