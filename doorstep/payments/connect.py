"""Connecting the company's Stripe account (Settings → Payments → Connect with Stripe)."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction

from doorstep.core.audit import Actor, audit_record
from doorstep.core.verbs import Verb
from doorstep.tenancy.models import Company

from .providers.base import ProviderError
from .providers.stripe.connect import (
    ConnectState,
    connect_account_create,
    connect_account_state,
    connect_configured,
    connect_onboarding_link,
)

__all__ = ["ConnectState", "ProviderError", "connect_configured", "stripe_account_state"]


def stripe_onboarding_start(
    *, company: Company, actor: Actor, return_url: str, refresh_url: str
) -> str:
    """The URL of Stripe's hosted onboarding for the company; creates its account the first
    time (the idempotency key is the company's, so a double click makes one account)."""
    with transaction.atomic():
        company_settings = (
            type(company.settings).objects.select_for_update().get(pk=company.settings.pk)
        )
        account = company_settings.stripe_account_id
        if not account:
            account = connect_account_create(
                email=company.billing_email or company.support_email,
                idempotency_key=f"{settings.DOORSTEP_INSTALLATION_ID}-connect-{company.pk}",
            )
            company_settings.stripe_account_id = account
            company_settings.save(update_fields=["stripe_account_id"])
            company.settings.stripe_account_id = account
        audit_record(
            company=company,
            target=company_settings,
            verb=Verb.STRIPE_ONBOARDING_STARTED,
            actor=actor,
            message=f"Stripe onboarding opened for {account}",
            data={"account": account},
        )
    return connect_onboarding_link(account=account, return_url=return_url, refresh_url=refresh_url)


def stripe_account_state(*, company: Company) -> ConnectState | None:
    """None when the company has no connected account yet. Raises ProviderError when Stripe
    cannot be reached (the page says so; nothing changes)."""
    account = company.settings.stripe_account_id
    if not account or not connect_configured():
        return None
    return connect_account_state(account=account)
