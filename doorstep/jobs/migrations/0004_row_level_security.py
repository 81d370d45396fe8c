"""Row-level security on jobs's tenant tables (docs/adr/0003-row-level-security.md)."""

from django.db import migrations

from doorstep.core.migration_ops import TenantRowSecurity


class Migration(migrations.Migration):
    dependencies = [("jobs", "0003_job_photos")]

    operations = [
        TenantRowSecurity("jobs_job"),
        TenantRowSecurity("jobs_jobevent"),
        TenantRowSecurity("jobs_jobphoto"),
        TenantRowSecurity("jobs_technician"),
    ]
