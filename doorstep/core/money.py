"""Money is an integer count of minor units (cents) plus an ISO-4217 currency; never a float.

Rounding rule (used everywhere, documented in the README): each line's amount is
quantity x unit price rounded half-up to the minor unit; each line's tax is that amount x the
line's tax rate, rounded half-up; the invoice subtotal and tax are the sums of the rounded line
values, and the total is subtotal + tax. So the document always adds up line by line.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from babel.numbers import format_currency, get_currency_precision

ZERO_DECIMAL_CURRENCIES = {"JPY", "KRW", "VND", "CLP", "ISK", "XAF", "XOF", "UGX"}


def minor_exponent(currency: str) -> int:
    try:
        return get_currency_precision(currency)
    except Exception:  # unknown code: assume cents
        return 0 if currency in ZERO_DECIMAL_CURRENCIES else 2


def round_half_up(value: Decimal) -> int:
    return int(value.quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def line_amount(quantity: Decimal, unit_price_minor: int) -> int:
    return round_half_up(Decimal(quantity) * unit_price_minor)


def line_tax(amount_minor: int, tax_rate_percent: Decimal) -> int:
    return round_half_up(Decimal(amount_minor) * Decimal(tax_rate_percent) / 100)


def to_major(amount_minor: int, currency: str) -> Decimal:
    return Decimal(amount_minor).scaleb(-minor_exponent(currency))


def parse_major(text: str, currency: str) -> int:
    """'12.50' -> 1250. Raises ValueError with a plain message on anything else."""
    cleaned = (text or "").strip().replace(",", "").lstrip("$€£")
    try:
        value = Decimal(cleaned)
    except InvalidOperation as exc:
        raise ValueError("Enter an amount like 25.00.") from exc
    if not value.is_finite():
        raise ValueError("Enter an amount like 25.00.")
    exponent = minor_exponent(currency)
    scaled = value.scaleb(exponent)
    if scaled != scaled.to_integral_value():
        raise ValueError(f"Use at most {exponent} digits after the decimal point.")
    return int(scaled)


def format_money(amount_minor: int, currency: str, locale: str = "en_US") -> str:
    return format_currency(to_major(amount_minor, currency), currency, locale=locale)
