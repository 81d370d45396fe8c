"""Row-level security on payments's tenant tables (docs/adr/0003-row-level-security.md)."""

from django.db import migrations

from doorstep.core.migration_ops import TenantRowSecurity


class Migration(migrations.Migration):
    dependencies = [("payments", "0007_payment_ach_mandate")]

    operations = [
        TenantRowSecurity("payments_autopayconsent"),
        TenantRowSecurity("payments_demointent"),
        TenantRowSecurity("payments_payment"),
        TenantRowSecurity("payments_paymentallocation"),
        TenantRowSecurity("payments_providercustomer"),
        TenantRowSecurity("payments_refund"),
        TenantRowSecurity("payments_savedpaymentmethod"),
    ]
