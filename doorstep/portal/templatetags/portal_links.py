"""Links between portal pages: {% portal_url 'portal:invoice_detail' company invoice.pk %}.

The same path as {% url 'portal:invoice_detail' company.slug invoice.pk %}, built from the
company's cached prefix and the page's route (core.links.portal_path) instead of a reverse()
per link: a portal page has 20-80 of them.
"""

from __future__ import annotations

from typing import Any

from django import template

from doorstep.core.links import portal_path

register = template.Library()


@register.simple_tag
def portal_url(name: str, company: Any, *args: Any) -> str:
    """{% portal_url 'payments:receipt' company payment.pk %} (or `... as var`)."""
    return portal_path(name, company, *args)
