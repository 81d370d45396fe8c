"""Row-level security on access's tenant tables (docs/adr/0003-row-level-security.md)."""

from django.db import migrations

from doorstep.core.migration_ops import TenantRowSecurity


class Migration(migrations.Migration):
    dependencies = [("access", "0005_sso_help_site_and_identity_providers")]

    operations = [
        TenantRowSecurity("access_customerssorequirement"),
        TenantRowSecurity("access_helphandoff"),
        TenantRowSecurity("access_helpsitekey"),
        TenantRowSecurity("access_identitylink"),
        TenantRowSecurity("access_identityprovider"),
        TenantRowSecurity("access_invoicelink"),
        TenantRowSecurity("access_loginlink"),
        TenantRowSecurity("access_oidcsigninattempt"),
        TenantRowSecurity("access_portalaccount"),
        TenantRowSecurity("access_portalsession"),
        TenantRowSecurity("access_registrationrequest"),
        TenantRowSecurity("access_ssononce"),
    ]
