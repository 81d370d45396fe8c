"""Row-level security on integrations's tenant tables (docs/adr/0003-row-level-security.md)."""

from django.db import migrations

from doorstep.core.migration_ops import TenantRowSecurity


class Migration(migrations.Migration):
    dependencies = [("integrations", "0002_webhook_endpoints_events_deliveries")]

    operations = [
        TenantRowSecurity("integrations_externalref"),
        TenantRowSecurity("integrations_idempotentrequest"),
        TenantRowSecurity("integrations_requestcount"),
        TenantRowSecurity("integrations_tombstone"),
        TenantRowSecurity("integrations_webhookendpoint"),
        TenantRowSecurity("integrations_webhookevent"),
        TenantRowSecurity("integrations_webhookdelivery"),
        TenantRowSecurity("integrations_webhookattempt"),
    ]
