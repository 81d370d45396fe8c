"""Customer-facing portal pages. Thin: resolve identity (portal_view), call selectors, render.

Every object page looks the object up with company= and customer= from the session, so
another customer's id is simply "not found" (404), indistinguishable from a missing one.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Page, Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from doorstep.access.decorators import company_portal, portal_view
from doorstep.access.portal_sessions import client_ip
from doorstep.billing.estimates import estimate_accept, estimate_comment_add, estimate_decline
from doorstep.billing.pdf import invoice_pdf_bytes, invoice_pdf_filename
from doorstep.core.audit import Actor
from doorstep.core.errors import DomainError
from doorstep.core.uploads import serve_private_file
from doorstep.documents.selectors import document_for_customer, documents_for_customer
from doorstep.tenancy.time import company_today

from . import selectors

INVOICES_PER_PAGE = 20
PAYMENTS_PER_PAGE = 20
ESTIMATES_PER_PAGE = 20
DOCUMENTS_PER_PAGE = 30
HISTORY_PER_PAGE = 10
ACTIVE_PER_PAGE = 20


def _render(
    request: HttpRequest, template: str, nav: str, http_status: int = 200, **context: Any
) -> HttpResponse:
    portal = request.portal  # type: ignore[attr-defined]
    base = {"company": portal.company, "portal": portal, "customer": portal.customer, "nav": nav}
    return render(request, template, {**base, **context}, status=http_status)


def _page(request: HttpRequest, items: Any, per_page: int) -> Page:
    """The requested page; anything that is not a valid page number gives the first page."""
    paginator = Paginator(items, per_page)
    raw = request.GET.get("page", "1")
    number = int(raw) if raw.isdigit() and len(raw) < 6 else 1
    if number < 1 or number > paginator.num_pages:
        number = 1
    return paginator.page(number)


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _scope(request: HttpRequest) -> dict[str, Any]:
    portal = request.portal  # type: ignore[attr-defined]
    return {"company": portal.company, "customer": portal.customer}


# --- Home -------------------------------------------------------------------------------------
@require_safe
@portal_view()
def home(request: HttpRequest, company_slug: str) -> HttpResponse:
    scope = _scope(request)
    today = company_today(scope["company"])
    return _render(
        request,
        "portal/home.html",
        "home",
        balance=selectors.balance_for_customer(**scope, today=today),
        next_visit=selectors.next_visit_for_customer(**scope),
        active_jobs=selectors.jobs_active_for_customer(**scope, limit=3),
        recent_invoices=list(selectors.invoices_for_customer(**scope, today=today)[:5]),
        estimates_awaiting=selectors.estimates_awaiting_count(**scope, today=today),
        today=today,
    )


# --- Invoices and payments --------------------------------------------------------------------
@require_safe
@portal_view()
def invoices(request: HttpRequest, company_slug: str) -> HttpResponse:
    scope = _scope(request)
    today = company_today(scope["company"])
    status = request.GET.get("status", "all")
    if status not in selectors.INVOICE_FILTERS:
        status = "all"
    page = _page(
        request,
        selectors.invoices_for_customer(**scope, status=status, today=today),
        INVOICES_PER_PAGE,
    )
    return _render(
        request,
        "portal/invoices.html",
        "invoices",
        page=page,
        status=status,
        filters=[(key, key.capitalize()) for key in selectors.INVOICE_FILTERS],
        balance=selectors.balance_for_customer(**scope, today=today),
        today=today,
    )


def _invoice_or_404(request: HttpRequest, invoice_id: int) -> Any:
    portal = request.portal  # type: ignore[attr-defined]
    if not portal.may_see_invoice(invoice_id):
        raise Http404("No such invoice.")
    invoice = selectors.invoice_for_customer(**_scope(request), invoice_id=invoice_id)
    if invoice is None:
        raise Http404("No such invoice.")
    return invoice


@require_safe
@portal_view(invoice_scope_ok=True)
def invoice_detail(request: HttpRequest, company_slug: str, invoice_id: int) -> HttpResponse:
    invoice = _invoice_or_404(request, invoice_id)
    company = request.portal.company  # type: ignore[attr-defined]
    if request.method == "GET" and not _is_htmx(request):
        # A real page view by a signed-in browser (scanners never get past the sign-in POST).
        selectors.invoice_mark_viewed(company=company, invoice=invoice)
    today = company_today(company)
    return _render(
        request,
        "portal/invoice_detail.html",
        "invoices",
        invoice=invoice,
        status=invoice.customer_status(today),
        allocations=[a for a in invoice.allocations.all() if a.payment.state != "cancelled"],
    )


@require_safe
@portal_view(invoice_scope_ok=True)
def invoice_pdf(request: HttpRequest, company_slug: str, invoice_id: int) -> HttpResponse:
    invoice = _invoice_or_404(request, invoice_id)
    company = request.portal.company  # type: ignore[attr-defined]
    content = invoice_pdf_bytes(company=company, invoice=invoice)
    response = HttpResponse(content, content_type="application/pdf")
    disposition = "inline" if request.GET.get("view") == "1" else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{invoice_pdf_filename(invoice)}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_safe
@portal_view()
def payments(request: HttpRequest, company_slug: str) -> HttpResponse:
    page = _page(request, selectors.payments_for_customer(**_scope(request)), PAYMENTS_PER_PAGE)
    return _render(request, "portal/payments.html", "invoices", page=page)


# --- Jobs -------------------------------------------------------------------------------------
@require_safe
@portal_view()
def jobs(request: HttpRequest, company_slug: str) -> HttpResponse:
    scope = _scope(request)
    tab = "history" if request.GET.get("tab") == "history" else "active"
    context: dict[str, Any] = {"tab": tab}
    if tab == "history":
        after = selectors.parse_history_cursor(request.GET.get("after"))
        context["history"] = selectors.jobs_history_for_customer(
            **scope, after=after, limit=HISTORY_PER_PAGE
        )
        context["continued"] = after is not None
        if _is_htmx(request) and after is not None:
            return _render(request, "portal/_history_rows.html", "jobs", **context)
    else:
        context["active"] = _active_jobs(request)
    return _render(request, "portal/jobs.html", "jobs", **context)


def _active_jobs(request: HttpRequest) -> selectors.ActiveJobs:
    """The first ACTIVE_PER_PAGE open jobs; `?through=<cursor>` every job up to there (what
    the customer has on screen: the live refresh keeps exactly that list current), plus
    ACTIVE_PER_PAGE more with `&more=1` (the "Show more" link, with or without htmx)."""
    through = selectors.parse_active_cursor(request.GET.get("through"))
    more = ACTIVE_PER_PAGE if through is not None and request.GET.get("more") == "1" else 0
    return selectors.active_jobs_for_customer(
        **_scope(request), through=through, more=more, page=ACTIVE_PER_PAGE
    )


@require_safe
@portal_view()
def jobs_live(request: HttpRequest, company_slug: str) -> HttpResponse:
    """The Active tab's list alone: htmx polls this and swaps it in place ("Show more" too)."""
    return _render(request, "portal/_active_jobs.html", "jobs", active=_active_jobs(request))


