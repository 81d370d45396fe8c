"""Saved cards and autopay consent (signed-in portal only; never through an invoice link)."""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone

from doorstep.core.audit import Actor, audit_record
from doorstep.core.errors import DomainError, NotFound
from doorstep.core.verbs import Verb
from doorstep.customers.models import Customer
from doorstep.tenancy.models import Company

from .models import (
    AutopayConsent,
    Payment,
    ProviderCustomer,
    SavedPaymentMethod,
    provider_key,
)
from .providers.base import (
    MethodDetails,
    ProviderError,
    connected_account,
    provider_for,
    provider_named,
)

if TYPE_CHECKING:
    from doorstep.tenancy.models import Company

SAVE_CARD_TEXT = (
    "Save this card for future payments. I authorise {company} to keep this card on file "
    "with its payment processor and charge it when I ask it to."
)
AUTOPAY_TEXT = (
    "I authorise {company} to charge the card I chose automatically for the full balance of "
    "each invoice it sends me{kinds}, until I turn autopay off."
)


def save_card_text(company: Company) -> str:
    return SAVE_CARD_TEXT.format(company=company.name)


def autopay_text(company: Company) -> str:
    kinds = company.settings.autopay_invoice_kinds or []
    from doorstep.billing.models import InvoiceKind

    labels = [str(InvoiceKind(k).label).lower() for k in kinds if k in InvoiceKind.values]
    suffix = f" for {', '.join(labels)} invoices" if labels else ""
    return AUTOPAY_TEXT.format(company=company.name, kinds=suffix)


def saved_methods_for_customer(*, company: Company, customer: Customer) -> list[SavedPaymentMethod]:
    return list(
        SavedPaymentMethod.objects.filter(
            company=company, customer=customer, removed_at__isnull=True
        ).order_by("-created_at", "-id")
    )


def autopay_for_customer(*, company: Company, customer: Customer) -> AutopayConsent | None:
    return (
        AutopayConsent.objects.select_related("saved_method")
        .filter(company=company, customer=customer, revoked_at__isnull=True)
        .first()
    )


def provider_customer_ensure(*, company: Company, customer: Customer, email: str) -> str:
    """The provider's customer record for ours (created once per connected account)."""
    provider = provider_for(company)
    account = connected_account(company)
    existing = ProviderCustomer.objects.filter(
        company=company, customer=customer, provider=provider.name, account=account
    ).first()
    if existing:
        return existing.reference
    reference = provider.customer_create(
        email=email,
        name=customer.name,
        idempotency_key=provider_key("customer", company.pk, customer.pk, account),
        account=account,
    )
    try:
        with transaction.atomic():
            ProviderCustomer.objects.create(
                company=company,
                customer=customer,
                provider=provider.name,
                account=account,
                reference=reference,
            )
    except IntegrityError:  # created concurrently: the idempotency key made it the same one
        pass
    return reference


def method_attach_for_saving(
    *, company: Company, customer: Customer, email: str, method_ref: str
) -> str:
    """Attach a freshly entered card to the customer at the provider; returns the customer
    reference to charge with. Raises DomainError when the card cannot be saved."""
    customer_ref = provider_customer_ensure(company=company, customer=customer, email=email)
    try:
        provider_for(company).method_attach(
            method_ref=method_ref, customer_ref=customer_ref, account=connected_account(company)
        )
    except ProviderError as exc:
        raise DomainError(f"We couldn't save that card: {exc}", field="card") from exc
    return customer_ref


def saved_method_record(*, payment: Payment) -> SavedPaymentMethod | None:
    """After a successful payment with the box ticked, keep the card (and the consent)."""
    company = payment.company
    ref = ProviderCustomer.objects.filter(company=company, customer=payment.customer).first()
    if ref is None:
        return None
    existing = SavedPaymentMethod.objects.filter(
        company=company, provider=payment.provider, provider_method_ref=payment.provider_method_ref
    ).first()
    if existing:
        return existing
    try:
        details = provider_named(payment.provider).method_details(
            method_ref=payment.provider_method_ref, account=connected_account(company)
        )
    except ProviderError:
        details = MethodDetails(
            payment.provider_method_ref, payment.card_brand or "card", payment.card_last4, 0, 0
        )
    method = SavedPaymentMethod.objects.create(
        company=company,
        customer=payment.customer,
        provider=payment.provider,
        provider_customer_ref=ref.reference,
        provider_method_ref=payment.provider_method_ref,
        brand=details.brand[:20],
        last4=details.last4[:4],
        exp_month=details.exp_month,
        exp_year=details.exp_year,
        consent_text=save_card_text(company),
        consented_at=payment.created_at,
        consent_ip=payment.consent_ip,
    )
    Payment.objects.filter(pk=payment.pk).update(saved_method=method)
    audit_record(
        company=company,
        target=method,
        verb=Verb.CARD_SAVED,
        actor=Actor.system(),
        message=f"{method} saved with the customer's consent",
        data={"payment_id": payment.pk},
    )
    return method


def saved_method_get(
    *, company: Company, customer: Customer, method_id: str | int | None
) -> SavedPaymentMethod:
    if method_id is None:
        raise NotFound("That card was not found.")
    try:
        pk = int(method_id)
    except (TypeError, ValueError):
        raise NotFound("That card was not found.") from None
    method = SavedPaymentMethod.objects.filter(
        company=company, customer=customer, pk=pk, removed_at__isnull=True
    ).first()
    if method is None:
        raise NotFound("That card was not found.")
    return method


@transaction.atomic
def saved_method_remove(
    *, company: Company, customer: Customer, method_id: str | int | None, actor: Actor
) -> None:
    method = saved_method_get(company=company, customer=customer, method_id=method_id)
    now = timezone.now()
    method.removed_at = now
    method.save(update_fields=["removed_at"])
    AutopayConsent.objects.filter(saved_method=method, revoked_at__isnull=True).update(
        revoked_at=now
    )
    audit_record(company=company, target=method, verb=Verb.CARD_REMOVED, actor=actor)
    ref, account = method.provider_method_ref, connected_account(company)
    provider = provider_for(company)

    def detach() -> None:
        # Our side no longer uses it; a provider copy we fail to detach is harmless.
        with contextlib.suppress(ProviderError):
            provider.method_detach(method_ref=ref, account=account)

    transaction.on_commit(detach)


@transaction.atomic
def autopay_enable(
    *,
    company: Company,
    customer: Customer,
    method_id: str | int | None,
    actor: Actor,
    ip_address: str | None,
) -> AutopayConsent:
    if not company.settings.autopay_enabled:
        raise DomainError("Autopay is not offered by this company.")
    method = saved_method_get(company=company, customer=customer, method_id=method_id)
    now = timezone.now()
    AutopayConsent.objects.filter(
        company=company, customer=customer, revoked_at__isnull=True
    ).update(revoked_at=now)
    consent = AutopayConsent.objects.create(
        company=company,
        customer=customer,
        saved_method=method,
        consent_text=autopay_text(company),
        consented_at=now,
        consent_ip=ip_address,
    )
    audit_record(
        company=company, target=consent, verb=Verb.AUTOPAY_ENABLED, actor=actor, message=str(method)
    )
    return consent


@transaction.atomic
def autopay_disable(*, company: Company, customer: Customer, actor: Actor) -> None:
    for consent in AutopayConsent.objects.filter(
        company=company, customer=customer, revoked_at__isnull=True
    ):
        consent.revoked_at = timezone.now()
        consent.save(update_fields=["revoked_at"])
        audit_record(company=company, target=consent, verb=Verb.AUTOPAY_DISABLED, actor=actor)
