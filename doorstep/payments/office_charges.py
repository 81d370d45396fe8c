"""Charging a customer's saved card from the office, for a customer on the phone (seed 003:
"pull up the account, click charge-saved-method, done").

Only a card the customer saved with their consent ("...charge it when I ask it to") and has
not removed; the amount is the invoice's balance (less money already on its way), computed
here; the charge is off-session (the customer is not at the keyboard, so a bank that asks
for confirmation declines) and goes through the same attempt row, idempotency key and ledger
as every other payment: a success sends the receipt, a decline leaves a failed attempt.
"""

from __future__ import annotations

from django.db import transaction

from doorstep.billing.models import Invoice
from doorstep.core.audit import Actor
from doorstep.core.errors import DomainError
from doorstep.customers.selectors import customer_email
from doorstep.tenancy.models import Company

from .checkout import invoices_payable, payment_attempt_create, payment_charge
from .models import Payment, PaymentMethod, PaymentSource, SavedPaymentMethod


def cards_chargeable(*, company: Company, invoice: Invoice) -> list[SavedPaymentMethod]:
    """The invoice customer's saved cards that carry a consent and were not removed."""
    return list(
        SavedPaymentMethod.objects.filter(
            company=company, customer_id=invoice.customer_id, removed_at__isnull=True
        )
        .exclude(consent_text="")
        .order_by("-created_at", "-id")
    )


def card_chargeable(
    *, company: Company, invoice: Invoice, method_id: str | int | None
) -> SavedPaymentMethod:
    try:
        pk = int(method_id or "")
    except (TypeError, ValueError):
        raise DomainError("Choose one of the customer's saved cards.", field="card") from None
    for card in cards_chargeable(company=company, invoice=invoice):
        if card.pk == pk:
            return card
    raise DomainError("Choose one of the customer's saved cards.", field="card")


def charge_amount(*, company: Company, invoice: Invoice) -> int:
    """What a charge would take now: the balance less payments already on their way."""
    (payable,) = invoices_payable(
        company=company, customer=invoice.customer, invoice_ids=[invoice.pk]
    )
    return payable.available


def saved_card_charge(
    *, company: Company, invoice: Invoice, method_id: str | int | None, actor: Actor
) -> Payment:
    """Charge the invoice's balance to one of its customer's saved cards."""
    card = card_chargeable(company=company, invoice=invoice, method_id=method_id)
    with transaction.atomic():
        payment = payment_attempt_create(
            company=company,
            customer=invoice.customer,
            invoice_ids=[invoice.pk],
            amount_text=None,
            method=PaymentMethod.CARD,
            actor=actor,
            payer_email=customer_email(company=company, customer=invoice.customer),
            source=PaymentSource.OFFICE,
            saved_method=card,
        )
        Payment.objects.filter(pk=payment.pk).update(card_brand=card.brand, card_last4=card.last4)
    payment.card_brand, payment.card_last4 = card.brand, card.last4
    return payment_charge(
        payment=payment,
        method_ref=card.provider_method_ref,
        customer_ref=card.provider_customer_ref,
        off_session=True,
        actor=actor,
    )
