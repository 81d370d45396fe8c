"""Checkout views (the payments issue builds the flow behind these names)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse


def checkout(request: HttpRequest, company_slug: str) -> HttpResponse:
    raise Http404("Online payment is not available yet.")


def receipt(request: HttpRequest, company_slug: str, payment_id: int) -> HttpResponse:
    raise Http404("Receipts are not available yet.")
