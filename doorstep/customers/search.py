"""Finding a customer by what staff type: part of a name, an email address or a phone number.

Every query starts from the company: the (company, name) index on customers and the
(company, email) index on contacts bound the rows read to that company's, however many
companies share the database (docs/office.md, "Home and search", shows the plans).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from .models import Contact, Customer

if TYPE_CHECKING:
    from doorstep.tenancy.models import Company

MAX_QUERY = 100
PHONE_CHARS = re.compile(r"^[\d\s()+.\-]{3,}$")


def search_terms(raw: str) -> str:
    """The query as searched: trimmed, inner spaces collapsed, at most 100 characters."""
    return " ".join((raw or "").split())[:MAX_QUERY]


def customers_matching(*, company: Company, query: str) -> QuerySet[Customer]:
    """The company's customers whose name contains the query, or who have a contact whose
    email or phone contains it. Unordered and unsliced: callers order and cut."""
    query = search_terms(query)
    if not query:
        return Customer.objects.none()
    contact_match = Q(email__icontains=query)
    if PHONE_CHARS.match(query):
        contact_match |= Q(phone__icontains=query)
    contacts = Contact.objects.for_company(company).filter(contact_match).values("customer_id")
    return Customer.objects.for_company(company).filter(
        Q(name__icontains=query) | Q(pk__in=contacts)
    )
