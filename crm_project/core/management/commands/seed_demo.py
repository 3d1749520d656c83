# Russian demo data (Cyrillic is intended) in word lists that read best as one string each.
# ruff: noqa: RUF001
"""Demo data: one sales team, a few hundred clients and 14 months of journal.

Idempotent: every row has a stable key (a username, a lead source or client name, a phone number,
an e-mail address, a manager's month, an unknown caller's number) and only missing rows are
inserted, so a second run creates and changes nothing. The data is drawn from random generators
seeded per client, so client N is the same whatever the requested sizes are.

Rows are bulk-inserted: this is generated history, not user actions, so it bypasses the services
(and their audit entries) but respects every model constraint.
"""

from __future__ import annotations

import datetime
import importlib
import math
import random
import secrets
import zoneinfo
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from clients.models import Client, Consent, ConsentSource, ContactPerson, Email, LeadSource, Phone
from crm_project.accounts.models import Team, User
from crm_project.core.demo_vocabulary import (
    CITIES,
    FOREIGN,
    FOREIGN_PEOPLE,
    FOREIGN_POSITIONS,
    HISTORY_DAYS,
    KIND_WEIGHTS,
    LEAD_SOURCES,
    NOT_TAKEN_PLACE,
    PAST_STATUSES,
    POSITIONS,
    RESULTS,
    SUBJECTS,
    UNKNOWN_CALLER_STATUSES,
    company_name,
    foreign_number,
    pick,
    plan_targets,
    ru_number,
    russian_name,
    translit,
)
from crm_project.core.phones import to_e164
from interactions.models import Interaction, InteractionStatus
from interactions.telephony.events import Outcome
from reports.models import Plan

TEAM_NAME = "Moscow sales"
# (username, role, first name, last name, phone extension)
USERS = [
    ("supervisor", User.Role.SUPERVISOR, "Ольга", "Смирнова", "100"),
    ("manager1", User.Role.MANAGER, "Алексей", "Кузнецов", "101"),
    ("manager2", User.Role.MANAGER, "Мария", "Соколова", "102"),
    ("manager3", User.Role.MANAGER, "Дмитрий", "Орлов", "103"),
    ("operator", User.Role.OPERATOR, "Светлана", "Павлова", ""),
    ("admin", User.Role.ADMIN, "Игорь", "Лебедев", ""),
]
PROVIDER = "demo-pbx"


@dataclass
class ClientDraft:
    client: Client
    rng: random.Random
    country: str
    contacts: list[ContactPerson] = field(default_factory=list)
    phones: list[Phone] = field(default_factory=list)
    emails: list[Email] = field(default_factory=list)
    interactions: list[Interaction] = field(default_factory=list)


