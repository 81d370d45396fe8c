"""Row-level security on imports's tenant tables (docs/adr/0003-row-level-security.md)."""

from django.db import migrations

from doorstep.core.migration_ops import TenantRowSecurity


class Migration(migrations.Migration):
    dependencies = [("imports", "0001_import_runs")]

    operations = [
        TenantRowSecurity("imports_importrun"),
    ]
