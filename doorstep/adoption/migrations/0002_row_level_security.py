"""Row-level security on adoption's tenant tables (docs/adr/0003-row-level-security.md)."""

from django.db import migrations

from doorstep.core.migration_ops import TenantRowSecurity


class Migration(migrations.Migration):
    dependencies = [("adoption", "0001_activity_ledger_and_daily_figures")]

    operations = [
        TenantRowSecurity("adoption_activity"),
        TenantRowSecurity("adoption_customerreach"),
        TenantRowSecurity("adoption_dailyfigure"),
        TenantRowSecurity("adoption_rollupprogress"),
    ]
