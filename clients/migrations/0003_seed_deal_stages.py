"""Seed the deal stage picklist and the transfer rules; admins edit both afterwards.

Reversible: removes only seeds nothing refers to.
"""

from django.db import migrations

# (code, English name, standard days, is_won, is_lost)
STAGES = [
    ("new", "New", 3, False, False),
    ("presentation_sent", "Presentation sent", 7, False, False),
    ("proposal_sent", "Commercial proposal sent", 10, False, False),
    ("contract_sent", "Contract sent", 14, False, False),
    ("won", "Won", 0, True, False),
    ("lost", "Lost", 0, False, True),
]
# (kind, days, warn days)
RULES = [
    ("no_interaction", 60, 14),
    ("deal_stuck", 30, 7),
    ("manager_leaving", 14, 0),
]


def seed(apps, schema_editor):
    DealStage = apps.get_model("clients", "DealStage")
    TransferRule = apps.get_model("clients", "TransferRule")
    for position, (code, name, days, is_won, is_lost) in enumerate(STAGES):
        DealStage.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "position": (position + 1) * 10,
                "standard_days": days,
                "is_won": is_won,
                "is_lost": is_lost,
            },
        )
    if not TransferRule.objects.exists():
        for position, (kind, days, warn_days) in enumerate(RULES):
            TransferRule.objects.create(
                kind=kind, days=days, warn_days=warn_days, position=(position + 1) * 10
            )


def unseed(apps, schema_editor):
    DealStage = apps.get_model("clients", "DealStage")
    TransferRule = apps.get_model("clients", "TransferRule")
    for kind, days, _warn_days in RULES:
        TransferRule.objects.filter(kind=kind, days=days, transfers__isnull=True).delete()
    DealStage.objects.filter(
        code__in=[code for code, *_rest in STAGES], deals__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("clients", "0002_deals_transfers_points")]

    operations = [migrations.RunPython(seed, unseed)]
