"""Portal pages: the customer's estimates, and one estimate to accept, decline or comment on."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from doorstep.access.portal_sessions import PortalIdentity
from doorstep.adoption.visits import estimate_viewed
from doorstep.billing.estimate_pdf import estimate_signed_pdf_bytes, estimate_signed_pdf_filename
from doorstep.billing.estimates import (
    ACCEPTANCE_TERMS,
    estimate_accept,
    estimate_comment_add,
    estimate_decline,
)
from doorstep.billing.models import Estimate, EstimateState
from doorstep.billing.pdf_render import pdf_response
from doorstep.core.errors import DomainError
from doorstep.tenancy.time import company_today

from . import selectors
from .gate import portal_page
from .pages import page_of, portal_actor, portal_render

ESTIMATES_PER_PAGE = 20
ESTIMATE_ACTIONS = {"accept", "decline", "comment"}


@require_safe
@portal_page
def estimates(request: HttpRequest, identity: PortalIdentity) -> HttpResponse:
    page = page_of(
        request,
        selectors.estimates_for_customer(company=identity.company, customer=identity.customer),
        ESTIMATES_PER_PAGE,
    )
    return portal_render(
        request,
        identity,
        "portal/estimates.html",
        nav="estimates",
        page=page,
        today=company_today(identity.company),
    )


@require_http_methods(["GET", "HEAD", "POST"])
@portal_page
def estimate_detail(
    request: HttpRequest, identity: PortalIdentity, estimate_id: int
) -> HttpResponse:
    company = identity.company
    estimate = selectors.estimate_for_customer(
        company=company, customer=identity.customer, estimate_id=estimate_id
    )
    if estimate is None:
        raise Http404("No such estimate.")
    errors: dict[str, str] = {}
    action = request.POST.get("action", "") if request.method == "POST" else ""
    if action in ESTIMATE_ACTIONS:
        try:
            _decide(request, identity, estimate, action)
        except DomainError as error:
            errors[error.field or action] = error.message
        else:
            return redirect(reverse("portal:estimate_detail", args=[company.slug, estimate.pk]))
    if request.method == "GET" and estimate.state == EstimateState.SENT:
        # The customer's own look at an estimate waiting for them (counted once).
        estimate_viewed(company=company, estimate=estimate, contact_id=identity.account.contact_id)
    today = company_today(company)
    return portal_render(
        request,
        identity,
        "portal/estimate_detail.html",
        nav="estimates",
        http_status=400 if errors else 200,
        estimate=estimate,
        errors=errors,
        posted=request.POST if errors else {},
        open_for_decision=estimate.open_for_decision(today),
        expired=estimate.expired_for_decision(today),
        acceptance_terms=ACCEPTANCE_TERMS,
    )


def _decide(
    request: HttpRequest, identity: PortalIdentity, estimate: Estimate, action: str
) -> None:
    """Accept, decline or comment, as the form asked; DomainError when the rules say no."""
    company, customer = identity.company, identity.customer
    actor = portal_actor(request, identity)
    if action == "accept":
        estimate_accept(
            company=company,
            customer=customer,
            estimate=estimate,
            signature_name=request.POST.get("signature_name", ""),
            actor=actor,
        )
        messages.success(request, f"Thank you! You accepted {estimate.display_number}.")
    elif action == "decline":
        estimate_decline(
            company=company,
            customer=customer,
            estimate=estimate,
            reason=request.POST.get("reason", ""),
            actor=actor,
        )
        messages.success(request, f"You declined {estimate.display_number}.")
    else:
        estimate_comment_add(
            company=company,
            customer=customer,
            estimate=estimate,
            body=request.POST.get("body", ""),
            actor=actor,
        )
        messages.success(request, "Your comment was sent. We'll get back to you.")


@require_safe
@portal_page
def estimate_signed_pdf(
    request: HttpRequest, identity: PortalIdentity, estimate_id: int
) -> HttpResponse:
    """The signed copy of an accepted estimate (billing/estimate_pdf.py); none before."""
    estimate = selectors.estimate_for_customer(
        company=identity.company, customer=identity.customer, estimate_id=estimate_id
    )
    if estimate is None:
        raise Http404("No such estimate.")
    return pdf_response(
        estimate_signed_pdf_bytes(company=identity.company, estimate=estimate),
        filename=estimate_signed_pdf_filename(estimate),
        inline=request.GET.get("view") == "1",
    )
