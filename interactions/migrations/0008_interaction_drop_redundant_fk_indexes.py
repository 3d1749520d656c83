"""Drop the single-column indexes of Interaction.client and .manager.

The (client, -occurred_at) and (manager, -occurred_at) indexes lead with the same columns, so
foreign-key checks and lookups keep an index, and every query on the journal plans faster
(bench/README.md). Only the indexes go: Django's own AlterField would also drop and re-add the
foreign keys, re-checking every row of the journal under an exclusive lock.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

INDEXES = {
    "interactions_interaction_client_id_e116e6d7": "client_id",
    "interactions_interaction_manager_id_e5cd8e1d": "manager_id",
}


class Migration(migrations.Migration):
    dependencies = [
        ("clients", "0007_client_contact_deal_version"),
        ("interactions", "0007_interaction_inbox_task_indexes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="interaction",
                    name="client",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="interactions",
                        to="clients.client",
                        verbose_name="client",
                    ),
                ),
                migrations.AlterField(
                    model_name="interaction",
                    name="manager",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        help_text="Empty: waiting in the team's queue.",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="interactions",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="manager",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    sql=f'DROP INDEX IF EXISTS "{name}"',
                    reverse_sql=(
                        f'CREATE INDEX IF NOT EXISTS "{name}" '
                        f'ON "interactions_interaction" ("{column}")'
                    ),
                )
                for name, column in INDEXES.items()
            ],
        ),
    ]
