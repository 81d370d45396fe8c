from django.db import migrations

from doorstep.core.migration_ops import SameCompany


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0002_sms_preferences_templates"),
        ("customers", "0001_initial"),
    ]

    operations = [
        SameCompany("notifications_customerphone", "customer_id", "customers_customer"),
        SameCompany("notifications_notificationpreference", "customer_id", "customers_customer"),
    ]
