"""Customer.unread_messages for the portal's unread badge.

Added with plain ALTER TABLE ... ADD COLUMN instead of Django's AddField: on SQLite that
AddField rebuilds customers_customer, which breaks the same-company triggers of the many
tables that name it (core/migration_ops.py). Filled from the conversations by
messaging/migrations/0003_customer_unread_messages_filled.py."""

from django.db import migrations, models


def add_column(apps, schema_editor):
    schema_editor.execute(
        "ALTER TABLE customers_customer ADD COLUMN unread_messages integer NOT NULL "
        "DEFAULT 0 CHECK (unread_messages >= 0)"
    )


def drop_column(apps, schema_editor):
    schema_editor.execute("ALTER TABLE customers_customer DROP COLUMN unread_messages")


class Migration(migrations.Migration):

    dependencies = [
        ("customers", "0005_search_trigram_indexes"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(add_column, drop_column)],
            state_operations=[
                migrations.AddField(
                    model_name="customer",
                    name="unread_messages",
                    field=models.PositiveIntegerField(default=0, editable=False),
                ),
            ],
        ),
    ]
