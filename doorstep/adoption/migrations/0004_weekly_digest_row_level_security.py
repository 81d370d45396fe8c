"""Row-level security on the weekly digest's tenant tables (docs/adr/0003-row-level-security.md)."""

from django.db import migrations

from doorstep.core.migration_ops import TenantRowSecurity


class Migration(migrations.Migration):
    dependencies = [("adoption", "0003_weekly_digest_setting_and_sent")]

    operations = [
        TenantRowSecurity("adoption_digestsetting"),
        TenantRowSecurity("adoption_digestsent"),
    ]
