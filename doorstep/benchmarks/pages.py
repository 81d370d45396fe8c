"""The pages the benchmark measures, as the long-history customer sees them.

The customer is the one bulk_grow gives 2,000 invoices and 500 jobs (HEAVY_EMAIL). The
benchmark signs a test client in with a real PortalSession, exactly as the sign-in does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from doorstep.access.models import PortalAccount, PortalAccountState, PortalSession
from doorstep.access.portal_sessions import portal_cookie_path, portal_session_create
from doorstep.billing.models import Invoice, InvoiceState
from doorstep.customers.models import Contact, Customer
from doorstep.demo.bulk import HEAVY_EMAIL

HISTORY_PAGE = 20  # "Service history page 20": the first page and 19 "Load more" clicks

# Targets of issue 4, point 10 (milliseconds; "floor_ratio" is p95 over the floor's p95).
MAX_QUERIES = 10
HTML_P95_MS = 25.0
HTML_FLOOR_RATIO = 3.0
PDF_COLD_P95_MS = 500.0
PDF_CACHED_P95_MS = 20.0


@dataclass
class PageSpec:
    key: str
    label: str
    url: str
    kind: str  # "baseline", "html", "pdf_cold" or "pdf_cached"
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def is_html(self) -> bool:
        return self.kind == "html"


@dataclass
class Visitor:
    """The signed-in long-history customer and what the pages need to know about them."""

    client: Client
    customer: Customer
    session: PortalSession
    invoice: Invoice  # the one whose detail page and PDF are measured

    @property
    def company(self) -> Any:
        return self.customer.company


def heavy_contact(customer: Customer) -> Contact:
    contact = customer.contacts.filter(email=HEAVY_EMAIL).first() or customer.contacts.first()
    if contact is None:
        raise LookupError(f"{customer} has no contact to sign in with")
    return contact


def visitor_sign_in(customer: Customer) -> Visitor:
    """A test client with a live full-portal session of the customer's portal account."""
    contact = heavy_contact(customer)
    account = PortalAccount.objects.filter(contact=contact).first()
    if account is None:
        account = PortalAccount.objects.create(
            company=customer.company,
            customer=customer,
            contact=contact,
            email=contact.email.lower(),
            state=PortalAccountState.ACTIVE,
        )
    session, raw = portal_session_create(account=account, user_agent="manage.py bench")
    client = Client()
    client.cookies[settings.PORTAL_SESSION_COOKIE] = raw
    client.cookies[settings.PORTAL_SESSION_COOKIE]["path"] = portal_cookie_path(customer.company)
    return Visitor(client=client, customer=customer, session=session, invoice=_invoice(customer))


def visitor_sign_out(visitor: Visitor) -> None:
    PortalSession.objects.filter(pk=visitor.session.pk).update(ended_at=timezone.now())


def _invoice(customer: Customer) -> Invoice:
    """The newest invoice with a payment applied: its page shows lines and payments."""
    visible = Invoice.objects.filter(company=customer.company, customer=customer).exclude(
        state=InvoiceState.DRAFT
    )
    newest = visible.order_by("-issue_date", "-number")
    invoice = newest.filter(amount_paid__gt=0).first() or newest.first()
    if invoice is None:
        raise LookupError(f"{customer} has no invoice to open")
    return invoice


def history_page_url(client: Client, base: str, page: int) -> str:
    """Follow the "Load more" cursor page-1 times, as a customer clicking it would.

    The link is `?tab=history&after=<cursor>`; the view puts the cursor in
    context["history"].next_cursor, which the test client exposes.
    """
    from .measure import templates_recorded

    url = f"{base}?tab=history"
    with templates_recorded():
        for _ in range(page - 1):
            response = client.get(url)
            cursor = response.context["history"].next_cursor
            if not cursor:
                raise LookupError(f"the service history has fewer than {page} pages")
            url = f"{base}?tab=history&after={cursor}"
    return url


def page_specs(visitor: Visitor) -> list[PageSpec]:
    slug = visitor.company.slug
    invoice_id = visitor.invoice.pk
    jobs = reverse("portal:jobs", args=[slug])
    history = history_page_url(visitor.client, jobs, HISTORY_PAGE)
    pdf = reverse("portal:invoice_pdf", args=[slug, invoice_id])
    return [
        # What every request costs before any portal code runs: client, URL routing, middleware.
        PageSpec("baseline", "Baseline: /healthz", "/healthz", "baseline"),
        PageSpec("home", "Home", reverse("portal:home", args=[slug]), "html"),
        PageSpec("invoices", "Invoice list", reverse("portal:invoices", args=[slug]), "html"),
        PageSpec(
            "invoice_detail",
            "Invoice detail",
            reverse("portal:invoice_detail", args=[slug, invoice_id]),
            "html",
        ),
        PageSpec("pdf_cold", "Invoice PDF, cold", pdf, "pdf_cold"),
        PageSpec("pdf_cached", "Invoice PDF, cached", pdf, "pdf_cached"),
        PageSpec("jobs_active", "Active jobs", jobs, "html"),
        PageSpec("history_20", f"Service history p{HISTORY_PAGE}", history, "html"),
        PageSpec(
            "history_20_htmx",
            f"History p{HISTORY_PAGE} (Load more, htmx)",
            history,
            "html",
            headers={"HX-Request": "true"},
        ),
        PageSpec("payments", "Payments", reverse("portal:payments", args=[slug]), "html"),
    ]
