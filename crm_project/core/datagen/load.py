"""Writing the drafted rows with COPY: the target check, index rebuilds, sequences."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Iterator

from django.db import connection, transaction
from django.db.models import NOT_PROVIDED, CharField, Model, TextField
from django.utils import timezone

from clients.models import Client, ContactPerson, Deal, DealStageChange, Email, Phone
from crm_project.core.datagen.draft import (
    INTERACTION_COLUMNS,
    PROGRESS_EVERY,
    ClientRow,
    Generator,
    Options,
    iso,
)
from interactions.models import Interaction

LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1", ""}
# The tables a regeneration empties; CASCADE takes their dependants (journal events, transfers…).
GENERATED_TABLES = (
    "clients_client",
    "interactions_interaction",
    "interactions_telephonyevent",
    "reports_plan",
)


class UnsafeTarget(Exception):
    """The database is not one this generator may fill and wipe."""


def check_target(database: dict | None = None) -> None:
    """Refuse anything but a loopback PostgreSQL database meant for benchmarks or tests."""
    database = database or connection.settings_dict
    if database["ENGINE"] != "django.db.backends.postgresql":
        raise UnsafeTarget("generate_data needs PostgreSQL (it loads with COPY).")
    if (database.get("HOST") or "") not in LOOPBACK_HOSTS:
        raise UnsafeTarget(f"refusing the non-loopback database host {database['HOST']!r}.")
    name = database["NAME"] or ""
    if "bench" not in name and not name.startswith("test_"):
        raise UnsafeTarget(
            f"refusing database {name!r}: its name must contain 'bench' (it may be wiped)."
        )


# --- text-format COPY --------------------------------------------------------------------------


def _cell(value: object) -> str:
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, str):
        if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
            value = (
                value.replace("\\", "\\\\")
                .replace("\t", "\\t")
                .replace("\n", "\\n")
                .replace("\r", "\\r")
            )
        return value
    return str(value)


def model_defaults(model: type[Model], columns: str) -> tuple[str, tuple]:
    """Columns `columns` leaves out that need a value, and the model's default for each.

    Other fields appear as the product grows (a version counter, a timestamp); COPY does not
    run Django's defaults, so the generator writes them instead of failing on NOT NULL.
    """
    given = {column.strip() for column in columns.split(",")}
    now = timezone.now().isoformat()
    names, values = [], []
    for model_field in model._meta.concrete_fields:
        if model_field.column in given or model_field.primary_key:
            continue
        if model_field.has_default():
            value = model_field.get_default()
            if isinstance(value, dict | list):
                value = json.dumps(value)
        elif getattr(model_field, "auto_now", False) or getattr(model_field, "auto_now_add", False):
            value = now
        elif model_field.null or model_field.db_default is not NOT_PROVIDED:
            continue
        elif isinstance(model_field, CharField | TextField):
            value = ""
        else:
            continue  # COPY names the missing column in its error
        names.append(model_field.column)
        values.append(value)
    return ", ".join([columns, *names]), tuple(values)


def copy_rows(model: type[Model], columns: str, rows: Iterable[tuple], batch: int = 5000) -> int:
    """COPY `rows` into `model`'s table; returns how many were written."""
    columns, extra = model_defaults(model, columns)
    tail = "".join("\t" + _cell(value) for value in extra)
    written = 0
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {model._meta.db_table} ({columns}) FROM STDIN") as copy,
    ):
        lines: list[str] = []
        for row in rows:
            lines.append("\t".join(map(_cell, row)) + tail)
            written += 1
            if len(lines) >= batch:
                copy.write(("\n".join(lines) + "\n").encode())
                lines.clear()
        if lines:
            copy.write(("\n".join(lines) + "\n").encode())
    return written


# --- loading ---------------------------------------------------------------------------------


def existing_counts() -> tuple[int, int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (SELECT count(*) FROM clients_client),"
            " (SELECT count(*) FROM interactions_interaction)"
        )
        clients, interactions = cursor.fetchone()
    return clients, interactions


def truncate() -> None:
    with connection.cursor() as cursor:
        # Deferred foreign-key checks of this transaction's earlier writes would block TRUNCATE.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"TRUNCATE {', '.join(GENERATED_TABLES)} RESTART IDENTITY CASCADE")


def secondary_indexes(table: str) -> list[tuple[str, str]]:
    """(name, definition) of the indexes of `table` that back no constraint."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT i.relname, pg_get_indexdef(i.oid)
            FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
            WHERE x.indrelid = %s::regclass
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.oid)
            """,
            [table],
        )
        return cursor.fetchall()


def is_superuser() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('is_superuser') = 'on'")
        return cursor.fetchone()[0]


def reset_sequences(tables: Iterable[str]) -> None:
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608 - ours
                f"coalesce((SELECT max(id) FROM {table}), 0) + 1, false)"
            )


