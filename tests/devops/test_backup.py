"""`make backup` / `make restore`: a round trip through pg_dump and pg_restore loses nothing.

Every restore goes into a database of its own next to the test database, dropped afterwards.
"""

import json
import os
import stat
import subprocess
import sys
import uuid
from io import StringIO
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from clients.models import Client, Phone
from crm_project.accounts.models import Team
from crm_project.core.audit import audit_record
from crm_project.core.models import AuditEntry
from tests.conftest import require_postgresql
from tests.factories import (
    ClientFactory,
    ContactPersonFactory,
    EmailFactory,
    InteractionFactory,
    LeadSourceFactory,
    PhoneFactory,
    PlanFactory,
    status,
)

# Committed rows, so that pg_dump (another process) sees them. serialized_rollback: the flush
# after each test then leaves no re-created content types behind, which would break the next
# serialized_rollback test (tests/interactions/test_concurrency.py) on the same process.
committed = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def connect(database: str, **kwargs) -> psycopg.Connection:
    """A direct connection to another database on the test server."""
    source = connection.settings_dict
    params = {
        key: str(source[django_key])
        for key, django_key in (("host", "HOST"), ("port", "PORT"), ("user", "USER"))
        if source[django_key]
    }
    if source["PASSWORD"]:
        params["password"] = source["PASSWORD"]
    return psycopg.connect(dbname=database, **params, **kwargs)


def row_counts(cursor) -> dict[str, int]:
    """Every table of the CRM's schema and its row count, read by plain SQL."""
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
    tables = [name for (name,) in cursor.fetchall()]
    counts = {}
    for table in tables:
        cursor.execute(f'SELECT count(*) FROM "{table}"')  # noqa: S608 - names from pg_tables
        counts[table] = cursor.fetchone()[0]
    return counts


@pytest.fixture
def filled(manager, other_manager, supervisor):
    """Rows in every app: users and teams, clients with contacts, the journal, plans, audit."""
    source = LeadSourceFactory(name="Exhibition 2026")
    clients = [
        ClientFactory(responsible_manager=owner, lead_source=source, name=f"Ромашка {number}")
        for number, owner in enumerate((manager, manager, other_manager), start=1)
    ]
    for client in clients:
        ContactPersonFactory(client=client)
        PhoneFactory(client=client)
        EmailFactory(client=client)
        InteractionFactory(client=client, status=status("outgoing_call", "completed"))
    PlanFactory(manager=manager)
    audit_record(
        actor=supervisor,
        action="clients.client.transferred",
        target=clients[2],
        changes={"responsible_manager": [manager.pk, other_manager.pk]},
        ip_address="192.0.2.10",
    )
    return clients


