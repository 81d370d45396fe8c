"""PostgreSQL: trigram indexes bound to the company for the office search by part of a name,
an email or a phone number (customers/search.py).

`icontains` is `UPPER(col::text) LIKE UPPER('%...%')`: a b-tree cannot answer a "contains",
so the (company, name) index read every customer of the company. A GIN index over
(company_id, UPPER(col::text) gin_trgm_ops) answers both halves at once: btree_gin lets the
integer company_id sit in the same GIN index, so the rows read are that company's matching
rows only. pg_trgm and btree_gin are "trusted" extensions (PostgreSQL 13+): the database owner
may create them without being a superuser. SQLite has neither and keeps its plain scan of
the company's rows (nothing to do there)."""

from django.db import migrations

INDEXES = [
    ("customer_name_trgm", "customers_customer", "name"),
    ("contact_email_trgm", "customers_contact", "email"),
    ("contact_phone_trgm", "customers_contact", "phone"),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gin")
    for name, table, column in INDEXES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} "
            f"USING gin (company_id, (UPPER({column}::text)) gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _column in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("customers", "0004_customer_updated_at")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
