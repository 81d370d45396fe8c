from django.db import migrations

from doorstep.core.migration_ops import SameCompany


class Migration(migrations.Migration):
    dependencies = [
        ("access", "0003_links_invoice_links_registrations_throttle"),
        ("billing", "0001_initial"),
        ("customers", "0001_initial"),
    ]

    operations = [
        SameCompany("access_loginlink", "account_id", "access_portalaccount"),
        SameCompany("access_invoicelink", "account_id", "access_portalaccount"),
        SameCompany("access_invoicelink", "invoice_id", "billing_invoice"),
        SameCompany("access_registrationrequest", "customer_id", "customers_customer"),
    ]
