"""Pick the provider a company uses. Tests and `make run` use `demo`; production `stripe`."""

from __future__ import annotations

from typing import Any

from .base import PaymentProvider


def provider_named(name: str) -> PaymentProvider:
    if name == "stripe":
        from .stripe.provider import StripeProvider

        return StripeProvider()
    from .demo.provider import DemoProvider

    return DemoProvider()


def provider_for(company: Any) -> PaymentProvider:
    return provider_named(company.settings.payment_provider)


def connected_account(company: Any) -> str:
    """The company's Stripe Connect account, or "" (demo, or a platform-only Stripe setup)."""
    if company.settings.payment_provider != "stripe":
        return ""
    return company.settings.stripe_account_id or ""
