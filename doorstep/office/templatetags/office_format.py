"""Small display filters of the office's record pages (money as money, the customer's word
for an invoice's status)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import template

from doorstep.core.money import format_money

register = template.Library()


@register.filter
def dollars(amount_minor: int, currency: str = "USD") -> str:
    """`{{ invoice.total|dollars:invoice.currency }}` → "$25.00" (never cents)."""
    return format_money(int(amount_minor or 0), currency or "USD")


@register.filter
def customer_status(invoice: Any, today: date) -> Any:
    """The status the customer sees (Invoice.customer_status, the one rule)."""
    return invoice.customer_status(today)