@pytest.fixture
def restore_target():
    """The name of a database the test may restore into; dropped (if created) afterwards."""
    require_postgresql()
    name = f"{connection.settings_dict['NAME']}_restored_{uuid.uuid4().hex[:8]}"
    yield name
    with connect(connection.settings_dict["NAME"], autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def backup(directory: Path) -> Path:
    out = StringIO()
    call_command("backup", directory=str(directory), stdout=out)
    dumps = list(directory.glob("crm-*.dump"))
    assert len(dumps) == 1
    assert str(dumps[0]) in out.getvalue()
    return dumps[0]


@committed
def test_round_trip_restores_every_row_and_the_append_only_audit_trail(
    filled, tmp_path, restore_target
):
    with connection.cursor() as cursor:
        source_counts = row_counts(cursor)

    dump = backup(tmp_path)
    out = StringIO()
    call_command("restore", str(dump), into=restore_target, stdout=out)

    assert f"into {restore_target}" in out.getvalue()
    with connect(restore_target) as restored, restored.cursor() as cursor:
        assert row_counts(cursor) == source_counts
        cursor.execute("SELECT name FROM clients_client ORDER BY id")
        assert [name for (name,) in cursor.fetchall()] == [client.name for client in filled]
        cursor.execute("SELECT number_e164 FROM clients_phone ORDER BY id")
        assert [number for (number,) in cursor.fetchall()] == list(
            Phone.objects.order_by("id").values_list("number_e164", flat=True)
        )
        cursor.execute("SELECT action, changes, ip_address::text FROM core_auditentry")
        entry = AuditEntry.objects.get()
        assert cursor.fetchall() == [(entry.action, entry.changes, "192.0.2.10/32")]
    assert source_counts["clients_client"] == 3
    assert source_counts["core_auditentry"] == 1


@committed
def test_the_restored_audit_trail_still_refuses_updates_and_deletes(
    filled, tmp_path, restore_target
):
    call_command("restore", str(backup(tmp_path)), into=restore_target, stdout=StringIO())

    with connect(restore_target, autocommit=True) as restored:
        with pytest.raises(psycopg.errors.RaiseException, match="append-only"):
            restored.execute("UPDATE core_auditentry SET action = 'forged'")
        with pytest.raises(psycopg.errors.RaiseException, match="append-only"):
            restored.execute("DELETE FROM core_auditentry")
        restored.execute(
            "INSERT INTO core_auditentry (created_at, action, object_type, object_id, "
            "object_repr, changes) VALUES (now(), 'after.restore', 'clients.client', '1', '', "
            "'{}')"
        )
        assert restored.execute("SELECT count(*) FROM core_auditentry").fetchone()[0] == 2


@committed
def test_the_manifest_describes_the_dump_and_both_are_private(filled, tmp_path):
    require_postgresql()

    dump = backup(tmp_path)

    manifest_path = dump.with_suffix(".manifest.json")
    manifest = json.loads(manifest_path.read_text())
    assert manifest["row_counts"]["public.clients_client"] == Client.objects.count()
    assert manifest["row_counts"]["public.core_auditentry"] == AuditEntry.objects.count()
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM django_migrations WHERE app = 'core' ORDER BY name")
        assert manifest["migrations"]["core"] == [name for (name,) in cursor.fetchall()]
    assert manifest["app"]["version"]
    assert manifest["dump"] == {
        "file": dump.name,
        "size": dump.stat().st_size,
        "sha256": manifest["dump"]["sha256"],
    }
    for path in (dump, manifest_path):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600


@committed
def test_restore_refuses_a_database_that_holds_data_unless_forced(filled, tmp_path, restore_target):
    dump = backup(tmp_path)
    call_command("restore", str(dump), into=restore_target, stdout=StringIO())
    with connect(restore_target, autocommit=True) as restored:
        restored.execute(
            "INSERT INTO accounts_team (name, created_at) VALUES ('Added after the backup', now())"
        )

    with pytest.raises(CommandError, match="already holds data"):
        call_command("restore", str(dump), into=restore_target, stdout=StringIO())
    with pytest.raises(CommandError, match="already holds data"):
        call_command("restore", str(dump), stdout=StringIO())

    with connect(restore_target) as restored:
        teams = restored.execute("SELECT name FROM accounts_team ORDER BY name").fetchall()
    assert ("Added after the backup",) in teams
    assert Client.objects.count() == 3

    call_command("restore", str(dump), into=restore_target, force=True, stdout=StringIO())
    with connect(restore_target) as restored:
        teams = restored.execute("SELECT name FROM accounts_team ORDER BY name").fetchall()
    assert [name for (name,) in teams] == list(
        Team.objects.order_by("name").values_list("name", flat=True)
    )


@committed
def test_restore_fails_loudly_when_the_restored_rows_differ_from_the_manifest(
    filled, tmp_path, restore_target
):
    dump = backup(tmp_path)
    manifest_path = dump.with_suffix(".manifest.json")
    manifest = json.loads(manifest_path.read_text())
    manifest["row_counts"]["public.clients_client"] += 1
    manifest_path.write_text(json.dumps(manifest))

    with pytest.raises(CommandError) as refused:
        call_command("restore", str(dump), into=restore_target, stdout=StringIO())

    assert "public.clients_client: 4 in the backup, 3 restored" in str(refused.value)


@committed
def test_restore_refuses_a_damaged_dump_or_one_without_its_manifest(
    filled, tmp_path, restore_target
):
    dump = backup(tmp_path)
    with dump.open("ab") as stream:
        stream.write(b"\0")

    with pytest.raises(CommandError, match="does not match its manifest's checksum"):
        call_command("restore", str(dump), into=restore_target, stdout=StringIO())

    dump.with_suffix(".manifest.json").unlink()
    with pytest.raises(CommandError, match="Cannot read the manifest"):
        call_command("restore", str(dump), into=restore_target, stdout=StringIO())


def fake_client(directory: Path, name: str, version: str) -> Path:
    """A stand-in pg_dump: reports `version` and records its arguments and password."""
    directory.mkdir(exist_ok=True)
    program = directory / name
    program.write_text(
        "#!/bin/sh\n"
        f'if [ "$1" = "--version" ]; then echo "{name} (PostgreSQL) {version}"; exit 0; fi\n'
        f'echo "$@" > "{directory}/argv"\n'
        f'printf "%s" "$PGPASSWORD" > "{directory}/password"\n'
    )
    program.chmod(0o755)
    return program


@committed
def test_backup_refuses_a_pg_dump_of_another_major_version(filled, tmp_path, monkeypatch):
    require_postgresql()
    monkeypatch.setenv("PG_BIN_DIR", str(fake_client(tmp_path / "bin", "pg_dump", "9.6.24").parent))
    server_major = connection.pg_version // 10000

    with pytest.raises(CommandError) as refused:
        call_command("backup", directory=str(tmp_path / "backups"), stdout=StringIO())

    assert f"server's major version, {server_major}" in str(refused.value)
    assert f"{tmp_path / 'bin' / 'pg_dump'} (9)" in str(refused.value)
    assert not (tmp_path / "backups").exists()


@committed
def test_the_password_reaches_pg_dump_through_the_environment_only(tmp_path, monkeypatch):
    require_postgresql()
    bin_directory = tmp_path / "bin"
    fake_client(bin_directory, "pg_dump", str(connection.pg_version // 10000))
    monkeypatch.setenv("PG_BIN_DIR", str(bin_directory))
    # Trust authentication on the test server accepts any password, so the real one works too.
    monkeypatch.setitem(connection.settings_dict, "PASSWORD", "s3cret-backup-password")

    call_command("backup", directory=str(tmp_path / "backups"), stdout=StringIO())

    assert (bin_directory / "password").read_text() == "s3cret-backup-password"
    argv = (bin_directory / "argv").read_text()
    assert "--format=custom" in argv
    assert "s3cret" not in argv


def test_backup_refuses_sqlite_and_says_how_to_back_it_up(tmp_path):
    environment = {
        **{key: value for key, value in os.environ.items() if not key.startswith("DATABASE_")},
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "crm_project.settings_test",
    }

    result = subprocess.run(  # noqa: S603 - the project's own manage.py
        [sys.executable, "manage.py", "backup", "--dir", str(tmp_path / "backups")],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )

    assert result.returncode != 0
    assert "PostgreSQL only" in result.stderr
    assert f"{tmp_path / 'db.sqlite3'}" in result.stderr
    assert ".backup(" in result.stderr
    assert not (tmp_path / "backups").exists()
