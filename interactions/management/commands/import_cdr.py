"""Import Asterisk call detail records (cdr_csv's Master.csv) into the journal."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from interactions.telephony import asterisk
from interactions.telephony.events import PayloadError
from interactions.telephony.services import CdrImportResult, cdr_import


class Command(BaseCommand):
    help = _("Import an Asterisk Master.csv file; a file imported twice logs nothing twice.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help=_("Path to Master.csv"))
        parser.add_argument(
            "--async",
            action="store_true",
            dest="use_worker",
            help=_("Leave processing to the Celery workers instead of doing it now."),
        )
        parser.add_argument(
            "--encoding",
            choices=asterisk.ENCODINGS,
            default=asterisk.ENCODINGS[0],
            help=_("The file's encoding (default: UTF-8, with or without a byte order mark)."),
        )

    def handle(
        self, *args: Any, file: str, use_worker: bool, encoding: str, **options: Any
    ) -> None:
        try:
            text = asterisk.decode(Path(file).read_bytes(), encoding)
            result = cdr_import(
                lines=text.splitlines(keepends=True), file_name=file, process=not use_worker
            )
        except (OSError, PayloadError) as error:
            raise CommandError(str(error)) from error
        for lines, reason in result.refused:
            self.stderr.write(
                _("Lines %(lines)s: %(reason)s")
                % {"lines": ", ".join(map(str, lines)), "reason": reason}
            )
        self.stdout.write(summary(result))


def summary(result: CdrImportResult) -> str:
    return _(
        "%(calls)d calls: %(new)d new, %(duplicate)d already imported, "
        "%(internal)d internal skipped, %(refused)d refused, %(failed)d failed."
    ) % {
        "calls": result.calls,
        "new": result.stored,
        "duplicate": result.duplicates,
        "internal": result.internal,
        "refused": len(result.refused),
        "failed": result.failed,
    }
