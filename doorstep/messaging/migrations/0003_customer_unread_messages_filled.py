"""Customer.unread_messages starts as the sum of the customer's conversations' counters."""

from django.db import migrations


def fill(apps, schema_editor):
    schema_editor.execute(
        "UPDATE customers_customer SET unread_messages = COALESCE((SELECT SUM(c.customer_unread)"
        " FROM messaging_conversation c WHERE c.customer_id = customers_customer.id), 0)"
    )


class Migration(migrations.Migration):

    dependencies = [
        ("customers", "0006_customer_unread_messages"),
        ("messaging", "0002_same_company_guards"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
