"""Row-level security on integrations's tenant tables (docs/adr/0003-row-level-security.md)."""

from django.db import migrations

from doorstep.core.migration_ops import TenantRowSecurity


class Migration(migrations.Migration):
    dependencies = [("integrations", "0001_initial")]

    operations = [
        TenantRowSecurity("integrations_externalref"),
        TenantRowSecurity("integrations_idempotentrequest"),
        TenantRowSecurity("integrations_requestcount"),
        TenantRowSecurity("integrations_tombstone"),
    ]
