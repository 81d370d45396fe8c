"""Row-level security on support's tenant tables (docs/adr/0003-row-level-security.md)."""

from django.db import migrations

from doorstep.core.migration_ops import TenantRowSecurity


class Migration(migrations.Migration):
    dependencies = [("support", "0002_same_company")]

    operations = [
        TenantRowSecurity("support_article"),
        TenantRowSecurity("support_articlevote"),
        TenantRowSecurity("support_blockedsender"),
        TenantRowSecurity("support_category"),
        TenantRowSecurity("support_heldmail"),
        TenantRowSecurity("support_ticket"),
        TenantRowSecurity("support_ticketattachment"),
        TenantRowSecurity("support_ticketmessage"),
    ]
