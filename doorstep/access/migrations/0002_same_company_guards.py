from django.db import migrations

from doorstep.core.migration_ops import SameCompany


class Migration(migrations.Migration):
    dependencies = [
        ("access", "0001_initial"),
        ("customers", "0001_initial"),
    ]

    operations = [
        SameCompany("access_portalaccount", "customer_id", "customers_customer"),
        SameCompany("access_portalaccount", "contact_id", "customers_contact"),
        SameCompany("access_portalsession", "account_id", "access_portalaccount"),
    ]
