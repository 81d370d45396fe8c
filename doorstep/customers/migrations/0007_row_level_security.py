"""Row-level security on customers's tenant tables (docs/adr/0003-row-level-security.md)."""

from django.db import migrations

from doorstep.core.migration_ops import TenantRowSecurity


class Migration(migrations.Migration):
    dependencies = [("customers", "0006_customer_unread_messages")]

    operations = [
        TenantRowSecurity("customers_contact"),
        TenantRowSecurity("customers_customer"),
        TenantRowSecurity("customers_location"),
    ]
