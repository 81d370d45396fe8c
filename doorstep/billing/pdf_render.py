"""The one PDF renderer: every PDF Doorstep prints (invoice, payment receipt, signed
estimate) goes through here, so fonts, glyph fallback (pdf_glyphs.py), the company's logo and
the no-network rule are the same on all of them.

A document module builds a context of plain values (what is printed, also the cache key's
input) and calls `pdf_render` or `pdf_bytes_cached`. The invoice PDF keeps its own stored
copy (InvoicePdf: it is also attached to emails); receipts and signed estimates, asked for
now and then, are kept in Django's cache under the same template-version + checksum rule.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.core.cache import cache
from django.http import HttpResponse
from django.template.loader import render_to_string

from doorstep.tenancy.models import Company

from .pdf_glyphs import drawable_code_points, printable_values

log = logging.getLogger(__name__)

LOGO_MAX_BYTES = 2 * 1024 * 1024
# A cached PDF is keyed by everything printed on it, so a long life is safe; the limit only
# keeps rarely asked-for files from filling the cache.
CACHE_SECONDS = 7 * 24 * 3600


def logo_data_uri(company: Company) -> str:
    """The logo inlined, so the renderer never fetches anything from disk or network."""
    if not company.logo:
        return ""
    try:
        with company.logo.open("rb") as handle:
            data = handle.read(LOGO_MAX_BYTES + 1)
    except (OSError, ValueError):
        log.warning("Logo of company %s is missing; rendering the PDF without it", company.pk)
        return ""
    if len(data) > LOGO_MAX_BYTES:
        return ""
    import filetype

    kind = filetype.guess(data)
    if kind is None or kind.mime not in {"image/png", "image/jpeg", "image/webp", "image/gif"}:
        return ""
    return f"data:{kind.mime};base64,{base64.b64encode(data).decode()}"


def company_letterhead(company: Company) -> dict[str, str]:
    """The company's branding as every PDF prints it (office → Settings → Branding)."""
    return {
        "name": company.name,
        "address": company.address,
        "phone": company.support_phone,
        "email": company.billing_email or company.support_email,
        "accent": company.accent_color,
        "logo": company.logo.name if company.logo else "",
        "terms": company.pdf_terms,
        "footer": company.pdf_footer,
    }


def pdf_checksum(context: dict[str, Any]) -> str:
    payload = json.dumps(context, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()


def pdf_render(*, company: Company, template: str, context: dict[str, Any]) -> bytes:
    """`template` rendered to PDF bytes with `context` (made printable: pdf_glyphs.py)."""
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    html = render_to_string(
        template, {**printable_values(context), "logo_uri": logo_data_uri(company)}
    )
    # Only inline data: URLs; a crafted note can never make the renderer fetch a URL.
    fetcher = URLFetcher(allowed_protocols={"data"})
    return HTML(string=html, url_fetcher=fetcher).write_pdf()


def pdf_bytes_cached(
    *, company: Company, kind: str, template: str, version: int, context: dict[str, Any]
) -> bytes:
    """The PDF for exactly this context: from the cache, or rendered and kept there. The key
    holds the company, the kind, the template version and a checksum of every printed value,
    so a change to any of them renders a fresh file and two tenants never share one."""
    key = f"pdf:{company.pk}:{kind}:{version}:{pdf_checksum(context)}"
    cached = cache.get(key)
    if isinstance(cached, bytes):
        return cached
    content = pdf_render(company=company, template=template, context=context)
    cache.set(key, content, CACHE_SECONDS)
    return content


def pdf_response(content: bytes, *, filename: str, inline: bool = False) -> HttpResponse:
    """A PDF download as every page serves it: private, never sniffed."""
    response = HttpResponse(content, content_type="application/pdf")
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def pdf_renderer_warm() -> None:
    """Import WeasyPrint and load its fonts once, so the first PDF a customer asks for after
    the web process starts costs what any other does (measured: 772 ms cold, ~110 ms warm).
    Called by config/wsgi.py (web processes), never at import or by manage.py commands. A
    failure is only logged: the PDF view will report the real error when it is used."""
    try:
        from weasyprint import HTML

        HTML(string="<p>Doorstep</p>").write_pdf()
        drawable_code_points()
    except Exception:
        log.exception("Could not warm up the PDF renderer")


def printed_date(company: Company, value: date | datetime) -> str:
    """A date as PDFs print it: long, in the company's locale (datetimes in its zone)."""
    from babel.dates import format_date

    if isinstance(value, datetime):
        value = value.astimezone(ZoneInfo(company.timezone)).date()
    return format_date(value, format="long", locale=company.locale or "en_US")


def printed_moment(company: Company, value: datetime) -> str:
    """A moment as PDFs print it, in the company's timezone and naming it (a signature's
    time must be read the same way by the customer and the office)."""
    from babel.dates import format_time

    local = value.astimezone(ZoneInfo(company.timezone))
    time = format_time(local, format="short", locale=company.locale or "en_US")
    return f"{printed_date(company, local)}, {time} {local.strftime('%Z')}".strip()
