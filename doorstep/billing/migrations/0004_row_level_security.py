"""Row-level security on billing's tenant tables (docs/adr/0003-row-level-security.md)."""

from django.db import migrations

from doorstep.core.migration_ops import TenantRowSecurity


class Migration(migrations.Migration):
    dependencies = [("billing", "0003_estimatecomment_invoicepdf")]

    operations = [
        TenantRowSecurity("billing_estimate"),
        TenantRowSecurity("billing_estimatecomment"),
        TenantRowSecurity("billing_estimatelineitem"),
        TenantRowSecurity("billing_invoice"),
        TenantRowSecurity("billing_invoicepdf"),
        TenantRowSecurity("billing_lineitem"),
    ]
