"""Money is an integer count of minor units (cents) plus an ISO-4217 currency; never a float.

Rounding rule (used everywhere, documented in the README): each line's amount is
quantity x unit price rounded half-up to the minor unit; each line's tax is that amount x the
line's tax rate, rounded half-up; the invoice subtotal and tax are the sums of the rounded line
values, and the total is subtotal + tax. So the document always adds up line by line.
"""

from __future__ import annotations

import contextlib
import copy
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from babel import Locale
from babel.numbers import (
    NumberPattern,
    format_currency,
    get_currency_precision,
    get_currency_symbol,
    get_decimal_symbol,
    get_group_symbol,
)

ZERO_DECIMAL_CURRENCIES = {"JPY", "KRW", "VND", "CLP", "ISK", "XAF", "XOF", "UGX"}


# Babel's data never changes while the process runs, so what is looked up per currency and
# locale is looked up once (a portal page formats dozens of amounts in one currency and locale;
# format_currency parses the locale, finds the pattern and the symbol on every call).
@lru_cache(maxsize=512)
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


class AmountError(ValueError):
    """A typed amount we will not guess at; the message is for the person who typed it."""


# Spaces people type (or browsers paste) between thousands: all mean the same group mark.
SPACES = {" ", "\u00a0", "\u202f", "\u2009"}
MAX_AMOUNT_CHARS = 32
MAX_WHOLE_DIGITS = 12  # under a trillion: no invoice is larger, and no integer overflows
DECIMAL_NAMES = {".": "a point", ",": "a comma"}
GROUP_NAMES = {
    ",": "commas",
    ".": "points",
    " ": "spaces",
    "\u2019": "apostrophes",
    "'": "apostrophes",
}


@lru_cache(maxsize=256)
def amount_marks(locale: str | None) -> tuple[str, str]:
    """(decimal mark, thousands mark) of a locale. None is the plain form a number field
    sends ("1234.56"): a point before the decimals and no thousands mark at all."""
    if locale is None:
        return ".", ""
    try:
        decimal, group = get_decimal_symbol(locale), get_group_symbol(locale)
    except Exception:  # an unknown locale code: the US way
        decimal, group = ".", ","
    return decimal, " " if group in SPACES else group


@lru_cache(maxsize=512)
def amount_example(currency: str, locale: str | None) -> str:
    """How to write 1,234.56 here: '1,234.56' (en_US), '1 234,56' (fr_CA), '1234.56' (None)."""
    decimal, group = amount_marks(locale)
    exponent = minor_exponent(currency)
    fraction = f"{decimal}{'56'[:exponent].ljust(exponent, '0')}" if exponent else ""
    return f"1{group}234{fraction}"


@lru_cache(maxsize=512)
def _format_rule(currency: str, locale: str | None) -> str:
    decimal, group = amount_marks(locale)
    example = amount_example(currency, locale)
    if minor_exponent(currency) == 0:
        rule = f"Write the amount like {example}, without decimals"
    else:
        mark = DECIMAL_NAMES.get(decimal, f"'{decimal}'")
        rule = f"Write the amount like {example}, with {mark} before the cents"
    if group:
        rule += f" and {GROUP_NAMES.get(group, repr(group))} only between thousands"
    return rule + "."


def _strip_currency(text: str, currency: str, locale: str | None) -> str:
    """'$12.50', '12,50 $', 'CA$ 12.50', '12.50 USD' -> the number alone."""
    symbols = {"$", "€", "£", "¥", currency.upper(), currency.lower()}
    if locale is not None:
        with contextlib.suppress(Exception):  # an unknown locale: the plain symbols only
            symbols.add(get_currency_symbol(currency, locale))
    for symbol in sorted(symbols, key=len, reverse=True):
        if text.startswith(symbol):
            text = text[len(symbol) :].strip()
        if text.endswith(symbol):
            text = text[: -len(symbol)].strip()
    return text


