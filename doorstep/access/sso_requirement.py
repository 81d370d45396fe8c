""" "Must sign in with SSO" per customer (seed 004: require SSO for sensitive customers).

When set, every contact of that customer can only sign in through one of the company's
identity providers (oidc.py): sign-in links and codes, invitations, password resets,
invoice links and passwords are all refused with the reason `sso_required` (audited), and no
sign-in link is emailed to them. Staff switch it on the customer's Portal Access panel.
"""

from __future__ import annotations

from typing import Any

from doorstep.core.audit import Actor, audit_record
from doorstep.core.errors import DomainError
from doorstep.core.verbs import Verb
from doorstep.tenancy.models import Company

from .models import CustomerSsoRequirement, IdentityProvider, PortalAccount

SSO_ONLY_WORDS = (
    "Your account signs in with your organisation's sign-in (single sign-on) only. Use the "
    "“Sign in with …” button on the sign-in page."
)


def sso_required(account: PortalAccount | None) -> bool:
    """Must this account's customer sign in with an identity provider?"""
    if account is None:
        return False
    customer = account.customer
    descriptor = type(customer).sso_requirement  # reverse one-to-one
    if descriptor.related.is_cached(customer):
        # Joined in by the caller (select_related("account__customer__sso_requirement")):
        # no extra query on the link pages.
        return descriptor.related.get_cached_value(customer) is not None
    return CustomerSsoRequirement.objects.filter(
        company_id=account.company_id, customer_id=account.customer_id
    ).exists()


def customer_requires_sso(*, company: Company, customer: Any) -> bool:
    return CustomerSsoRequirement.objects.filter(company=company, customer=customer).exists()


def sso_requirement_set(*, company: Company, customer: Any, required: bool, actor: Actor) -> bool:
    """Staff switch "must sign in with SSO" on or off for a customer (audited). True when
    something changed (a repeated click does nothing)."""
    if customer.company_id != company.pk:
        raise DomainError("Choose one of your own customers.")
    if required:
        if not IdentityProvider.objects.for_company(company).filter(enabled=True).exists():
            # Otherwise the customer could not sign in at all.
            raise DomainError("Add an identity provider first: without one they could not sign in.")
        _, created = CustomerSsoRequirement.objects.get_or_create(
            company=company, customer=customer
        )
        if created:
            audit_record(
                company=company,
                target=customer,
                verb=Verb.SSO_REQUIRED,
                actor=actor,
                message="Must sign in with an identity provider (links and passwords refused)",
            )
        return created
    deleted = CustomerSsoRequirement.objects.filter(company=company, customer=customer).delete()[0]
    if deleted:
        audit_record(
            company=company,
            target=customer,
            verb=Verb.SSO_NOT_REQUIRED,
            actor=actor,
            message="May sign in with links and passwords again",
        )
    return bool(deleted)
