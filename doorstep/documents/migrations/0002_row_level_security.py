"""Row-level security on documents's tenant tables (docs/adr/0003-row-level-security.md)."""

from django.db import migrations

from doorstep.core.migration_ops import TenantRowSecurity


class Migration(migrations.Migration):
    dependencies = [("documents", "0001_initial")]

    operations = [
        TenantRowSecurity("documents_document"),
    ]
