"""Row-level security on messaging's tenant tables (docs/adr/0003-row-level-security.md)."""

from django.db import migrations

from doorstep.core.migration_ops import TenantRowSecurity


class Migration(migrations.Migration):
    dependencies = [("messaging", "0002_same_company_guards")]

    operations = [
        TenantRowSecurity("messaging_conversation"),
        TenantRowSecurity("messaging_message"),
        TenantRowSecurity("messaging_messageattachment"),
    ]
