"""Portal sections a company may switch off or its plan may not include: which pages belong
to which section, and the branded page answering a switched-off one. Whether a section is on
is decided in tenancy/features.py (plan AND the company's switch)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from doorstep.tenancy.features import feature_on
from doorstep.tenancy.models import Company
from doorstep.tenancy.plans import FEATURE_LABELS, Feature

# URL namespace:name -> the section it belongs to. Pages not listed (home, locations, sign-in,
# notification settings, saved cards) are always there.
SECTION_OF_PAGE: dict[str, Feature] = {
    "portal:invoices": Feature.INVOICES,
    "portal:invoice_detail": Feature.INVOICES,
    "portal:invoice_pdf": Feature.INVOICES,
    "portal:payments": Feature.INVOICES,
    "payments:checkout": Feature.INVOICES,
    "portal:jobs": Feature.JOBS,
    "portal:jobs_live": Feature.JOBS,
    "portal:job_detail": Feature.JOBS,
    "portal:estimates": Feature.ESTIMATES,
    "portal:estimate_detail": Feature.ESTIMATES,
    "portal:documents": Feature.DOCUMENTS,
    "portal:document_download": Feature.DOCUMENTS,
    "servicerequests:list": Feature.REQUESTS,
    "servicerequests:new": Feature.REQUESTS,
    "servicerequests:detail": Feature.REQUESTS,
    "servicerequests:photo": Feature.REQUESTS,
    "messaging:list": Feature.MESSAGES,
    "messaging:new": Feature.MESSAGES,
    "messaging:detail": Feature.MESSAGES,
    "messaging:attachment": Feature.MESSAGES,
}


def section_closed(request: HttpRequest, company: Company) -> Feature | None:
    """The section of the requested page when customers may not see it, else None."""
    match = getattr(request, "resolver_match", None)
    feature = SECTION_OF_PAGE.get(match.view_name) if match else None
    if feature is None or feature_on(company=company, feature=feature):
        return None
    return feature


def section_unavailable(
    request: HttpRequest, company: Company, feature: Feature, identity: object = None
) -> HttpResponse:
    # 404: for the customer the page is simply not part of this portal (no retry later).
    return render(
        request,
        "portal/section_unavailable.html",
        {
            "company": company,
            "portal": identity,
            "section": FEATURE_LABELS[feature],
            "nav": "",
        },
        status=404,
    )
