"""`doorstep_analyze()`: ANALYZE every table as the role that owns them.

PostgreSQL (before 17's pg_maintain) lets only a table's owner, the database's owner or a
superuser ANALYZE it. The bulk demo loader runs as the maintenance role (tenancy.rls), which
owns nothing: its ANALYZE skipped every table with a warning and a freshly grown benchmark
database was planned as if empty. This function runs as the owner that ran the migration;
EXECUTE is revoked from PUBLIC and granted to the maintenance role by `manage.py db_roles`.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION doorstep_analyze() RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
BEGIN
    ANALYZE;
END
$$;
REVOKE ALL ON FUNCTION doorstep_analyze() FROM PUBLIC;
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS doorstep_analyze()")


class Migration(migrations.Migration):
    dependencies = [("tenancy", "0002_settings_sections_branding_plans")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