def generate(options: Options, *, regenerate: bool = False) -> dict[str, int]:
    """Fill the database; returns the row counts written. Refuses a database with clients."""
    check_target()
    say = options.progress
    if any(existing_counts()) and not regenerate:
        raise UnsafeTarget("the database already has clients or interactions: regenerate.")
    started = time.perf_counter()
    counts: dict[str, int] = {}
    with transaction.atomic():
        if regenerate:
            truncate()
        generator = Generator(options)
        staff = generator.staff()
        say(f"staff: {len(staff.teams)} teams, {len(staff.managers)} managers")
        clients, contacts, phones, emails = generator.clients(staff)
        say(f"drafted {len(clients):,} clients ({time.perf_counter() - started:.0f} s)")
        journal = generator.journal(staff, clients)
        say(f"drafted the journal ({time.perf_counter() - started:.0f} s)")
        counts.update(load(generator, clients, contacts, phones, emails, journal, say))
        deals, changes = generator.deals(clients)
        counts["deals"] = copy_rows(
            Deal,
            "id, client_id, manager_id, title, amount, currency, stage_id, state, "
            "expected_close_date, close_reason, closed_at, stage_entered_at, stage_due_at, "
            "created_by_id, created_at, updated_at",
            deals,
        )
        counts["deal stage changes"] = copy_rows(
            DealStageChange,
            "deal_id, from_stage_id, to_stage_id, changed_by_id, changed_at, is_out_of_order, "
            "comment",
            changes,
        )
        counts["plans"] = generator.plans(staff)
        reset_sequences(
            ["clients_client", "clients_contactperson", "clients_phone", "clients_email",
             "interactions_interaction", "clients_deal", "clients_dealstagechange"]
        )  # fmt: skip
    with connection.cursor() as cursor:
        for table in (
            "clients_client", "clients_contactperson", "clients_phone", "clients_email",
            "interactions_interaction", "clients_deal", "clients_dealstagechange", "reports_plan",
        ):  # fmt: skip
            cursor.execute(f"ANALYZE {table}")
    say(f"done in {time.perf_counter() - started:.0f} s")
    return counts


def load(
    generator: Generator,
    clients: list[ClientRow],
    contacts: list[tuple],
    phones: list[tuple],
    emails: list[tuple],
    journal: list[tuple],
    say: Callable[[str], None],
) -> dict[str, int]:
    """COPY the drafted rows: clients, contact persons, phones, e-mails, the journal."""
    started = time.perf_counter()
    rng = generator.rng
    client_rows = []
    for row, client in zip(generator.client_rows, clients, strict=True):
        first = client.first_interaction or generator.clock.past(rng)
        entered = iso(min(first, generator.clock.now_ts) - rng.randint(1, 20) * 86400)
        client_rows.append((*row, entered, entered, iso(client.last_interaction)))
    counts = {
        "clients": copy_rows(
            Client,
            "id, kind, name, status, responsible_manager_id, team_id, lead_source_id, "
            "created_by_id, created_at, updated_at, last_interaction_at",
            client_rows,
        )
    }
    created_by = {client.id: client.created_by for client in clients}
    now = iso(generator.clock.now_ts)
    counts["contact persons"] = copy_rows(
        ContactPerson,
        "id, client_id, last_name, first_name, middle_name, position, is_primary, "
        "created_by_id, created_at",
        ((*row, created_by[row[1]], now) for row in contacts),
    )
    counts["phones"] = copy_rows(
        Phone,
        "id, client_id, contact_id, number_raw, number_e164, kind, consent, consent_source, "
        "created_at",
        ((*row, "unknown", "", now) for row in phones),
    )
    counts["e-mails"] = copy_rows(
        Email,
        "id, client_id, contact_id, address, consent, consent_source, created_at",
        ((*row, "unknown", "", now) for row in emails),
    )
    say(f"loaded clients, contacts, phones and e-mails ({time.perf_counter() - started:.0f} s)")
    dropped = secondary_indexes("interactions_interaction")
    with connection.cursor() as cursor:
        for name, _definition in dropped:
            cursor.execute(f'DROP INDEX "{name}"')
        if is_superuser():
            # Foreign keys are not checked row by row: every id written here was generated here.
            cursor.execute("SET LOCAL session_replication_role = replica")

    def numbered() -> Iterator[tuple]:
        for number, row in enumerate(journal, start=1):
            if number % PROGRESS_EVERY == 0:
                say(f"  copied {number:,} interactions ({time.perf_counter() - started:.0f} s)")
            external_id = f"gen-{number}" if row[16] else ""
            yield (number, *row[1:17], external_id, *row[17:])

    counts["interactions"] = copy_rows(Interaction, INTERACTION_COLUMNS, numbered())
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = DEFAULT")
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        for _name, definition in dropped:
            cursor.execute(definition)
    say(f"loaded the journal and rebuilt its indexes ({time.perf_counter() - started:.0f} s)")
    return counts
