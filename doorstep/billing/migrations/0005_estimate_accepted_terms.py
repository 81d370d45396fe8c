from django.db import migrations, models

from doorstep.core.migration_ops import SameCompany, WithoutSameCompany

# SQLite rebuilds billing_estimate to add the column: every guard that names the table is
# taken off first and put back last (see doorstep/core/migration_ops.py).
GUARDS = [
    ("billing_estimate", "customer_id", "customers_customer"),
    ("billing_estimate", "location_id", "customers_location"),
    ("billing_estimatelineitem", "estimate_id", "billing_estimate"),
    ("billing_estimatecomment", "estimate_id", "billing_estimate"),
]


class Migration(migrations.Migration):
    dependencies = [
        ("billing", "0004_row_level_security"),
    ]

    operations = [
        *[WithoutSameCompany(*guard) for guard in GUARDS],
        migrations.AddField(
            model_name="estimate",
            name="accepted_terms",
            field=models.TextField(blank=True, editable=False),
        ),
        *[SameCompany(*guard) for guard in GUARDS],
    ]
