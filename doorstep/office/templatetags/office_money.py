"""`{% money amount currency %}`: cents shown as money ("$25.00") in the company's locale
(the page's `company`), the one way office pages print an amount."""

from __future__ import annotations

from typing import Any

from django import template

from doorstep.core.money import format_money

register = template.Library()


@register.simple_tag(takes_context=True)
def money(context: Any, amount: int | None, currency: str = "") -> str:
    company = context.get("company")
    currency = currency or (company.currency if company else "USD")
    locale = company.locale if company else "en_US"
    return format_money(int(amount or 0), currency, locale)


@register.filter
def verb_words(verb: str) -> str:
    """An audit verb without a message in words: "invoice.opened" -> "Invoice opened"."""
    return str(verb).replace(".", " ").replace("_", " ").capitalize()
