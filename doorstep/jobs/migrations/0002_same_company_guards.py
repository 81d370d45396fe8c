from django.db import migrations

from doorstep.core.migration_ops import SameCompany


class Migration(migrations.Migration):
    dependencies = [
        ("jobs", "0001_initial"),
        ("customers", "0001_initial"),
    ]

    operations = [
        SameCompany("jobs_job", "customer_id", "customers_customer"),
        SameCompany("jobs_job", "location_id", "customers_location"),
        SameCompany("jobs_job", "technician_id", "jobs_technician"),
        SameCompany("jobs_jobevent", "job_id", "jobs_job"),
    ]
