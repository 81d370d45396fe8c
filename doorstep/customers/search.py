"""Finding a customer by what staff type: part of a name, an email address or a phone number.

Every query starts from the company: on PostgreSQL the trigram indexes over (company_id,
name / email / phone) bound the rows read to that company's matching rows, however many
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
    email or phone contains it. Unordered and unsliced: callers order and cut.

    A UNION of the two halves rather than `name LIKE ... OR pk IN (contacts)`: an OR with a
    subquery can only be checked row by row, so PostgreSQL read every customer of the company;
    each half of the UNION is answered by its own (company_id, UPPER(col) gin_trgm_ops) index
    (migration customers 0005), and reads only the matching rows of that company."""
    query = search_terms(query)
    if not query:
        return Customer.objects.none()
    contact_match = Q(email__icontains=query)
    if PHONE_CHARS.match(query):
        contact_match |= Q(phone__icontains=query)
    by_name = Customer.objects.for_company(company).filter(name__icontains=query).order_by()
    by_contact = Contact.objects.for_company(company).filter(contact_match).order_by()
    ids = by_name.values("pk").union(by_contact.values("customer_id"))
    return Customer.objects.for_company(company).filter(pk__in=ids)
