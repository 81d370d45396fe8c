"""billing.CustomerBalance: what each customer owes, one row per customer, kept by the
services (billing/customer_balances.py), filled here for the customers that exist; the
partial index `invoice_unpaid_by_customer` the refresh reads; the same-company guard and the
tenant policy every tenant table has (core/migration_ops.py)."""

import zoneinfo

import django.db.models.deletion
from django.db import migrations, models
from django.utils import timezone

from doorstep.core.migration_ops import SameCompany, TenantRowSecurity

# The rule as of this migration (an open invoice with a balance left); later changes to the
# rule live in billing/customer_balances.py, which `manage.py balances_refresh` applies.
FILL = """
INSERT INTO billing_customerbalance (company_id, customer_id, due_minor, unpaid_count,
    overdue_minor, overdue_count, earliest_unpaid_due, next_unpaid_due, overdue_as_of,
    refreshed_at)
SELECT c.company_id, c.id, COALESCE(SUM(i.balance_due), 0), COUNT(i.id),
    COALESCE(SUM(CASE WHEN i.due_date < %(today)s THEN i.balance_due END), 0),
    COUNT(CASE WHEN i.due_date < %(today)s THEN 1 END),
    MIN(i.due_date), MIN(CASE WHEN i.due_date >= %(today)s THEN i.due_date END),
    %(today)s, %(now)s
FROM customers_customer c
LEFT JOIN billing_invoice i ON i.customer_id = c.id AND i.company_id = c.company_id
    AND i.state = 'open' AND i.balance_due > 0
WHERE c.company_id = %(company)s
GROUP BY c.company_id, c.id
"""


def fill(apps, schema_editor):
    connection = schema_editor.connection
    ops = connection.ops
    now = timezone.now()
    for company_id, zone in apps.get_model("tenancy", "Company").objects.values_list(
        "id", "timezone"
    ):
        today = now.astimezone(zoneinfo.ZoneInfo(zone)).date()
        params = {
            "today": ops.adapt_datefield_value(today),
            "now": ops.adapt_datetimefield_value(now),
            "company": company_id,
        }
        with connection.cursor() as cursor:
            cursor.execute(FILL, params)


class Migration(migrations.Migration):

    dependencies = [
        ("billing", "0005_estimate_accepted_terms"),
        ("customers", "0007_row_level_security"),
        ("tenancy", "0002_settings_sections_branding_plans"),
    ]

    operations = [
        migrations.CreateModel(
            name="CustomerBalance",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("due_minor", models.BigIntegerField(default=0, editable=False)),
                ("unpaid_count", models.PositiveIntegerField(default=0, editable=False)),
                ("overdue_minor", models.BigIntegerField(default=0, editable=False)),
                ("overdue_count", models.PositiveIntegerField(default=0, editable=False)),
                ("earliest_unpaid_due", models.DateField(blank=True, editable=False, null=True)),
                ("next_unpaid_due", models.DateField(blank=True, editable=False, null=True)),
                ("overdue_as_of", models.DateField(editable=False)),
                ("refreshed_at", models.DateTimeField(editable=False)),
                ("company", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to="tenancy.company")),
                ("customer", models.ForeignKey(editable=False, on_delete=django.db.models.deletion.CASCADE, related_name="+", to="customers.customer")),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(fields=("company", "customer"), name="uniq_customer_balance"),
                    models.CheckConstraint(condition=models.Q(("overdue_minor__gte", 0), ("overdue_minor__lte", models.F("due_minor"))), name="customer_balance_overdue_within_due"),
                    models.CheckConstraint(condition=models.Q(("overdue_count__lte", models.F("unpaid_count"))), name="customer_balance_overdue_count_within_unpaid"),
                ],
            },
        ),
        migrations.AddIndex(
            model_name="invoice",
            index=models.Index(condition=models.Q(("balance_due__gt", 0), ("state", "open")), fields=["company", "customer", "due_date", "balance_due"], name="invoice_unpaid_by_customer"),
        ),
        SameCompany("billing_customerbalance", "customer_id", "customers_customer"),
        migrations.RunPython(fill, migrations.RunPython.noop),
        TenantRowSecurity("billing_customerbalance"),
    ]
