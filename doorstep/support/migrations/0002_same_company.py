"""The database refuses a help article, vote, ticket, message, photo or held email that points
into another company (core.migration_ops.SameCompany)."""

from django.db import migrations

from doorstep.core.migration_ops import SameCompany

GUARDS = [
    ("support_article", "category_id", "support_category"),
    ("support_articlevote", "article_id", "support_article"),
    ("support_articlevote", "customer_id", "customers_customer"),
    ("support_ticket", "customer_id", "customers_customer"),
    ("support_ticket", "contact_id", "customers_contact"),
    ("support_ticket", "article_id", "support_article"),
    ("support_ticketmessage", "ticket_id", "support_ticket"),
    ("support_ticketattachment", "ticket_id", "support_ticket"),
    ("support_ticketattachment", "message_id", "support_ticketmessage"),
    ("support_heldmail", "ticket_id", "support_ticket"),
]


class Migration(migrations.Migration):
    dependencies = [("support", "0001_initial"), ("customers", "0001_initial")]

    operations = [SameCompany(*guard) for guard in GUARDS]