class Command(BaseCommand):
    help = "Load demo users, clients and 14 months of interactions (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--password", help="Set this password for every demo user.")
        parser.add_argument("--clients", type=int, default=300, help="Clients (default 300).")
        parser.add_argument(
            "--interactions", type=int, default=6000, help="Interactions (default 6000)."
        )
        parser.add_argument("--seed", type=int, default=2026, help="Random seed (default 2026).")

    def handle(self, *args: Any, **options: Any) -> None:
        self.seed = options["seed"]
        self.now = timezone.now()
        self.tz = zoneinfo.ZoneInfo(settings.TIME_ZONE)
        self.used_numbers: set[str] = set()
        self.used_addresses: set[str] = set()
        with transaction.atomic():
            team, _created = Team.objects.get_or_create(name=TEAM_NAME)
            logins = self.ensure_users(team, options["password"])
            users = {user.username: user for user, _shown in logins}
            self.managers = [users["manager1"], users["manager2"], users["manager3"]]
            self.team = team
            self.operator = users["operator"]
            self.lead_sources = self.ensure_lead_sources()
            self.statuses = {(s.kind, s.code): s for s in InteractionStatus.objects.all()}
            plans = self.ensure_plans(users["supervisor"])
            counts = self.ensure_clients(options["clients"], options["interactions"])
            counts["unknown callers"] = self.ensure_unknown_callers(options["interactions"])
            call_command("seed_deals", stdout=self.stdout)
        created = ", ".join(f"{count} {name}" for name, count in counts.items())
        self.stdout.write(f"Demo data: created {created}, {plans} plans.")
        self.print_logins(logins)

    # Users, lead sources, plans -----------------------------------------------------------

    def ensure_users(self, team: Team, password: str | None) -> list[tuple[User, str]]:
        logins = []
        for username, role, first_name, last_name, extension in USERS:
            is_admin = role == User.Role.ADMIN
            user, created = User.objects.get_or_create(
                username=username,
                defaults={
                    "role": role,
                    "first_name": first_name,
                    "last_name": last_name,
                    "email": f"{username}@crm.example.com",
                    "team": team if role in (User.Role.MANAGER, User.Role.SUPERVISOR) else None,
                    "is_staff": is_admin,
                    "is_superuser": is_admin,
                    "phone_extension": (
                        extension
                        if extension and not User.objects.filter(phone_extension=extension).exists()
                        else ""
                    ),
                },
            )
            if password:
                # Checked first so that a second run leaves the stored hash alone.
                if created or not user.check_password(password):
                    user.set_password(password)
                    user.save(update_fields=["password"])
                shown = password
            elif created:
                shown = secrets.token_urlsafe(9)
                user.set_password(shown)
                user.save(update_fields=["password"])
            else:
                shown = "(unchanged: run with --password to reset)"
            logins.append((user, shown))
        return logins

    def ensure_lead_sources(self) -> list[LeadSource]:
        # The names per language are the ones the data migration gives the same sources
        # when they already exist; a fresh demo creates them after that migration ran.
        translations = importlib.import_module(
            "clients.migrations.0006_seed_picklist_name_translations"
        ).LEAD_SOURCES
        return [
            LeadSource.objects.get_or_create(
                name=name,
                defaults={
                    "position": position * 10,
                    "name_translations": translations.get(name, {}),
                },
            )[0]
            for position, name in enumerate(LEAD_SOURCES)
        ]

    def ensure_plans(self, supervisor: User) -> int:
        month = timezone.localdate().replace(day=1)
        months = []
        for _step in range(14):
            months.append(month)
            month = (month - datetime.timedelta(days=1)).replace(day=1)
        existing = set(
            Plan.objects.filter(manager__in=self.managers).values_list("manager_id", "month")
        )
        plans = []
        for manager in self.managers:
            for month in months:
                if (manager.pk, month) in existing:
                    continue
                rng = random.Random(f"{self.seed}:plan:{manager.username}:{month}")
                plans.append(
                    Plan(manager=manager, month=month, created_by=supervisor, **plan_targets(rng))
                )
        Plan.objects.bulk_create(plans)
        return len(plans)

    # Clients and their journal --------------------------------------------------------------

    def ensure_clients(self, count: int, interactions: int) -> dict[str, int]:
        per_client = interactions * 0.97 / max(count, 1)
        drafts, names = [], set()
        for index in range(count):
            draft = self.draft_client(index, names)
            names.add(draft.client.name)
            self.draft_interactions(draft, round(per_client * draft.rng.uniform(0.2, 1.8)), index)
            drafts.append(draft)
        existing = set(self.existing(Client.objects, "name", names))
        drafts = [draft for draft in drafts if draft.client.name not in existing]
        if not drafts:
            return {"clients": 0, "contacts": 0, "phones": 0, "e-mails": 0, "interactions": 0}

        for draft in drafts:
            occurred = [i.occurred_at for i in draft.interactions if i.occurred_at]
            draft.client.last_interaction_at = max(occurred, default=None)
        Client.objects.bulk_create([draft.client for draft in drafts], batch_size=500)
        # bulk_create fills each row's foreign key from the parent saved just before.
        contacts = [contact for draft in drafts for contact in draft.contacts]
        ContactPerson.objects.bulk_create(contacts, batch_size=500)
        phones = self.only_new(
            [phone for draft in drafts for phone in draft.phones], Phone, "number_e164"
        )
        emails = self.only_new(
            [email for draft in drafts for email in draft.emails], Email, "address"
        )
        Phone.objects.bulk_create(phones, batch_size=500)
        Email.objects.bulk_create(emails, batch_size=500)
        journal = [interaction for draft in drafts for interaction in draft.interactions]
        self.insert_journal(journal)
        # created_at is auto_now_add: backdate it after the insert so the history is plausible.
        for draft in drafts:
            first = min(
                (i.occurred_at or i.planned_at for i in draft.interactions), default=None
            ) or self.moment(draft.rng)
            draft.client.created_at = first - datetime.timedelta(days=draft.rng.randint(1, 20))
        Client.objects.bulk_update([draft.client for draft in drafts], ["created_at"], 200)
        return {
            "clients": len(drafts),
            "contacts": len(contacts),
            "phones": len(phones),
            "e-mails": len(emails),
            "interactions": len(journal),
        }

    def draft_client(self, index: int, taken_names: set[str]) -> ClientDraft:
        rng = random.Random(f"{self.seed}:client:{index}")
        roll = rng.random()
        country = "RU" if roll < 0.88 else rng.choice(list(FOREIGN))
        kind = Client.Kind.PERSON if country == "RU" and roll < 0.3 else Client.Kind.COMPANY
        manager = rng.choice([*self.managers, *self.managers, None])
        client = Client(
            kind=kind,
            name="",
            status=rng.choices(list(Client.Status.values), weights=[30, 55, 15])[0],
            responsible_manager=manager,
            team=self.team,
            lead_source=rng.choice(self.lead_sources),
            created_by=manager if manager and rng.random() < 0.7 else self.operator,
        )
        draft = ClientDraft(client=client, rng=rng, country=country)
        if kind == Client.Kind.PERSON:
            person = self.draft_person(draft, is_primary=True)
            client.name = person.full_name
            while client.name in taken_names:
                person.last_name, person.first_name, person.middle_name = russian_name(rng)
                client.name = person.full_name
        else:
            client.name, domain = company_name(rng, country)
            while client.name in taken_names:
                client.name = f"{client.name} ({rng.choice(CITIES[country])})"
            self.add_phone(draft, None, mobile=False)
            self.add_email(draft, None, f"info@{domain}")
            for position in range(rng.choices([1, 2, 3], weights=[50, 35, 15])[0]):
                contact = self.draft_person(draft, is_primary=position == 0, domain=domain)
                contact.position = rng.choice(POSITIONS if country == "RU" else FOREIGN_POSITIONS)
        return draft

    def draft_person(
        self, draft: ClientDraft, *, is_primary: bool, domain: str = ""
    ) -> ContactPerson:
        rng = draft.rng
        if draft.country == "RU":
            last_name, first_name, middle_name = russian_name(rng)
        else:
            last_names, first_names = FOREIGN_PEOPLE[draft.country]
            last_name, first_name, middle_name = rng.choice(last_names), rng.choice(first_names), ""
        contact = ContactPerson(
            client=draft.client,
            last_name=last_name,
            first_name=first_name,
            middle_name=middle_name,
            is_primary=is_primary,
            created_by=draft.client.created_by,
        )
        draft.contacts.append(contact)
        for _phone in range(1 if domain else rng.choice([1, 1, 2])):
            self.add_phone(draft, contact, mobile=True)
        if rng.random() < 0.8:
            local = f"{translit(first_name)[:1]}.{translit(last_name)}"
            host = domain or rng.choice(["mail.example.com", "inbox.example.org"])
            self.add_email(draft, contact, f"{local}@{host}")
        return contact

    def add_phone(self, draft: ClientDraft, contact: ContactPerson | None, mobile: bool) -> None:
        rng = draft.rng
        for _attempt in range(5):
            if draft.country == "RU":
                raw = ru_number(rng, mobile)
            else:
                raw = foreign_number(rng, draft.country)
            try:
                e164 = to_e164(raw)
            except ValidationError:
                continue
            if e164 not in self.used_numbers:
                break
        else:
            return
        self.used_numbers.add(e164)
        phone = Phone(
            client=draft.client,
            contact=contact,
            number_raw=raw,
            number_e164=e164,
            kind=Phone.Kind.MOBILE if mobile else Phone.Kind.WORK,
        )
        if rng.random() < 0.1:
            self.set_consent(phone, rng, Consent.GIVEN, ConsentSource.CALL)
        draft.phones.append(phone)

    def add_email(self, draft: ClientDraft, contact: ContactPerson | None, address: str) -> None:
        address = address.lower()
        if address in self.used_addresses:
            local, _at, host = address.partition("@")
            address = f"{local}{draft.rng.randint(2, 999)}@{host}"
            if address in self.used_addresses:
                return
        self.used_addresses.add(address)
        email = Email(client=draft.client, contact=contact, address=address)
        roll = draft.rng.random()
        if roll < 0.35:
            source = draft.rng.choice(
                [ConsentSource.WEB_FORM, ConsentSource.PAPER, ConsentSource.MEETING]
            )
            self.set_consent(email, draft.rng, Consent.GIVEN, source)
        elif roll < 0.4:
            self.set_consent(email, draft.rng, Consent.WITHDRAWN, ConsentSource.UNSUBSCRIBE_LINK)
        draft.emails.append(email)

    def set_consent(self, row: Phone | Email, rng: random.Random, state: str, source: str) -> None:
        row.consent, row.consent_source, row.consent_at = state, source, self.moment(rng)

    def draft_interactions(self, draft: ClientDraft, count: int, index: int) -> None:
        rng = draft.rng
        for number in range(count):
            kind = rng.choices(*zip(*KIND_WEIGHTS, strict=True))[0]
            manager = draft.client.responsible_manager
            if manager is None or rng.random() < 0.15:
                manager = rng.choice(self.managers)
            contact = rng.choice(draft.contacts) if draft.contacts and rng.random() < 0.8 else None
            phones = [p for p in draft.phones if contact is None or p.contact in (None, contact)]
            interaction = self.draft_interaction(rng, kind, manager, phones[:1])
            interaction.client, interaction.contact = draft.client, contact
            if interaction.source == Interaction.Source.TELEPHONY:
                interaction.external_id = f"demo-{self.seed}-{index}-{number}"
            draft.interactions.append(interaction)

    def draft_interaction(
        self, rng: random.Random, kind: str, manager: User, phones: Sequence[Phone]
    ) -> Interaction:
        when = self.moment(rng)
        interaction = Interaction(
            kind=kind,
            manager=manager,
            team=manager.team or self.team,
            subject=rng.choice(SUBJECTS[kind]),
            created_by=manager,
        )
        plannable = kind in (Interaction.Kind.OUTGOING_CALL, Interaction.Kind.MEETING)
        if plannable and rng.random() < 0.1:
            # A planned call or meeting: mostly ahead, some overdue.
            if rng.random() < 0.75:
                when = self.working_time(rng, timezone.localtime(self.now, self.tz).date(), 1, 14)
            code = "planned"
            interaction.planned_at = when
        else:
            code = pick(rng, PAST_STATUSES[kind])
            interaction.planned_at = when if kind == Interaction.Kind.MEETING else None
            interaction.occurred_at = None if code in NOT_TAKEN_PLACE else when
        self.set_status(interaction, rng, code)
        if kind in (Interaction.Kind.INCOMING_CALL, Interaction.Kind.OUTGOING_CALL):
            if interaction.occurred_at and code not in ("missed", "no_answer"):
                interaction.duration_seconds = rng.randint(20, 900)
            if phones:
                # The phone system reports E.164; a manager types the number the way it is saved.
                interaction.phone_e164 = phones[0].number_e164
                interaction.phone_raw = phones[0].number_raw
                if interaction.occurred_at and rng.random() < 0.6:
                    interaction.source, interaction.provider = (
                        Interaction.Source.TELEPHONY,
                        PROVIDER,
                    )
                    interaction.phone_raw = phones[0].number_e164
                    self.set_call_details(interaction)
        elif kind == Interaction.Kind.MEETING and interaction.occurred_at:
            interaction.duration_seconds = rng.randrange(1800, 7201, 900)
        return interaction

    @staticmethod
    def set_call_details(interaction: Interaction) -> None:
        """What the phone system reports about a call: outcome, talk time, extension."""
        answered = bool(interaction.duration_seconds)
        interaction.call_outcome = Outcome.ANSWERED if answered else Outcome.MISSED
        interaction.provider_disposition = "ANSWERED" if answered else "NO ANSWER"
        interaction.answered_at = interaction.occurred_at if answered else None
        interaction.talk_seconds = interaction.duration_seconds if answered else 0
        interaction.extension = interaction.manager.phone_extension if interaction.manager else ""

    def set_status(self, interaction: Interaction, rng: random.Random, code: str) -> None:
        status = self.statuses.get((interaction.kind, code))
        interaction.status = status
        moment = interaction.occurred_at or interaction.planned_at
        interaction.status_changed_at = min(moment, self.now) if status else None
        if status and (status.requires_result or (code == "completed" and rng.random() < 0.5)):
            interaction.result = rng.choice(RESULTS)
        if code == "not_held" and interaction.result:
            interaction.result = "Клиент не пришёл, встреча перенесена"

    def ensure_unknown_callers(self, interactions: int) -> int:
        drafts = []
        for index in range(max(interactions * 3 // 100, 1 if interactions else 0)):
            rng = random.Random(f"{self.seed}:unknown:{index}")
            raw = ru_number(rng, mobile=rng.random() < 0.7)
            e164 = to_e164(raw)
            if e164 in self.used_numbers:
                continue
            self.used_numbers.add(e164)
            code = pick(rng, UNKNOWN_CALLER_STATUSES)
            # A missed call from an unknown number waits in the team's queue, with no manager.
            manager = None if code == "missed" else rng.choice(self.managers)
            interaction = Interaction(
                kind=Interaction.Kind.INCOMING_CALL,
                phone_raw=raw,
                phone_e164=e164,
                manager=manager,
                team=self.team,
                occurred_at=self.moment(rng),
                duration_seconds=None if code == "missed" else rng.randint(5, 240),
                subject="Звонок с неизвестного номера",
                source=Interaction.Source.TELEPHONY,
                provider=PROVIDER,
                external_id=f"demo-{self.seed}-unknown-{index}",
                created_by=manager,
            )
            self.set_status(interaction, rng, code)
            self.set_call_details(interaction)
            drafts.append(interaction)
        numbers = [interaction.phone_e164 for interaction in drafts]
        known = set(
            self.existing(Interaction.objects.filter(client__isnull=True), "phone_e164", numbers)
        )
        known |= set(self.existing(Phone.objects, "number_e164", numbers))
        journal = [interaction for interaction in drafts if interaction.phone_e164 not in known]
        self.insert_journal(journal)
        return len(journal)

    def insert_journal(self, journal: list[Interaction]) -> None:
        Interaction.objects.bulk_create(journal, batch_size=1000)
        # Backdate "entered at" (auto_now_add) to when the interaction was logged.
        ids = [interaction.pk for interaction in journal]
        for start in range(0, len(ids), 500):
            chunk = Interaction.objects.filter(pk__in=ids[start : start + 500])
            chunk.filter(occurred_at__isnull=False).update(created_at=F("occurred_at"))
            chunk.filter(occurred_at__isnull=True, planned_at__lt=self.now).update(
                created_at=F("planned_at") - datetime.timedelta(days=3)
            )

    # Helpers ------------------------------------------------------------------------------------

    def moment(self, rng: random.Random) -> datetime.datetime:
        """A working-hours moment in the past 14 months, denser recently (the business grows)."""
        fraction = rng.random() if rng.random() < 0.6 else 1 - math.sqrt(rng.random())
        today = timezone.localtime(self.now, self.tz).date()
        day = today - datetime.timedelta(days=int(fraction * HISTORY_DAYS))
        return min(self.working_time(rng, day, 0, 0), self.now - datetime.timedelta(minutes=5))

    def working_time(
        self, rng: random.Random, day: datetime.date, min_days: int, max_days: int
    ) -> datetime.datetime:
        day += datetime.timedelta(days=rng.randint(min_days, max_days))
        if day.weekday() >= 5 and rng.random() < 0.9:
            day -= datetime.timedelta(days=day.weekday() - 4)
        clock = datetime.time(rng.randint(9, 18), rng.randrange(0, 60, 5))
        return datetime.datetime.combine(day, clock, tzinfo=self.tz)

    @staticmethod
    def existing(queryset: Any, field_name: str, values: Iterable[str]) -> list[str]:
        values = list(values)
        found: list[str] = []
        for start in range(0, len(values), 500):
            lookup = {f"{field_name}__in": values[start : start + 500]}
            found += queryset.filter(**lookup).values_list(field_name, flat=True)
        return found

    def only_new(self, rows: list[Any], model: Any, field_name: str) -> list[Any]:
        """Rows whose unique value is not in the base yet (someone may have typed it by hand)."""
        taken = set(
            self.existing(model.objects, field_name, (getattr(r, field_name) for r in rows))
        )
        return [row for row in rows if getattr(row, field_name) not in taken]

    def print_logins(self, logins: list[tuple[User, str]]) -> None:
        self.stdout.write("")
        self.stdout.write(
            self.style.SUCCESS("Demo logins (http://127.0.0.1:8000/accounts/login/):")
        )
        self.stdout.write(f"  {'username':<12} {'role':<12} password")
        for user, shown in logins:
            self.stdout.write(f"  {user.username:<12} {user.role:<12} {shown}")
        self.stdout.write("")
