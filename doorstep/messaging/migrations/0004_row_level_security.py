"""Row-level security on messaging's tenant tables (docs/adr/0003-row-level-security.md)."""

from django.db import migrations

from doorstep.core.migration_ops import TenantRowSecurity


class Migration(migrations.Migration):
    dependencies = [("messaging", "0003_customer_unread_messages_filled")]

    operations = [
        TenantRowSecurity("messaging_conversation"),
        TenantRowSecurity("messaging_message"),
        TenantRowSecurity("messaging_messageattachment"),
    ]
