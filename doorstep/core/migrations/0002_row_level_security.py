"""Row-level security on core's tenant tables (docs/adr/0003-row-level-security.md)."""

from django.db import migrations

from doorstep.core.migration_ops import TenantRowSecurity


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [
        TenantRowSecurity("core_auditevent"),
        TenantRowSecurity("core_numbersequence"),
    ]
