"""format_money builds Babel's currency pattern once per (currency, locale) and must still
give exactly what babel.numbers.format_currency gives."""

from decimal import Decimal

import pytest
from babel import UnknownLocaleError
from babel.localedata import locale_identifiers
from babel.numbers import format_currency

from doorstep.core.money import currency_format, format_money, to_major

AMOUNTS = [0, 1, 5, 99, 100, 123456, 100000000, -1, -99, -123456, -123456789012]


def babel(amount_minor: int, currency: str, locale: str) -> str:
    return format_currency(to_major(amount_minor, currency), currency, locale=locale)


@pytest.mark.parametrize(
    "currency, locale, amount, expected",
    [
        ("USD", "en_US", 123456, "$1,234.56"),
        ("USD", "en_US", -123456, "-$1,234.56"),
        ("EUR", "de_DE", 123456, "1.234,56\xa0€"),
        ("EUR", "de_DE", -5, "-0,05\xa0€"),
        ("JPY", "ja_JP", 123456, "￥123,456"),
        ("JPY", "ja_JP", -7, "-￥7"),
        ("GBP", "en_GB", 100000000, "£1,000,000.00"),
        ("GBP", "en_GB", -1, "-£0.01"),
        ("CAD", "fr_CA", 123456, "1\xa0234,56\xa0$"),
        ("USD", "fr_CA", 123456, "1\xa0234,56\xa0$\xa0US"),
        ("KWD", "ar_KW", 1234567, babel(1234567, "KWD", "ar_KW")),  # three decimals
    ],
)
def test_the_formats_customers_read(currency, locale, amount, expected):
    assert format_money(amount, currency, locale) == expected
    assert format_money(amount, currency, locale) == babel(amount, currency, locale)


@pytest.mark.parametrize("currency", ["USD", "EUR", "JPY", "GBP", "CHF", "KWD", "INR", "XYZ"])
def test_same_as_babel_in_every_locale(currency):
    # Every locale Babel knows (a company's locale is free text), the currency's sign before
    # or after, in words or as a code, and an unknown code (XYZ: the default two decimals).
    different = [
        (locale, amount, format_money(amount, currency, locale), babel(amount, currency, locale))
        for locale in locale_identifiers()
        for amount in AMOUNTS
        if format_money(amount, currency, locale) != babel(amount, currency, locale)
    ]
    assert different == []


def test_the_pattern_is_built_once_per_currency_and_locale():
    currency_format.cache_clear()
    for amount in AMOUNTS:
        format_money(amount, "EUR", "de_DE")
        format_money(amount, "USD", "de_DE")
    info = currency_format.cache_info()
    assert (info.misses, info.hits) == (2, 2 * len(AMOUNTS) - 2)


def test_a_fraction_of_a_minor_unit_is_not_an_input():
    # Amounts are integer minor units: the major amount has exactly the currency's decimals.
    assert to_major(123456, "USD") == Decimal("1234.56")
    assert to_major(123456, "JPY") == Decimal("123456")


def test_an_unknown_locale_fails_as_babel_does():
    with pytest.raises(UnknownLocaleError):
        format_money(100, "USD", "xx_YY")
    with pytest.raises(UnknownLocaleError):
        babel(100, "USD", "xx_YY")


def test_no_locale_is_babel_default_as_before():
    assert format_money(123456, "USD", "") == format_currency(Decimal("1234.56"), "USD", locale="")
