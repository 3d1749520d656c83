"""`manage.py restore FILE`: pg_restore a backup and check it against its manifest."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandParser
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils.translation import gettext as _

from crm_project.core.backups import backup_restore


class Command(BaseCommand):
    help = _(
        "Restore a backup made by manage.py backup into the database, then check every table's "
        "row count against the backup's manifest."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "dump", help=_("The .dump file; its .manifest.json must be next to it.")
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help=_("Replace the data of a database that is not empty."),
        )
        parser.add_argument(
            "--into",
            metavar="DATABASE",
            help=_("Restore into this database on the same server, created if missing."),
        )

    def handle(
        self, *args: object, dump: str, force: bool, into: str | None, **options: object
    ) -> None:
        # Django's own connections must not hold the tables that pg_restore drops and recreates.
        connections.close_all()
        result = backup_restore(
            settings_dict=connections[DEFAULT_DB_ALIAS].settings_dict,
            dump=Path(dump),
            force=force,
            into=into or None,
        )
        self.stdout.write(
            _(
                "Restored %(path)s into %(database)s: %(tables)s tables, %(rows)s rows, as in the "
                "manifest."
            )
            % {
                "path": dump,
                "database": result.database,
                "tables": len(result.row_counts),
                "rows": sum(result.row_counts.values()),
            }
        )
        if result.migrations_not_in_backup:
            self.stdout.write(
                _("The backup predates %(count)s migrations of this code: run manage.py migrate.")
                % {"count": len(result.migrations_not_in_backup)}
            )
        if result.migrations_unknown_to_code:
            self.stderr.write(
                _(
                    "The backup has migrations this code does not know (%(names)s): deploy the "
                    "code it was made with."
                )
                % {"names": ", ".join(result.migrations_unknown_to_code)}
            )
