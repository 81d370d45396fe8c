"""Stripe Connect onboarding: the company's own Stripe account (Standard, direct charges: the
provider sends the Stripe-Account header) created once, then Stripe's hosted onboarding
through an Account Link. Stripe's vocabulary stays in this module; callers get a
`ConnectState` in plain words."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import stripe
from django.conf import settings

from ..base import ProviderError
from .provider import _get, client

# Stripe's requirement names -> what the company is asked for, in plain words.
REQUIREMENT_WORDS: dict[str, str] = {
    "external_account": "a bank account for payouts",
    "tos_acceptance.date": "acceptance of Stripe's terms of service",
    "tos_acceptance.ip": "acceptance of Stripe's terms of service",
    "business_profile.url": "your business website",
    "business_profile.mcc": "what kind of business you run",
    "business_profile.product_description": "a description of your services",
    "business_type": "your type of business",
    "company.tax_id": "your business tax ID (EIN)",
    "company.address.line1": "your business address",
    "company.phone": "your business phone number",
    "company.name": "your business's legal name",
    "representative.first_name": "the name of the account's representative",
    "representative.last_name": "the name of the account's representative",
    "representative.dob.day": "the representative's date of birth",
    "representative.ssn_last_4": "the last 4 digits of the representative's SSN",
    "representative.verification.document": "an identity document of the representative",
    "individual.verification.document": "an identity document",
    "individual.id_number": "your tax ID or SSN",
}


def requirement_words(names: list[str]) -> list[str]:
    words: list[str] = []
    for name in names:
        text = REQUIREMENT_WORDS.get(name) or name.replace("_", " ").replace(".", ": ")
        if text not in words:
            words.append(text)
    return words


@dataclass(frozen=True)
class ConnectState:
    account: str
    charges_enabled: bool
    payouts_enabled: bool
    details_submitted: bool
    missing: list[str] = field(default_factory=list)  # plain words
    disabled_reason: str = ""


def connect_configured() -> bool:
    return bool(settings.STRIPE_SECRET_KEY)


def connect_account_create(*, email: str, idempotency_key: str) -> str:
    try:
        account = client().v1.accounts.create(
            params={"type": "standard", **({"email": email} if email else {})},
            options={"idempotency_key": idempotency_key},
        )
    except stripe.StripeError as exc:
        raise ProviderError(str(exc)) from exc
    return str(_get(account, "id", ""))


def connect_onboarding_link(*, account: str, return_url: str, refresh_url: str) -> str:
    try:
        link = client().v1.account_links.create(
            params={
                "account": account,
                "return_url": return_url,
                "refresh_url": refresh_url,
                "type": "account_onboarding",
            }
        )
    except stripe.StripeError as exc:
        raise ProviderError(str(exc)) from exc
    return str(_get(link, "url", ""))


def connect_account_state(*, account: str) -> ConnectState:
    try:
        data: Any = client().v1.accounts.retrieve(account)
    except stripe.StripeError as exc:
        raise ProviderError(str(exc)) from exc
    requirements = _get(data, "requirements") or {}
    due = list(_get(requirements, "currently_due") or []) + [
        n for n in (_get(requirements, "past_due") or []) if n
    ]
    return ConnectState(
        account=account,
        charges_enabled=bool(_get(data, "charges_enabled", False)),
        payouts_enabled=bool(_get(data, "payouts_enabled", False)),
        details_submitted=bool(_get(data, "details_submitted", False)),
        missing=requirement_words(due),
        disabled_reason=str(_get(requirements, "disabled_reason", "") or ""),
    )
