"""Backups of the PostgreSQL database with pg_dump, and restores that prove they are complete.

A backup is two files side by side: `crm-<UTC timestamp>.dump` (pg_dump's custom format) and
`crm-<UTC timestamp>.manifest.json` (the row count of every table, the applied migrations, the
app's version and commit, the dump's SHA-256). The counts are taken in the very snapshot pg_dump
reads (`--snapshot`), so they describe the dump exactly even while the CRM keeps writing. A
restore compares the restored tables with them and fails on any difference.

The password reaches pg_dump and pg_restore through PGPASSWORD, never their command line, which
every local user can read in `ps`.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import re
import shutil
import subprocess
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
from django.conf import settings
from django.core.management.base import CommandError
from django.db.migrations.loader import MigrationLoader
from django.utils.translation import gettext as _
from psycopg import sql

MANIFEST_FORMAT = 1
POSTGRESQL_ENGINE = "django.db.backends.postgresql"
# libpq reads these from the environment; the keys are Django's HOST/PORT/… or psycopg OPTIONS.
_LIBPQ_ENVIRONMENT = {
    "host": "PGHOST",
    "port": "PGPORT",
    "user": "PGUSER",
    "password": "PGPASSWORD",
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "passfile": "PGPASSFILE",
    "service": "PGSERVICE",
    "connect_timeout": "PGCONNECT_TIMEOUT",
    "options": "PGOPTIONS",
    "target_session_attrs": "PGTARGETSESSIONATTRS",
}
# Every user table pg_dump writes: no system schemas, no tables owned by an extension.
_TABLES = """
SELECT n.nspname, c.relname
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p')
  AND n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\\_%'
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype = 'e')
ORDER BY 1, 2
"""


class BackupError(CommandError):
    """A backup or restore was refused or failed; the message says what to do."""


@dataclass(frozen=True)
class Server:
    """A PostgreSQL server and how to sign in to it: libpq parameters without a database."""

    params: dict[str, str]

    def connect(self, database: str, *, autocommit: bool = False) -> psycopg.Connection:
        try:
            return psycopg.connect(dbname=database, autocommit=autocommit, **self.params)
        except psycopg.OperationalError as error:
            raise BackupError(
                _(
                    "Cannot connect to the database %(database)s (create it first if it is "
                    "new): %(error)s"
                )
                % {"database": database, "error": str(error).strip()}
            ) from error

    def environment(self, database: str) -> dict[str, str]:
        """The environment for a client program: PGHOST, PGPASSWORD… set, nothing on argv."""
        environment = {**os.environ, "PGDATABASE": database}
        for key, value in self.params.items():
            environment[_LIBPQ_ENVIRONMENT[key]] = value
        return environment


@dataclass(frozen=True)
class BackupResult:
    dump: Path
    manifest: Path
    size: int
    row_counts: dict[str, int]


@dataclass(frozen=True)
class RestoreResult:
    database: str
    row_counts: dict[str, int]
    migrations_not_in_backup: list[str]
    migrations_unknown_to_code: list[str]


def server_for(settings_dict: dict[str, Any]) -> tuple[Server, str]:
    """The server and database name of a Django DATABASES entry; refuses anything but PostgreSQL."""
    if settings_dict["ENGINE"] != POSTGRESQL_ENGINE:
        raise BackupError(_not_postgresql_message(settings_dict))
    params = {
        key: str(settings_dict[django_key])
        for key, django_key in (("host", "HOST"), ("port", "PORT"))
        if settings_dict.get(django_key)
    }
    params.update(
        {
            key: str(settings_dict[django_key])
            for key, django_key in (("user", "USER"), ("password", "PASSWORD"))
            if settings_dict.get(django_key)
        }
    )
    for key, value in (settings_dict.get("OPTIONS") or {}).items():
        if key in _LIBPQ_ENVIRONMENT:
            params[key] = str(value)
    return Server(params), settings_dict["NAME"]


def _not_postgresql_message(settings_dict: dict[str, Any]) -> str:
    if settings_dict["ENGINE"] == "django.db.backends.sqlite3":
        return _(
            "make backup and make restore work on PostgreSQL only; DATABASE_URL does not point "
            "at PostgreSQL, so the CRM uses the SQLite database %(path)s. To back that up, stop "
            "the CRM and copy the file, or copy it while it runs with: mkdir -p backups && "
            "python3 -c \"import sqlite3; sqlite3.connect('%(path)s').backup("
            "sqlite3.connect('backups/crm.sqlite3'))\". To back up PostgreSQL, set "
            "DATABASE_URL=postgres://…"
        ) % {"path": settings_dict["NAME"]}
    return _(
        "make backup and make restore work on PostgreSQL only; DATABASE_URL points at %(engine)s."
    ) % {"engine": settings_dict["ENGINE"]}


def server_major(connection: psycopg.Connection) -> int:
    return connection.info.server_version // 10000


def client_program(name: str, major: int) -> Path:
    """pg_dump or pg_restore of the server's major version, or a refusal that says where to look.

    PG_BIN_DIR chooses the directory; otherwise PATH, then Debian's /usr/lib/postgresql/<major>/bin
    (where postgresql-client-<major> installs next to other versions).
    """
    if os.environ.get("PG_BIN_DIR"):
        candidates = [Path(os.environ["PG_BIN_DIR"]) / name]
    else:
        on_path = shutil.which(name)
        candidates = [Path(on_path)] if on_path else []
        candidates.append(Path(f"/usr/lib/postgresql/{major}/bin/{name}"))
    found = []
    for path in candidates:
        if path.is_file() and os.access(path, os.X_OK):
            version = client_major(path)
            if version == major:
                return path
            found.append(f"{path} ({version or '?'})")
    raise BackupError(
        _(
            "%(program)s must have the PostgreSQL server's major version, %(major)s; found: "
            "%(found)s. Install postgresql-client-%(major)s, or set PG_BIN_DIR to the directory "
            "holding its %(program)s."
        )
        % {"program": name, "major": major, "found": ", ".join(found) or _("none")}
    )


def client_major(path: Path) -> int | None:
    """The major version a client program reports (`pg_dump (PostgreSQL) 15.20` gives 15)."""
    result = subprocess.run(  # noqa: S603 - a fixed program name and argument
        [str(path), "--version"], capture_output=True, text=True, timeout=60, check=False
    )
    match = re.search(r"\(PostgreSQL\) (\d+)", result.stdout)
    return int(match.group(1)) if match else None


def table_row_counts(connection: psycopg.Connection) -> dict[str, int]:
    """`schema.table` -> exact row count, for every table pg_dump writes."""
    counts = {}
    for schema, table in connection.execute(_TABLES).fetchall():
        query = sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(schema, table))
        counts[f"{schema}.{table}"] = connection.execute(query).fetchone()[0]
    return counts


def tables_with_rows(connection: psycopg.Connection) -> list[str]:
    """The tables that hold at least one row (without counting the big ones)."""
    tables = []
    for schema, table in connection.execute(_TABLES).fetchall():
        query = sql.SQL("SELECT EXISTS (SELECT 1 FROM {})").format(sql.Identifier(schema, table))
        if connection.execute(query).fetchone()[0]:
            tables.append(f"{schema}.{table}")
    return tables


def applied_migrations(connection: psycopg.Connection) -> dict[str, list[str]]:
    """app label -> the migrations recorded in django_migrations, in name order."""
    if connection.execute("SELECT to_regclass('django_migrations')").fetchone()[0] is None:
        return {}
    applied: dict[str, list[str]] = {}
    for app, name in connection.execute(
        "SELECT app, name FROM django_migrations ORDER BY app, name"
    ).fetchall():
        applied.setdefault(app, []).append(name)
    return applied


def app_identity() -> dict[str, str | None]:
    """The CRM's version from pyproject.toml and the git commit, where they can be known."""
    try:
        pyproject = tomllib.loads((settings.BASE_DIR / "pyproject.toml").read_text("utf-8"))
        version = pyproject["project"]["version"]
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        version = None
    try:
        result = subprocess.run(  # noqa: S603 - fixed arguments
            ["git", "-C", str(settings.BASE_DIR), "rev-parse", "HEAD"],  # noqa: S607
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
        commit = result.stdout.strip() if result.returncode == 0 else None
    except OSError:
        commit = None
    return {"version": version, "git_commit": commit}


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def manifest_path_for(dump: Path) -> Path:
    return dump.with_suffix(".manifest.json")


def backup_create(*, settings_dict: dict[str, Any], directory: Path) -> BackupResult:
    """pg_dump the database into `directory`, with its manifest next to it.

    Both files are readable by their owner only: they hold the clients' personal data.
    """
    server, database = server_for(settings_dict)
    with server.connect(database) as connection:
        pg_dump = client_program("pg_dump", server_major(connection))
        dump = _new_dump_path(directory)
        # The counts and pg_dump read one snapshot: the manifest describes exactly the dump.
        connection.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        connection.read_only = True
        snapshot = connection.execute("SELECT pg_export_snapshot()").fetchone()[0]
        row_counts = table_row_counts(connection)
        migrations = applied_migrations(connection)
        _pg_dump(pg_dump, server.environment(database), snapshot, dump)
        server_version = connection.info.parameter_status("server_version")
    manifest = {
        "format": MANIFEST_FORMAT,
        "created_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "dump": {"file": dump.name, "size": dump.stat().st_size, "sha256": file_sha256(dump)},
        "database": {"name": database, "host": server.params.get("host", "")},
        "server_version": server_version,
        "pg_dump": str(pg_dump),
        "app": app_identity(),
        "migrations": migrations,
        "row_counts": row_counts,
    }
    manifest_path = manifest_path_for(dump)
    _write_private(manifest_path, json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    return BackupResult(dump, manifest_path, manifest["dump"]["size"], row_counts)


def _new_dump_path(directory: Path) -> Path:
    """`crm-<UTC timestamp>.dump` in `directory` (created private), never an existing name."""
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    dump = directory / f"crm-{stamp}.dump"
    if dump.exists() or manifest_path_for(dump).exists():
        raise BackupError(_("%(path)s already exists; try again in a second.") % {"path": dump})
    return dump


def _pg_dump(pg_dump: Path, environment: dict[str, str], snapshot: str, dump: Path) -> None:
    partial = dump.with_name(dump.name + ".partial")
    _write_private(partial, "")
    result = subprocess.run(  # noqa: S603 - no shell; the password is in the environment
        [
            str(pg_dump),
            "--format=custom",
            "--no-password",
            f"--snapshot={snapshot}",
            f"--file={partial}",
        ],
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        partial.unlink(missing_ok=True)
        raise BackupError(_("pg_dump failed: %(error)s") % {"error": result.stderr.strip()})
    partial.rename(dump)


def _write_private(path: Path, text: str) -> None:
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as stream:
        stream.write(text)


def manifest_read(dump: Path) -> dict[str, Any]:
    """The manifest written with `dump`, after checking that the dump is the one it describes."""
    if not dump.is_file():
        raise BackupError(_("No backup file at %(path)s.") % {"path": dump})
    manifest_path = manifest_path_for(dump)
    try:
        manifest = json.loads(manifest_path.read_text("utf-8"))
    except (OSError, ValueError) as error:
        raise BackupError(
            _(
                "Cannot read the manifest %(path)s (%(error)s); without it a restore cannot be "
                "checked."
            )
            % {"path": manifest_path, "error": error}
        ) from error
    if manifest.get("format") != MANIFEST_FORMAT:
        raise BackupError(
            _("%(path)s is not a manifest this CRM writes.") % {"path": manifest_path}
        )
    if file_sha256(dump) != manifest["dump"]["sha256"]:
        raise BackupError(
            _(
                "%(path)s does not match its manifest's checksum: the file is damaged or not "
                "this backup."
            )
            % {"path": dump}
        )
    return manifest


def backup_restore(
    *, settings_dict: dict[str, Any], dump: Path, force: bool = False, into: str | None = None
) -> RestoreResult:
    """pg_restore `dump` into the configured database (or a new one, `into`), then verify it.

    Refuses a database that holds data unless `force`. The restore is one transaction: when it
    fails, the database is left as it was. Fails when any table's row count differs from the
    manifest.
    """
    manifest = manifest_read(dump)
    server, configured = server_for(settings_dict)
    target = into or configured
    with server.connect(configured, autocommit=True) as connection:
        pg_restore = client_program("pg_restore", server_major(connection))
        if target != configured:
            _database_create_if_missing(connection, target)
    if not force:
        with server.connect(target) as connection:
            _refuse_if_holds_data(connection, target)
    _pg_restore(pg_restore, server.environment(target), dump, target)
    with server.connect(target) as connection:
        restored = table_row_counts(connection)
    _compare_row_counts(manifest["row_counts"], restored, target)
    not_in_backup, unknown_to_code = _migration_differences(manifest["migrations"])
    return RestoreResult(target, restored, not_in_backup, unknown_to_code)


def _database_create_if_missing(connection: psycopg.Connection, database: str) -> None:
    exists = connection.execute(
        "SELECT 1 FROM pg_database WHERE datname = %s", [database]
    ).fetchone()
    if not exists:
        # template0: an empty database, whatever was added to template1 on this server.
        connection.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE template0").format(sql.Identifier(database))
        )


def _refuse_if_holds_data(connection: psycopg.Connection, database: str) -> None:
    tables = tables_with_rows(connection)
    if tables:
        shown = ", ".join(tables[:5]) + (" …" if len(tables) > 5 else "")
        raise BackupError(
            _(
                "The database %(database)s already holds data (%(count)s tables with rows: "
                "%(tables)s). A restore replaces it: run again with FORCE=1 (manage.py restore "
                "--force) to replace it, or with RESTORE_INTO=<new database> (--into) to restore "
                "next to it."
            )
            % {"database": database, "count": len(tables), "tables": shown}
        )


def _pg_restore(pg_restore: Path, environment: dict[str, str], dump: Path, database: str) -> None:
    result = subprocess.run(  # noqa: S603 - no shell; the password is in the environment
        [
            str(pg_restore),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "--no-password",
            f"--dbname={database}",
            str(dump),
        ],
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise BackupError(
            _("pg_restore failed and changed nothing in %(database)s: %(error)s")
            % {"database": database, "error": result.stderr.strip()}
        )


def _compare_row_counts(expected: dict[str, int], restored: dict[str, int], database: str) -> None:
    differences = [
        _("%(table)s: %(expected)s in the backup, %(restored)s restored")
        % {"table": table, "expected": count, "restored": restored.get(table, _("no table"))}
        for table, count in sorted(expected.items())
        if restored.get(table) != count
    ]
    if differences:
        raise BackupError(
            _(
                "The restored database %(database)s does not match the backup's manifest: "
                "%(differences)s"
            )
            % {"database": database, "differences": "; ".join(differences)}
        )


def _migration_differences(applied: dict[str, list[str]]) -> tuple[list[str], list[str]]:
    """(migrations this code has that the backup lacks, migrations the backup has that it lacks)."""
    on_disk = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    in_backup = {(app, name) for app, names in applied.items() for name in names}
    return (
        [f"{app}.{name}" for app, name in sorted(on_disk - in_backup)],
        [f"{app}.{name}" for app, name in sorted(in_backup - on_disk)],
    )
