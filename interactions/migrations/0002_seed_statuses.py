"""Seed the status picklist; admins edit it afterwards. Reversible: removes only unused seeds."""

from django.db import migrations

CALL = ["incoming_call", "outgoing_call"]
EMAIL = ["incoming_email", "outgoing_email"]

# (code, English name, kinds, is_final, requires_result, is_excluded_from_counts)
SEEDS = [
    ("taken_into_work", "Taken into work", CALL, False, False, False),
    ("completed", "Completed", CALL, True, True, False),
    ("call_back_later", "Call back later", CALL, False, False, False),
    ("missed", "Missed", CALL, False, False, False),
    ("no_answer", "No answer", CALL, False, False, False),
    ("wrong_number", "Wrong number", CALL, True, False, True),
    ("planned", "Planned", [*CALL, "meeting"], False, False, False),
    ("held", "Held", ["meeting"], True, True, False),
    ("not_held", "Not held", ["meeting"], True, True, False),
    ("cancelled", "Cancelled", [*CALL, "meeting"], True, False, False),
    ("received", "Received", ["incoming_email"], False, False, False),
    ("sent", "Sent", ["outgoing_email"], True, False, False),
    ("completed", "Completed", EMAIL, True, False, False),
    ("recorded", "Recorded", ["note"], True, False, False),
]


def seed(apps, schema_editor):
    InteractionStatus = apps.get_model("interactions", "InteractionStatus")
    for position, (code, name, kinds, is_final, requires_result, excluded) in enumerate(SEEDS):
        for kind in kinds:
            InteractionStatus.objects.get_or_create(
                kind=kind,
                code=code,
                defaults={
                    "name": name,
                    "position": position * 10,
                    "is_final": is_final,
                    "requires_result": requires_result,
                    "is_excluded_from_counts": excluded,
                },
            )


def unseed(apps, schema_editor):
    InteractionStatus = apps.get_model("interactions", "InteractionStatus")
    for code, _name, kinds, *_flags in SEEDS:
        InteractionStatus.objects.filter(code=code, kind__in=kinds, interactions__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("interactions", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
