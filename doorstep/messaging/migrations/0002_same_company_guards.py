from django.db import migrations

from doorstep.core.migration_ops import SameCompany


class Migration(migrations.Migration):
    dependencies = [
        ("messaging", "0001_initial"),
        ("customers", "0001_initial"),
        ("jobs", "0001_initial"),
        ("billing", "0001_initial"),
        ("servicerequests", "0001_initial"),
    ]

    operations = [
        SameCompany("messaging_conversation", "customer_id", "customers_customer"),
        SameCompany("messaging_conversation", "job_id", "jobs_job"),
        SameCompany("messaging_conversation", "invoice_id", "billing_invoice"),
        SameCompany(
            "messaging_conversation", "service_request_id", "servicerequests_servicerequest"
        ),
        SameCompany("messaging_message", "conversation_id", "messaging_conversation"),
        SameCompany("messaging_messageattachment", "message_id", "messaging_message"),
    ]
