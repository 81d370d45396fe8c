from django.db import migrations, models

from doorstep.core.migration_ops import SameCompany, WithoutSameCompany

# SQLite rebuilds payments_payment to add the column: every guard that names the table is
# taken off first and put back last (see doorstep/core/migration_ops.py).
GUARDS = [
    ("payments_payment", "customer_id", "customers_customer"),
    ("payments_payment", "saved_method_id", "payments_savedpaymentmethod"),
    ("payments_payment", "autopay_invoice_id", "billing_invoice"),
    ("payments_paymentallocation", "payment_id", "payments_payment"),
    ("payments_refund", "payment_id", "payments_payment"),
]


class Migration(migrations.Migration):
    dependencies = [
        ("payments", "0004_same_company_guards"),
    ]

    operations = [
        *[WithoutSameCompany(*guard) for guard in GUARDS],
        migrations.AddField(
            model_name="payment",
            name="provider_mismatch",
            field=models.CharField(
                blank=True,
                help_text="The provider reported an amount or currency this attempt never "
                "asked for; that report was not applied. Check the payment at the provider.",
                max_length=300,
            ),
        ),
        *[SameCompany(*guard) for guard in GUARDS],
    ]
