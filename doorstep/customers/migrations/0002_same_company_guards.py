from django.db import migrations

from doorstep.core.migration_ops import SameCompany


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0001_initial"),
    ]

    operations = [
        SameCompany("customers_contact", "customer_id", "customers_customer"),
        SameCompany("customers_location", "customer_id", "customers_customer"),
    ]
