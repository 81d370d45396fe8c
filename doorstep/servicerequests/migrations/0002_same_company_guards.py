from django.db import migrations

from doorstep.core.migration_ops import SameCompany


class Migration(migrations.Migration):
    dependencies = [
        ("servicerequests", "0001_initial"),
        ("customers", "0001_initial"),
        ("jobs", "0001_initial"),
    ]

    operations = [
        SameCompany("servicerequests_servicerequest", "customer_id", "customers_customer"),
        SameCompany("servicerequests_servicerequest", "location_id", "customers_location"),
        SameCompany(
            "servicerequests_servicerequest", "service_type_id", "servicerequests_servicetype"
        ),
        SameCompany("servicerequests_servicerequest", "job_id", "jobs_job"),
        SameCompany(
            "servicerequests_servicerequestphoto", "request_id", "servicerequests_servicerequest"
        ),
    ]
