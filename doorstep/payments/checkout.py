"""Customer checkout: validate what is being paid, create the attempt row, charge.

Amounts are always computed here from current balances; the browser sends only invoice ids,
an optional smaller amount (partial payments) and a provider payment-method reference.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from doorstep.adoption.ledger import activity_record
from doorstep.adoption.models import ActivityVerb, Channel
from doorstep.billing.models import Invoice, InvoiceState
from doorstep.core.audit import Actor, audit_record
from doorstep.core.errors import DomainError, NotFound
from doorstep.core.money import AmountError, format_money, parse_amount, round_half_up
from doorstep.core.verbs import Verb
from doorstep.customers.models import Customer
from doorstep.tenancy import rls
from doorstep.tenancy.models import Company

from .ach_mandate import AchMandate
from .ledger import invoices_reserved, payment_apply_result
from .locks import invoices_lock
from .models import (
    Payment,
    PaymentAllocation,
    PaymentMethod,
    PaymentSource,
    PaymentState,
    SavedPaymentMethod,
)
from .providers.base import (
    ChargeRequest,
    ChargeResult,
    ProviderError,
    ProviderEvent,
    connected_account,
    provider_for,
    provider_named,
)
from .webhooks import webhook_events_handle_now, webhook_events_store

if TYPE_CHECKING:
    from doorstep.tenancy.models import Company


@dataclass(frozen=True)
class PayableInvoice:
    invoice: Invoice
    available: int  # balance due less money already on its way


def platform_fee(*, company: Company, amount: int) -> int:
    """The platform's cut, computed here (never from input): a per-company override in basis
    points, else the platform default. Zero unless the company is a connected Stripe account."""
    basis_points = company.settings.platform_fee_basis_points
    if basis_points is None:
        basis_points = settings.PLATFORM_FEE_BASIS_POINTS
    return round_half_up(Decimal(amount) * basis_points / 10000)


def partial_allowed(*, company: Company, invoice: Invoice) -> bool:
    if invoice.partial_payments is not None:
        return bool(invoice.partial_payments)
    return bool(company.settings.partial_payments_allowed)


# Row ids are 64-bit: a larger number names no invoice (and SQLite cannot even compare it).
MAX_ROW_ID = 2**63 - 1


def parse_invoice_ids(values: list[str]) -> list[int]:
    ids = set()
    for value in values:
        try:
            number = int(value)
        except (TypeError, ValueError):
            raise NotFound("That invoice was not found.") from None
        if not 0 < number <= MAX_ROW_ID:
            raise NotFound("That invoice was not found.")
        ids.add(number)
    return sorted(ids)


def invoices_payable(
    *, company: Company, customer: Customer, invoice_ids: list[int], lock: bool = False
) -> list[PayableInvoice]:
    """The customer's invoices that can take money now, with what each can still take.
    An invoice of anyone else is "not found", never "forbidden"."""
    if not invoice_ids:
        raise DomainError("Choose at least one invoice to pay.", field="invoice")
    queryset = Invoice.objects.filter(company=company, customer=customer, pk__in=invoice_ids)
    invoices = invoices_lock(queryset) if lock else list(queryset.order_by("id"))
    if len(invoices) != len(invoice_ids):
        raise NotFound("That invoice was not found.")
    reserved = invoices_reserved(invoice_ids=invoice_ids)
    payable = []
    for invoice in invoices:
        if invoice.state == InvoiceState.VOID:
            raise DomainError(f"{invoice.display_number} was cancelled and cannot be paid.")
        if invoice.state != InvoiceState.OPEN:
            raise NotFound("That invoice was not found.")
        if invoice.balance_due <= 0:
            raise DomainError(f"{invoice.display_number} is already paid. Thank you!")
        available = invoice.balance_due - reserved.get(invoice.pk, 0)
        if available <= 0:
            raise DomainError(
                f"A payment for {invoice.display_number} is already on its way. "
                "Wait a moment and refresh before paying again."
            )
        payable.append(PayableInvoice(invoice, available))
    return payable


def amount_check(
    *, company: Company, payable: list[PayableInvoice], amount_text: str | None
) -> list[int]:
    """Per-invoice amounts. Several invoices: each is paid in full. One invoice: the balance,
    or (when partial payments are allowed) a smaller amount above the minimum."""
    full = [p.available for p in payable]
    if amount_text is None or amount_text.strip() == "":
        return full
    currency = payable[0].invoice.currency
    try:
        amount = parse_amount(amount_text, currency=currency, locale=company.locale)
    except AmountError as exc:
        raise DomainError(str(exc), field="amount") from exc
    if amount <= 0:
        raise DomainError("Enter an amount more than zero.", field="amount")
    if len(payable) > 1:
        if amount != sum(full):
            raise DomainError(
                "Several invoices are paid in full; pay one invoice to pay part of it.",
                field="amount",
            )
        return full
    only = payable[0]
    if amount > only.available:
        raise DomainError(
            "That is more than the balance due "
            f"({format_money(only.available, currency, company.locale)}).",
            field="amount",
        )
    if amount < only.available:
        if not partial_allowed(company=company, invoice=only.invoice):
            raise DomainError(
                f"{only.invoice.display_number} must be paid in full.", field="amount"
            )
        minimum = company.settings.partial_payment_minimum
        if amount < minimum:
            raise DomainError(
                f"The smallest payment is {format_money(minimum, currency, company.locale)}.",
                field="amount",
            )
    return [amount]


class TooManyAttempts(DomainError):
    status_code = 429


FAILED_ATTEMPTS_PER_HOUR = 10


def attempts_check(*, company: Company, customer: Customer) -> None:
    """Slow down card testing: after ten failed attempts in an hour, wait."""
    since = timezone.now() - timedelta(hours=1)
    failed = Payment.objects.filter(
        company=company, customer=customer, state=PaymentState.FAILED, created_at__gte=since
    ).count()
    if failed >= FAILED_ATTEMPTS_PER_HOUR:
        raise TooManyAttempts(
            "Too many payment attempts failed. Please wait an hour or call us to pay."
        )


def _mandate_fields(mandate: AchMandate | None) -> dict[str, object]:
    if mandate is None:
        return {}
    return {
        "ach_account_holder": mandate.account_holder,
        "mandate_version": mandate.version,
        "mandate_text": mandate.text,
        "mandate_sha256": mandate.sha256,
        "mandate_accepted_at": mandate.accepted_at,
        "mandate_ip": mandate.ip_address,
        "mandate_user_agent": mandate.user_agent,
    }


@transaction.atomic
def payment_attempt_create(
    *,
    company: Company,
    customer: Customer,
    invoice_ids: list[int],
    amount_text: str | None,
    method: str,
    actor: Actor,
    payer_email: str = "",
    source: str = PaymentSource.CHECKOUT,
    save_method: bool = False,
    consent_ip: str | None = None,
    saved_method: SavedPaymentMethod | None = None,
    autopay_invoice: Invoice | None = None,
    ach_mandate: AchMandate | None = None,
    channel: str = "",
) -> Payment:
    """The attempt row, written (with its allocations) before the provider is called.

    `channel` is where it was started (adoption.models.Channel): the portal passes "invoice
    link" for a session opened by an invoice email; by default it follows `source`.

    The invoices are locked in id order while the amount is checked and the allocations are
    written, so concurrent attempts on one invoice are serialised: only what is not already
    on its way can be taken."""
    if method not in (PaymentMethod.CARD, PaymentMethod.ACH):
        raise DomainError("Choose how you want to pay.", field="method")
    if method == PaymentMethod.ACH and not company.settings.ach_enabled:
        raise DomainError("Bank payments are not offered by this company.", field="method")
    if source == PaymentSource.CHECKOUT:
        attempts_check(company=company, customer=customer)
    payable = invoices_payable(
        company=company, customer=customer, invoice_ids=invoice_ids, lock=True
    )
    amounts = amount_check(company=company, payable=payable, amount_text=amount_text)
    total = sum(amounts)
    # The fee exists only where the money lands in the company's own account (a connected
    # Stripe account; the demo provider pretends to be one).
    provider = provider_for(company)
    account = provider.connected_account(company.settings)
    charges_fee = provider.platform_fee_applies(account=account)
    fee = platform_fee(company=company, amount=total) if charges_fee else 0
    payment = Payment.objects.create(
        company=company,
        customer=customer,
        amount=total,
        currency=payable[0].invoice.currency,
        method=method,
        state=PaymentState.PENDING,
        source=source,
        provider=provider.name,
        platform_fee_amount=fee,
        fee_amount=fee,
        payer_email=payer_email,
        save_method=save_method and method == PaymentMethod.CARD,
        consent_ip=consent_ip if save_method else None,
        saved_method=saved_method,
        autopay_invoice=autopay_invoice,
        **(_mandate_fields(ach_mandate) if method == PaymentMethod.ACH else {}),
    )
    PaymentAllocation.objects.bulk_create(
        [
            PaymentAllocation(company=company, payment=payment, invoice=p.invoice, amount=amount)
            for p, amount in zip(payable, amounts, strict=True)
        ]
    )
    audit_record(
        company=company,
        target=payment,
        verb=Verb.PAYMENT_STARTED,
        actor=actor,
        message=f"{format_money(total, payment.currency)} for "
        + ", ".join(p.invoice.display_number for p in payable),
        data={"invoices": [p.invoice.pk for p in payable], "amounts": amounts},
    )
    activity_record(
        company=company,
        verb=ActivityVerb.PAYMENT_STARTED,
        object_type="payment",
        object_id=payment.pk,
        actor_type=actor.type,
        customer_id=customer.pk,
        channel=channel or CHANNEL_OF_SOURCE[source],
        amount=total,
    )
    return payment


CHANNEL_OF_SOURCE: dict[str, str] = {
    PaymentSource.CHECKOUT: Channel.PORTAL,
    PaymentSource.AUTOPAY: Channel.AUTOPAY,
    PaymentSource.OFFICE: Channel.OFFICE,
    PaymentSource.MANUAL: Channel.OFFICE,
}


def payment_charge(
    *,
    payment: Payment,
    method_ref: str,
    actor: Actor,
    customer_ref: str = "",
    off_session: bool = False,
) -> Payment:
    """Ask the provider for the money, outside any transaction, with the attempt's own id as
    the idempotency key (a retry of the same attempt can never charge twice)."""
    company = payment.company
    provider = provider_named(payment.provider)  # the one that took this attempt
    account = connected_account(company)
    if method_ref and not payment.provider_method_ref:
        Payment.objects.filter(pk=payment.pk).update(provider_method_ref=method_ref[:100])
        payment.provider_method_ref = method_ref[:100]
    if method_ref and not payment.card_last4:
        # Known before charging, so every receipt (whoever records the result) names it.
        try:
            details = provider.method_details(method_ref=method_ref, account=account)
        except ProviderError:
            details = None
        if details is not None:
            brand = details.brand[:20] if payment.method == PaymentMethod.CARD else ""
            Payment.objects.filter(pk=payment.pk).update(
                card_brand=brand, card_last4=details.last4[:4]
            )
            payment.card_brand, payment.card_last4 = brand, details.last4[:4]
    request = ChargeRequest(
        amount=payment.amount,
        currency=payment.currency,
        idempotency_key=payment.idempotency_key,
        payment_method=method_ref,
        method=payment.method,
        customer_ref=customer_ref,
        off_session=off_session,
        application_fee=payment.platform_fee_amount,
        account=account,
        metadata={
            "payment_id": str(payment.pk),
            "company_id": str(company.pk),
            "customer_id": str(payment.customer_id),
        },
    )
    result = provider.charge(request)  # ProviderError: outcome unknown, attempt stays pending
    return _result_record(payment, provider.name, result, actor)


def _result_record(payment: Payment, provider: str, result: ChargeResult, actor: Actor) -> Payment:
    """What the provider answered, in the order a provider with webhooks produces it: the
    events it sends about the change reach the inbox first, then the answer is applied
    (whichever comes second changes nothing)."""
    _events_deliver(provider, result.events, company_id=payment.company_id)
    return payment_apply_result(payment_id=payment.pk, result=result, actor=actor)


def _events_deliver(provider: str, events: Sequence[ProviderEvent], *, company_id: int) -> None:
    """Events a provider announced in its answer (the demo provider, which sends no
    webhooks) go to the inbox once the current transaction commits, as a webhook would."""
    if not events:
        return
    if rls.in_scope_transaction():
        # The only open transaction is the tenant transaction the request's (or task's) gate
        # opened for row-level security (docs/adr/0003). Without it the provider is called
        # under autocommit, on_commit runs at once and the event is handled *before* the
        # answer is applied (pending -> succeeded). Deferred to the end of the request, the
        # answer would be applied first and the event would find nothing left to do
        # (succeeded -> succeeded). So store and handle it now, in this transaction and in
        # the payment's company, as the webhook endpoint handles a delivery in its request.
        webhook_events_handle_now(provider=provider, events=events, company_id=company_id)
        return
    transaction.on_commit(lambda: webhook_events_store(provider=provider, events=events))


def payment_refresh(*, payment: Payment, actor: Actor) -> Payment:
    """Ask the provider where an attempt stands (reconciliation)."""
    if not payment.provider_reference:
        return payment
    provider = provider_named(payment.provider)
    result = provider.retrieve(
        reference=payment.provider_reference, account=connected_account(payment.company)
    )
    return _result_record(payment, provider.name, result, actor)


def payment_confirm(*, payment: Payment, answer: str, actor: Actor) -> Payment:
    """The customer is back from the confirmation step (3-D Secure, the bank account);
    `answer` is what the provider's page sent."""
    provider = provider_named(payment.provider)
    result = provider.confirmation_answer(
        reference=payment.provider_reference,
        account=connected_account(payment.company),
        answer=answer,
    )
    if result is None:
        return payment
    return _result_record(payment, provider.name, result, actor)


def payment_cancel(*, payment: Payment, actor: Actor) -> Payment:
    """The customer gave up on a confirmation step: cancel at the provider, free the balance."""
    if payment.state not in (PaymentState.PENDING, PaymentState.REQUIRES_ACTION):
        return payment
    if payment.provider_reference:
        provider = provider_named(payment.provider)
        result = provider.cancel(
            reference=payment.provider_reference, account=connected_account(payment.company)
        )
        return _result_record(payment, provider.name, result, actor)
    return payment_apply_result(
        payment_id=payment.pk, result=ChargeResult(status="canceled"), actor=actor
    )


def checkout_refused(*, company: Company, customer: Customer, actor: Actor, reason: str) -> None:
    """Audit a refused checkout (tampered ids, another customer's invoice)."""
    audit_record(
        company=company,
        target=customer,
        verb=Verb.PAYMENT_REFUSED,
        actor=actor,
        message=reason[:500],
    )
