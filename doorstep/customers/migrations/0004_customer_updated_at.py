"""Customer.updated_at for the API's incremental sync.

Added with plain ALTER TABLE ... ADD COLUMN (then filled from created_at) instead of Django's
AddField: on SQLite that AddField rebuilds customers_customer, which breaks the same-company
triggers of the many tables that name it (core/migration_ops.py)."""

from django.db import migrations, models


def add_column(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(
            "ALTER TABLE customers_customer ADD COLUMN updated_at datetime NOT NULL "
            "DEFAULT '1970-01-01 00:00:00'"
        )
    else:
        schema_editor.execute(
            "ALTER TABLE customers_customer ADD COLUMN updated_at timestamp with time zone "
            "NOT NULL DEFAULT now()"
        )
        schema_editor.execute("ALTER TABLE customers_customer ALTER COLUMN updated_at DROP DEFAULT")
    schema_editor.execute("UPDATE customers_customer SET updated_at = created_at")


def drop_column(apps, schema_editor):
    schema_editor.execute("ALTER TABLE customers_customer DROP COLUMN updated_at")


class Migration(migrations.Migration):

    dependencies = [
        ("customers", "0003_customer_archived_at"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(add_column, drop_column)],
            state_operations=[
                migrations.AddField(
                    model_name="customer",
                    name="updated_at",
                    field=models.DateTimeField(auto_now=True),
                ),
            ],
        ),
        migrations.AddIndex(
            model_name="customer",
            index=models.Index(fields=["company", "updated_at", "id"], name="customer_sync_order"),
        ),
    ]
