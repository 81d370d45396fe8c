"""Row-level security on notifications's tenant tables (docs/adr/0003-row-level-security.md)."""

from django.db import migrations

from doorstep.core.migration_ops import TenantRowSecurity


class Migration(migrations.Migration):
    dependencies = [("notifications", "0005_office_wording_and_events")]

    operations = [
        TenantRowSecurity("notifications_customerphone"),
        TenantRowSecurity("notifications_messagetemplate"),
        TenantRowSecurity("notifications_notification"),
        TenantRowSecurity("notifications_notificationpreference"),
        TenantRowSecurity("notifications_undeliveredmailalert"),
    ]
