from django.db import migrations

from doorstep.core.migration_ops import SameCompany


class Migration(migrations.Migration):
    dependencies = [
        ("payments", "0003_checkout_refunds_saved_methods_inbox"),
    ]

    operations = [
        SameCompany("payments_refund", "payment_id", "payments_payment"),
        SameCompany("payments_payment", "saved_method_id", "payments_savedpaymentmethod"),
        SameCompany("payments_payment", "autopay_invoice_id", "billing_invoice"),
        SameCompany("payments_savedpaymentmethod", "customer_id", "customers_customer"),
        SameCompany("payments_autopayconsent", "customer_id", "customers_customer"),
        SameCompany("payments_autopayconsent", "saved_method_id", "payments_savedpaymentmethod"),
        SameCompany("payments_providercustomer", "customer_id", "customers_customer"),
    ]
