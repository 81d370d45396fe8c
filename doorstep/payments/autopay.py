"""Autopay: when an invoice is sent to a customer who said yes, charge the saved card once.

Asked by access.invoice_sending (through tasks.autopay_after_invoice_sent) after an invoice
email is committed. The charge is off-session and
happens at most once per invoice (`Payment.autopay_invoice` is unique); a failure marks the
invoice "action needed" and tells the customer and the billing inbox — never a blind retry.
"""

from __future__ import annotations

import logging

from django.db import IntegrityError, transaction

from doorstep.billing.models import Invoice, InvoiceState
from doorstep.billing.selectors import invoice_find
from doorstep.core.audit import Actor
from doorstep.core.errors import DomainError
from doorstep.customers.selectors import customer_email
from doorstep.tenancy.models import Company

from .checkout import payment_attempt_create, payment_charge
from .models import AutopayConsent, Payment, PaymentMethod, PaymentSource
from .providers.base import ProviderError

log = logging.getLogger("doorstep.payments.autopay")
ACTOR = Actor.system("Autopay")


def autopay_applies(*, company: Company, invoice: Invoice) -> AutopayConsent | None:
    settings = company.settings
    if not settings.autopay_enabled or invoice.state != InvoiceState.OPEN:
        return None
    if invoice.balance_due <= 0 or invoice.action_needed:
        return None
    kinds = settings.autopay_invoice_kinds or []
    if kinds and invoice.kind not in kinds:
        return None
    return (
        AutopayConsent.objects.select_related("saved_method")
        .filter(
            company=company,
            customer_id=invoice.customer_id,
            revoked_at__isnull=True,
            saved_method__removed_at__isnull=True,
        )
        .first()
    )


def autopay_charge_invoice(*, invoice_id: int, company_id: int) -> Payment | None:
    company = Company.objects.select_related("settings").get(pk=company_id)
    invoice = invoice_find(company=company, invoice_id=invoice_id)
    if invoice is None:
        return None
    existing = Payment.objects.filter(autopay_invoice=invoice).first()
    if existing is not None:
        return existing  # once per invoice, however often it is sent
    consent = autopay_applies(company=company, invoice=invoice)
    if consent is None:
        return None
    method = consent.saved_method
    try:
        with transaction.atomic():
            payment = payment_attempt_create(
                company=company,
                customer=invoice.customer,
                invoice_ids=[invoice.pk],
                amount_text=None,
                method=PaymentMethod.CARD,
                actor=ACTOR,
                payer_email=customer_email(company=company, customer=invoice.customer),
                source=PaymentSource.AUTOPAY,
                saved_method=method,
                autopay_invoice=invoice,
            )
            Payment.objects.filter(pk=payment.pk).update(
                card_brand=method.brand, card_last4=method.last4
            )
    except IntegrityError:
        return Payment.objects.filter(autopay_invoice=invoice).first()  # a concurrent run won
    except DomainError as exc:
        log.info("autopay skipped for invoice %s: %s", invoice.pk, exc.message)
        return None
    payment.card_brand, payment.card_last4 = method.brand, method.last4
    try:
        return payment_charge(
            payment=payment,
            method_ref=method.provider_method_ref,
            customer_ref=method.provider_customer_ref,
            off_session=True,
            actor=ACTOR,
        )
    except ProviderError:
        # Outcome unknown: reconciliation asks again with the same idempotency key.
        log.warning("autopay charge of payment %s: provider unreachable", payment.pk)
        return payment
