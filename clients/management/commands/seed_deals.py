"""Demo deals, stage history and points for the demo team's clients (seed_demo calls this).

Idempotent: each demo deal is keyed by its client ("Demo deal #<client id>") and each points
entry by the ledger's own unique constraints, so a second run creates nothing. Generated
history, not user actions: rows are written directly (no audit entries, no e-mails), within
every model constraint.
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.utils import timezone

from clients.models import Client, Deal, DealStage, DealStageChange, PointsEntry
from crm_project.accounts.models import User

TITLE = "Demo deal #{client_id}"
PRODUCTS = ["Pumps", "Valves", "Software licences", "Maintenance", "Steel pipes", "Training"]
# (stages walked through, days spent in the last one): open on time, overdue, stuck, won, lost.
SCENARIOS = [
    (["new"], 1),
    (["new", "presentation_sent"], 12),
    (["new", "presentation_sent", "proposal_sent"], 4),
    (["new", "presentation_sent", "proposal_sent", "contract_sent"], 40),
    (["new", "presentation_sent", "proposal_sent", "contract_sent", "won"], 3),
    (["new", "presentation_sent", "lost"], 10),
    (["new", "presentation_sent", "proposal_sent", "contract_sent", "won"], 20),
    (["new"], 6),
]


class Command(BaseCommand):
    help = "Add demo deals with stage history and primary-contact points (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--per-manager", type=int, default=8)
        parser.add_argument("--seed", type=int, default=5)

    def handle(self, *args: Any, **options: Any) -> None:
        stages = {stage.code: stage for stage in DealStage.objects.all()}
        if not {"new", "won", "lost"} <= set(stages):
            self.stderr.write("No deal stages: run the migrations first.")
            return
        now = timezone.now()
        created = points = 0
        with transaction.atomic():
            for manager in User.objects.active_managers().order_by("username"):
                clients = Client.objects.filter(
                    responsible_manager=manager, contacts__is_primary=True
                ).order_by("id")[: options["per_manager"]]
                for index, client in enumerate(clients):
                    rng = random.Random(options["seed"] * 100_003 + client.pk)
                    scenario = SCENARIOS[index % len(SCENARIOS)]
                    created += self.ensure_deal(client, manager, stages, scenario, now, rng)
            points = self.ensure_points()
        self.stdout.write(f"Demo deals: created {created} deals, {points} points entries.")

    def ensure_deal(
        self,
        client: Client,
        manager: User,
        stages: dict[str, DealStage],
        scenario: tuple[list[str], int],
        now: datetime.datetime,
        rng: random.Random,
    ) -> int:
        title = TITLE.format(client_id=client.pk)
        if Deal.objects.filter(client=client, title__startswith=title).exists():
            return 0
        codes, days_in_last = scenario
        moments = [now - datetime.timedelta(days=days_in_last)]
        for _code in codes[:-1]:
            moments.insert(0, moments[0] - datetime.timedelta(days=rng.randint(2, 6)))
        last = stages[codes[-1]]
        closed = last.is_won or last.is_lost
        deal = Deal.objects.create(
            client=client,
            manager=manager,
            title=f"{title}: {rng.choice(PRODUCTS)}",
            amount=Decimal(rng.randrange(50, 5000) * 1000),
            currency=Deal.Currency.RUB,
            stage=last,
            state=(Deal.State.WON if last.is_won else Deal.State.LOST) if closed else "open",
            expected_close_date=(now + datetime.timedelta(days=rng.randint(5, 60))).date(),
            close_reason="Too expensive" if last.is_lost else "",
            closed_at=moments[-1] if closed else None,
            stage_entered_at=moments[-1],
            stage_due_at=last.due_at(moments[-1]),
            created_by=manager,
        )
        previous = None
        for code, moment in zip(codes, moments, strict=True):
            DealStageChange.objects.create(
                deal=deal,
                from_stage=previous,
                to_stage=stages[code],
                changed_by=manager,
                changed_at=moment,
            )
            previous = stages[code]
        return 1

    def ensure_points(self) -> int:
        before = PointsEntry.objects.count()
        with_contact = Client.objects.filter(contacts__is_primary=True).exclude(
            points_entries__reason=PointsEntry.Reason.PRIMARY_CONTACT
        )
        PointsEntry.objects.bulk_create(
            [
                PointsEntry(
                    user_id=client.created_by_id,
                    points=settings.POINTS_PRIMARY_CONTACT,
                    reason=PointsEntry.Reason.PRIMARY_CONTACT,
                    client=client,
                )
                for client in with_contact.distinct()
            ],
            ignore_conflicts=True,
        )
        won = Deal.objects.won().filter(client__contacts__is_primary=True).select_related("client")
        PointsEntry.objects.bulk_create(
            [
                PointsEntry(
                    user_id=deal.client.created_by_id,
                    points=settings.POINTS_PRIMARY_CONTACT_DEAL_WON,
                    reason=PointsEntry.Reason.PRIMARY_CONTACT_DEAL_WON,
                    client=deal.client,
                    deal=deal,
                )
                for deal in won.distinct()
            ],
            ignore_conflicts=True,
        )
        return PointsEntry.objects.count() - before
