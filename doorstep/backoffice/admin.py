"""Every page of the back office, registered in one place.

Django's admin imports `<app>/admin.py` of each installed app; this is the only one: the domain
apps hold no admin code. Importing a module registers its ModelAdmins on the back-office site
(`BackOfficeSite`, the default site of `DoorstepAdminConfig`).
"""

from . import (  # noqa: F401  (imported for their @admin.register)
    company,
    customers,
    documents,
    estimates,
    invoices,
    jobs,
    message_templates,
    messages,
    outbox,
    payments,
    registrations,
    service_requests,
)
