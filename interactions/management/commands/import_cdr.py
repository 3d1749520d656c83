"""Import Asterisk call detail records (cdr_csv's Master.csv) into the journal."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from interactions.telephony import asterisk
from interactions.telephony.events import PayloadError, UnsupportedEvent
from interactions.telephony.services import (
    dispatch,
    telephony_event_process,
    telephony_event_receive,
)


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

    def handle(self, *args: Any, file: str, use_worker: bool, **options: Any) -> None:
        try:
            with open(file, encoding="utf-8", errors="replace", newline="") as handle:
                legs = asterisk.read_csv(handle)
        except OSError as error:
            raise CommandError(str(error)) from error
        except PayloadError as error:
            raise CommandError(str(error)) from error
        counts, errors = import_legs(legs, use_worker=use_worker)
        for call_id, reason in errors:
            self.stderr.write(f"{call_id}: {reason}")
        self.stdout.write(
            _(
                "%(calls)d calls: %(new)d new, %(duplicate)d already imported, "
                "%(internal)d internal skipped, %(failed)d failed."
            )
            % {
                "calls": sum(counts.values()),
                "new": counts["new"],
                "duplicate": counts["duplicate"],
                "internal": counts["internal"],
                "failed": counts["failed"],
            }
        )


def import_legs(
    legs: list[dict[str, str]], *, use_worker: bool = False
) -> tuple[Counter[str], list[tuple[str, str]]]:
    """Store each call (its legs grouped by linkedid) and process it.

    Returns the counts by result and the (call id, reason) of each call that could not be read.
    """
    counts: Counter[str] = Counter()
    errors: list[tuple[str, str]] = []
    for call_id, call_legs in asterisk.group_calls(legs).items():
        payload = {"legs": call_legs}
        try:
            call = asterisk.parse(payload)
        except UnsupportedEvent:
            counts["internal"] += 1
            continue
        except PayloadError as error:
            counts["failed"] += 1
            errors.append((call_id, str(error)))
            continue
        event, created = telephony_event_receive(call=call, payload=payload, enqueue=False)
        if not created:
            counts["duplicate"] += 1
        elif use_worker:
            dispatch(event.pk)
            counts["new"] += 1
        else:
            result = telephony_event_process(event_id=event.pk)
            counts["new" if result == "done" else "failed"] += 1
    return counts, errors
