from django.db import migrations

from doorstep.core.migration_ops import SameCompany


class Migration(migrations.Migration):
    dependencies = [
        ("billing", "0001_initial"),
        ("customers", "0001_initial"),
        ("jobs", "0001_initial"),
    ]

    operations = [
        SameCompany("billing_invoice", "customer_id", "customers_customer"),
        SameCompany("billing_invoice", "job_id", "jobs_job"),
        SameCompany("billing_lineitem", "invoice_id", "billing_invoice"),
        SameCompany("billing_estimate", "customer_id", "customers_customer"),
        SameCompany("billing_estimate", "location_id", "customers_location"),
        SameCompany("billing_estimatelineitem", "estimate_id", "billing_estimate"),
    ]
