"""`{% office_url "office:invoices:detail" invoice.pk as url %}`: the URL of another area's
page, or "" while that area is not built on this branch (the office is built by several
people at once; a page links to an area as soon as it exists and shows plain text until then)."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import NoReverseMatch, reverse

register = template.Library()


@register.simple_tag
def office_url(name: str, *args: Any) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""