def parse_amount(
    text: str | None, *, currency: str, locale: str | None, allow_negative: bool = False
) -> int:
    """A typed amount in major units -> minor units (cents), read the way `locale` writes
    numbers: in en_US '1,234.56' (a comma only between thousands), in fr_CA '1 234,56' (a comma
    before the cents). Anything that could mean two amounts ('1,00' in en_US, '1.000,5',
    '1,2,3', a point in fr_CA) is refused with AmountError rather than guessed at: a wrong
    guess charges a customer 100 times too much. Exponents, 'NaN' and 'Infinity' are not
    amounts. Every typed amount (checkout, refund, office forms) is read here."""
    raw = (text or "").strip()
    if not raw:
        raise AmountError("Enter an amount.")
    if len(raw) > MAX_AMOUNT_CHARS:
        raise AmountError(_format_rule(currency, locale))
    decimal, group = amount_marks(locale)
    cleaned = _strip_currency(raw, currency, locale)
    negative = cleaned[:1] in ("-", "\u2212")
    if negative:
        if not allow_negative:
            raise AmountError("Enter an amount more than zero.")
        cleaned = cleaned[1:].strip()
    if group == " ":
        cleaned = "".join(" " if c in SPACES else c for c in cleaned)
    for char in cleaned:
        if not (char.isascii() and char.isdigit()) and char not in (decimal, group):
            raise AmountError(_format_rule(currency, locale))
    whole, _, fraction = cleaned.partition(decimal)
    if decimal in fraction or (group and group in fraction):
        raise AmountError(_format_rule(currency, locale))  # '1.2.3', '1.000,5' in en_US
    groups = whole.split(group) if group else [whole]
    if len(groups) > 1 and (not 1 <= len(groups[0]) <= 3 or any(len(g) != 3 for g in groups[1:])):
        raise AmountError(_format_rule(currency, locale))  # '1,00' in en_US, '12 34'
    digits = "".join(groups)
    if not digits and not fraction:
        raise AmountError(_format_rule(currency, locale))
    exponent = minor_exponent(currency)
    if len(fraction) > exponent:
        raise AmountError(
            f"Amounts in {currency} have no decimals."
            if exponent == 0
            else f"Use at most {exponent} digits after the decimal point."
        )
    if len(digits.lstrip("0")) > MAX_WHOLE_DIGITS:
        raise AmountError("That amount is too large.")
    minor = int(digits or "0") * 10**exponent + int(fraction.ljust(exponent, "0") or "0")
    return -minor if negative else minor


def format_amount_input(amount_minor: int, currency: str, locale: str | None) -> str:
    """An amount as a person would type it back into a field: '1234.56' / '1234,56'."""
    decimal, _ = amount_marks(locale)
    text = f"{to_major(amount_minor, currency):f}"
    return text.replace(".", decimal)


@dataclass(frozen=True)
class CurrencyFormat:
    """Babel's standard currency pattern for one (currency, locale), with the currency's sign
    and decimals already in it: what format_currency works out on every call.

    NumberPattern.apply puts the number between the pattern's prefix and suffix, replaces the
    currency marks (¤¤ the code, ¤ the symbol) in the result and drops the quotes. The marks
    are only ever in the prefix and suffix, so they can be replaced there once; the quotes are
    left for apply, which drops them from the whole text as before."""

    locale: Locale
    pattern: NumberPattern

    def format(self, major: Decimal) -> str:
        return self.pattern.apply(major, self.locale, currency=None)


def _with_sign(text: str, currency: str, locale: Locale) -> str:
    return text.replace("¤¤", currency.upper()).replace("¤", get_currency_symbol(currency, locale))


@lru_cache(maxsize=512)
def currency_format(currency: str, locale_name: str) -> CurrencyFormat | None:
    """The ready pattern, or None when the pattern names the currency in words (¤¤¤: the name
    depends on the amount) or the sign itself holds a currency mark: format_currency then."""
    locale = Locale.parse(locale_name)
    pattern = locale.currency_formats["standard"]
    sign = get_currency_symbol(currency, locale)
    affixes = (*pattern.prefix, *pattern.suffix)
    if any("¤¤¤" in text for text in affixes) or "¤" in sign:
        return None
    ready = copy.copy(pattern)
    ready.prefix = tuple(_with_sign(text, currency, locale) for text in pattern.prefix)
    ready.suffix = tuple(_with_sign(text, currency, locale) for text in pattern.suffix)
    # apply() forces the currency's decimals only when given the currency: the pattern
    # carries them instead.
    ready.frac_prec = (get_currency_precision(currency),) * 2
    return CurrencyFormat(locale=locale, pattern=ready)


def format_money(amount_minor: int, currency: str, locale: str = "en_US") -> str:
    """'$1,234.56' (en_US), '1.234,56 €' (de_DE), '￥1,235' (ja_JP): exactly what Babel's
    format_currency gives (tests/core/test_money_format.py), about three times faster."""
    major = to_major(amount_minor, currency)
    ready = currency_format(currency, locale) if locale else None
    if ready is None:
        return format_currency(major, currency, locale=locale)
    return ready.format(major)
