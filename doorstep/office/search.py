"""The office search: one box in every page's header finds a customer, invoice, job or
estimate by name, number, email or phone. Results are grouped, each a link.

Every query is the company's own (`company=` first in each index used); a number goes
straight to the (company, number) unique indexes; a name, email or phone finds customers
(customers.search), and their invoices, jobs and estimates. Four queries at most, whatever
the company's size.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest, HttpResponse

from doorstep.billing.search import document_number, estimates_matching, invoices_matching
from doorstep.customers.search import customers_matching, search_terms
from doorstep.jobs.search import jobs_matching
from doorstep.tenancy.models import Company
from doorstep.tenancy.roles import StaffAction

from .gate import Office, office_page
from .pages import office_render

PER_GROUP = 8


@dataclass
class Results:
    query: str
    customers: list[Any] = field(default_factory=list)
    invoices: list[Any] = field(default_factory=list)
    jobs: list[Any] = field(default_factory=list)
    estimates: list[Any] = field(default_factory=list)

    @property
    def found(self) -> int:
        return len(self.customers) + len(self.invoices) + len(self.jobs) + len(self.estimates)


def office_search(*, company: Company, query: str, billing: bool) -> Results:
    """What the box finds (billing=False leaves invoices and estimates out: a technician's
    role does not include them)."""
    query = search_terms(query)
    results = Results(query=query)
    if not query:
        return results
    number = document_number(query)
    if number is not None:
        prefix, value = number
        if prefix in ("", "INV") and billing:
            results.invoices = list(
                invoices_matching(company=company, number=value, customer_ids=None)[:PER_GROUP]
            )
        if prefix in ("", "JOB"):
            results.jobs = list(jobs_matching(company=company, number=value)[:PER_GROUP])
        if prefix in ("", "EST") and billing:
            results.estimates = list(
                estimates_matching(company=company, number=value, customer_ids=None)[:PER_GROUP]
            )
        if prefix:
            return results  # "INV-0042" names one document; no customer is called that
    results.customers = list(
        customers_matching(company=company, query=query)
        .filter(archived_at__isnull=True)
        .order_by("name", "id")[:PER_GROUP]
    )
    ids = [c.pk for c in results.customers]
    if billing and ids and not results.invoices:
        results.invoices = list(
            invoices_matching(company=company, number=None, customer_ids=ids)[:PER_GROUP]
        )
    if billing and ids and not results.estimates:
        results.estimates = list(
            estimates_matching(company=company, number=None, customer_ids=ids)[:PER_GROUP]
        )
    if not results.jobs and ids:
        # Jobs of the customers found (a title "contains" would read every job of the
        # company: 5,000 rows for a big one, the slowest part of a search by far).
        results.jobs = list(
            jobs_matching(company=company, number=None, customer_ids=ids)[:PER_GROUP]
        )
    return results


@office_page(StaffAction.VIEW_OFFICE)
def search(request: HttpRequest, office: Office) -> HttpResponse:
    results = office_search(
        company=office.company,
        query=request.GET.get("q", ""),
        billing=office.may(StaffAction.SEE_BILLING),
    )
    return office_render(
        request, office, "office/search.html", {"results": results, "search_query": results.query}
    )
