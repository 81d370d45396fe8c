"""What every office page shares: the render helper (office, company and navigation in every
page's context) and pagination that never counts the whole history."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .gate import Office
from .nav import nav_for


def office_render(
    request: HttpRequest,
    office: Office,
    template: str,
    context: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    current = request.resolver_match.namespace if request.resolver_match else ""
    base = {
        "office": office,
        "company": office.company,
        "nav": nav_for(office, current=current, path=request.path),
    }
    return render(request, template, {**base, **(context or {})}, status=status)


@dataclass
class Window:
    """One page of a list without COUNT(*): the rows, and whether there is a next/previous."""

    rows: list[Any]
    number: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def next_number(self) -> int:
        return self.number + 1

    @property
    def previous_number(self) -> int:
        return self.number - 1


def window_of(request: HttpRequest, queryset: Any, per_page: int = 50) -> Window:
    """The requested page of an ordered queryset: reads per_page + 1 rows to know whether a
    next page exists, so page 1 of a company with 100,000 invoices costs what page 1 of a
    company with 10 does. Page numbers beyond 200 are refused (search narrows instead)."""
    raw = request.GET.get("page", "1")
    number = int(raw) if raw.isdigit() and 0 < int(raw) <= 200 else 1
    start = (number - 1) * per_page
    rows = list(queryset[start : start + per_page + 1])
    return Window(rows=rows[:per_page], number=number, has_next=len(rows) > per_page)


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"
