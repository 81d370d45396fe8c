from django.db import migrations

from doorstep.core.migration_ops import SameCompany


class Migration(migrations.Migration):
    dependencies = [
        ("payments", "0001_initial"),
        ("billing", "0001_initial"),
        ("customers", "0001_initial"),
    ]

    operations = [
        SameCompany("payments_payment", "customer_id", "customers_customer"),
        SameCompany("payments_paymentallocation", "payment_id", "payments_payment"),
        SameCompany("payments_paymentallocation", "invoice_id", "billing_invoice"),
    ]
