"""Row-level security on servicerequests's tenant tables (docs/adr/0003-row-level-security.md)."""

from django.db import migrations

from doorstep.core.migration_ops import TenantRowSecurity


class Migration(migrations.Migration):
    dependencies = [("servicerequests", "0002_same_company_guards")]

    operations = [
        TenantRowSecurity("servicerequests_servicerequest"),
        TenantRowSecurity("servicerequests_servicerequestphoto"),
        TenantRowSecurity("servicerequests_servicetype"),
    ]
