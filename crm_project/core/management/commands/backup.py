"""`manage.py backup`: pg_dump of the database with a manifest; `make backup` calls it."""

import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandParser
from django.db import DEFAULT_DB_ALIAS, connections
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from crm_project.core.backups import backup_create


class Command(BaseCommand):
    help = _(
        "Back up the PostgreSQL database with pg_dump (custom format), with a manifest of row "
        "counts, migrations and version next to it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dir",
            dest="directory",
            default=os.environ.get("BACKUP_DIR") or "backups",
            help=_("Where to write the backup (default: BACKUP_DIR, else ./backups)."),
        )

    def handle(self, *args: object, directory: str, **options: object) -> None:
        result = backup_create(
            settings_dict=connections[DEFAULT_DB_ALIAS].settings_dict, directory=Path(directory)
        )
        self.stdout.write(
            _("Backup: %(path)s (%(size)s)")
            % {"path": result.dump, "size": filesizeformat(result.size)}
        )
        self.stdout.write(
            _("Manifest: %(path)s (%(tables)s tables, %(rows)s rows)")
            % {
                "path": result.manifest,
                "tables": len(result.row_counts),
                "rows": sum(result.row_counts.values()),
            }
        )
