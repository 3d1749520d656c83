"""Fill a benchmark database with clients and a journal at scale (crm_project.core.datagen)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from crm_project.core import datagen


class Command(BaseCommand):
    help = (
        "Generate teams, managers, clients and interactions with COPY, in the demo's shape, "
        "into a loopback PostgreSQL database whose name contains 'bench'."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--clients", type=int, default=50_000, help="Clients (50,000).")
        parser.add_argument(
            "--interactions", type=int, default=1_000_000, help="Interactions (1,000,000)."
        )
        parser.add_argument(
            "--managers", type=int, default=0, help="Managers (default: one per 500 clients)."
        )
        parser.add_argument("--seed", type=int, default=2026, help="Random seed (2026).")
        parser.add_argument("--password", help="Password of every generated user.")
        parser.add_argument(
            "--regenerate",
            action="store_true",
            help="Empty the clients, the journal and the plans first.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            datagen.check_target()
        except datagen.UnsafeTarget as error:
            raise CommandError(str(error)) from error
        existing = datagen.existing_counts()
        if any(existing) and not options["regenerate"]:
            self.stdout.write(
                f"The database already holds {existing[0]:,} clients and {existing[1]:,} "
                "interactions; nothing generated (--regenerate to start again)."
            )
            return
        generator_options = datagen.Options(
            clients=options["clients"],
            interactions=options["interactions"],
            managers=options["managers"],
            seed=options["seed"],
            password=options["password"],
            progress=self.stdout.write,
        )
        counts = datagen.generate(generator_options, regenerate=options["regenerate"])
        self.stdout.write(
            self.style.SUCCESS(
                "Generated " + ", ".join(f"{count:,} {name}" for name, count in counts.items())
            )
        )