@require_safe
@portal_view()
def job_detail(request: HttpRequest, company_slug: str, job_id: int) -> HttpResponse:
    job = selectors.job_for_customer(**_scope(request), job_id=job_id)
    if job is None:
        raise Http404("No such job.")
    return _render(request, "portal/job_detail.html", "jobs", job=job)


# --- Estimates --------------------------------------------------------------------------------
@require_safe
@portal_view()
def estimates(request: HttpRequest, company_slug: str) -> HttpResponse:
    page = _page(request, selectors.estimates_for_customer(**_scope(request)), ESTIMATES_PER_PAGE)
    return _render(
        request,
        "portal/estimates.html",
        "estimates",
        page=page,
        today=company_today(request.portal.company),  # type: ignore[attr-defined]
    )


ESTIMATE_ACTIONS = {"accept", "decline", "comment"}


@require_http_methods(["GET", "HEAD", "POST"])
@portal_view()
def estimate_detail(request: HttpRequest, company_slug: str, estimate_id: int) -> HttpResponse:
    scope = _scope(request)
    estimate = selectors.estimate_for_customer(**scope, estimate_id=estimate_id)
    if estimate is None:
        raise Http404("No such estimate.")
    errors: dict[str, str] = {}
    action = request.POST.get("action", "") if request.method == "POST" else ""
    if action in ESTIMATE_ACTIONS:
        portal = request.portal  # type: ignore[attr-defined]
        actor = Actor.portal(portal.account.email, client_ip(request))
        try:
            if action == "accept":
                estimate_accept(
                    **scope,
                    estimate=estimate,
                    signature_name=request.POST.get("signature_name", ""),
                    actor=actor,
                )
                messages.success(request, f"Thank you! You accepted {estimate.display_number}.")
            elif action == "decline":
                estimate_decline(
                    **scope, estimate=estimate, reason=request.POST.get("reason", ""), actor=actor
                )
                messages.success(request, f"You declined {estimate.display_number}.")
            else:
                estimate_comment_add(
                    **scope, estimate=estimate, body=request.POST.get("body", ""), actor=actor
                )
                messages.success(request, "Your comment was sent. We'll get back to you.")
        except DomainError as error:
            errors[error.field or action] = error.message
        else:
            return redirect(reverse("portal:estimate_detail", args=[company_slug, estimate.pk]))
    company = scope["company"]
    today = company_today(company)
    return _render(
        request,
        "portal/estimate_detail.html",
        "estimates",
        http_status=400 if errors else 200,
        estimate=estimate,
        errors=errors,
        posted=request.POST if errors else {},
        open_for_decision=estimate.open_for_decision(today),
        expired=estimate.expired_for_decision(today),
    )


# --- Documents and locations ------------------------------------------------------------------
@require_safe
@portal_view()
def documents(request: HttpRequest, company_slug: str) -> HttpResponse:
    page = _page(request, documents_for_customer(**_scope(request)), DOCUMENTS_PER_PAGE)
    return _render(request, "portal/documents.html", "documents", page=page)


@require_safe
@portal_view()
def document_download(request: HttpRequest, company_slug: str, document_id: int) -> FileResponse:
    document = document_for_customer(**_scope(request), document_id=document_id)
    if document is None or not document.file:
        raise Http404("No such document.")
    try:
        return serve_private_file(document.file, download_name=document.download_name)
    except FileNotFoundError as exc:
        raise Http404("No such document.") from exc


@require_safe
@portal_view()
def locations(request: HttpRequest, company_slug: str) -> HttpResponse:
    return _render(
        request,
        "portal/locations.html",
        "locations",
        locations=selectors.locations_for_customer(**_scope(request)),
    )


@company_portal
def logo(request: HttpRequest, company_slug: str) -> FileResponse:
    """The company's logo for pages and emails (public: it is on every invoice anyway)."""
    company = request.company  # type: ignore[attr-defined]
    if not company.logo:
        raise Http404("No logo.")
    response = FileResponse(company.logo.open("rb"))
    response["Cache-Control"] = "public, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response
