"""The demo provider: behaves like Stripe, offline, with Stripe's documented test numbers.

Its "server side" is the DemoIntent table. The checkout page's demo card fields are turned into
a `pm_demo_<brand>_<last4>_<mm>_<yy>` reference in the browser (like Stripe.js does), so even in
demo mode no card number reaches our server. Every change of an intent comes back with a
neutral ProviderEvent in its ChargeResult, which checkout hands to the same inbox and handler
the Stripe webhooks use (events.py).

Test cards (any future expiry, any CVC):
  4242 4242 4242 4242, 5555 5555 5555 4444    succeed
  4000 0000 0000 0341, 4000 0000 0000 0002    declined
  4000 0000 0000 9995                         declined, insufficient funds
  4000 0025 0000 3155, 4000 0027 6000 3184    your bank asks you to confirm (3-D Secure)
Test bank accounts (routing 110000000): 000123456789 succeeds, 000111111116 fails; both take
DEMO_ACH_SETTLE_SECONDS to settle, as a bank does.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from ..base import (
    ChargeRequest,
    ChargeResult,
    CheckoutSetup,
    ConfirmationStep,
    MethodDetails,
    ProviderError,
    ProviderEvent,
    RefundResult,
)
from . import events
from .events import intent_event

if TYPE_CHECKING:
    from doorstep.payments.models import DemoIntent
    from doorstep.tenancy.models import CompanySettings

TEMPLATES = "payments/providers/demo"
# What the confirmation step's buttons send (templates/payments/providers/demo/confirm.html).
APPROVE, DECLINE = "approve", "decline"

DECLINES = {
    "0341": ("card_declined", "Your card was declined."),
    "0002": ("card_declined", "Your card was declined."),
    "9995": ("insufficient_funds", "Your card has insufficient funds."),
    "0069": ("expired_card", "Your card has expired."),
}
NEEDS_AUTHENTICATION = {"3155", "3184"}
FAILURE_MESSAGES = {
    **{code: message for code, message in DECLINES.values()},
    "authentication_required": "Your bank asks you to confirm this payment.",
    "authentication_failed": "Your bank could not confirm this payment.",
    "account_closed": "The bank could not debit this account.",
}
FAILING_BANK_ACCOUNTS = {"1116"}


def method_parse(method_ref: str) -> MethodDetails:
    """pm_demo_visa_4242_12_30 or pm_demo_bank_6789."""
    parts = method_ref.split("_")
    if len(parts) < 4 or parts[:2] != ["pm", "demo"]:
        raise ProviderError("Unknown payment method.")
    if parts[2] == "bank":
        return MethodDetails(method_ref, "bank", parts[3][-4:], 0, 0, kind="us_bank_account")
    try:
        month, year = int(parts[4]), 2000 + int(parts[5])
    except (IndexError, ValueError) as exc:
        raise ProviderError("Unknown payment method.") from exc
    return MethodDetails(method_ref, parts[2], parts[3][-4:], month, year)


def _failure_message(intent: DemoIntent) -> str:
    return FAILURE_MESSAGES.get(intent.failure_code, "The payment failed.")


def _result(intent: DemoIntent, *, announce: bool = False) -> ChargeResult:
    """Where the intent stands; `announce`: it just changed, so its event comes along."""
    details = method_parse(intent.method_ref) if intent.method_ref else None
    failed = intent.status == "failed"
    return ChargeResult(
        status=intent.status,
        reference=intent.reference,
        client_secret=intent.client_secret,
        brand=details.brand if details else "",
        last4=details.last4 if details else "",
        provider_fee=0,
        failure_code=intent.failure_code if failed else "",
        failure_message=_failure_message(intent) if failed else "",
        events=(intent_event(intent, _failure_message(intent)),) if announce else (),
    )


class DemoProvider:
    name = "demo"
    signature_header = events.SIGNATURE_HEADER
    bank_details_on_checkout = True  # the page's demo bank fields give the method reference

    def connected_account(self, settings: CompanySettings) -> str:
        return ""

    def platform_fee_applies(self, *, account: str) -> bool:
        return True  # the demo pretends to be the company's connected account

    def checkout_setup(self, *, account: str) -> CheckoutSetup:
        return CheckoutSetup(
            provider=self.name,
            card_template=f"{TEMPLATES}/card.html",
            bank_template=f"{TEMPLATES}/bank.html",
            note_template=f"{TEMPLATES}/note.html",
        )

    def confirmation_step(self, *, reference: str, account: str) -> ConfirmationStep:
        return ConfirmationStep(template=f"{TEMPLATES}/confirm.html")

    def confirmation_answer(
        self, *, reference: str, account: str, answer: str
    ) -> ChargeResult | None:
        """The demo bank's buttons; anything else asks where the intent stands."""
        from doorstep.payments.models import DemoIntent

        if answer in (APPROVE, DECLINE):
            intent = DemoIntent.objects.filter(reference=reference).first() if reference else None
            if intent is None:
                raise ProviderError("no such demo payment")
            return self.authenticate(
                reference=intent.reference,
                client_secret=intent.client_secret,
                success=answer == APPROVE,
            )
        if not reference:
            return None
        return self.retrieve(reference=reference, account=account)

    @transaction.atomic
    def charge(self, request: ChargeRequest) -> ChargeResult:
        from doorstep.payments.models import DemoIntent

        existing = DemoIntent.objects.filter(idempotency_key=request.idempotency_key).first()
        if existing is not None:
            return _result(existing)  # the same request again: the same answer, no new charge
        try:
            details = method_parse(request.payment_method)
        except ProviderError:
            # Nothing a provider would accept: refused outright, like a 400 from Stripe.
            return ChargeResult(
                status="failed",
                failure_code="invalid_payment_method",
                failure_message="Your payment details were not accepted.",
            )
        now = timezone.now()
        expired = request.method != "ach" and (details.exp_year, details.exp_month) < (
            now.year,
            now.month,
        )
        intent = DemoIntent(
            company_id=int(request.metadata["company_id"]),
            reference=f"pi_demo_{secrets.token_hex(10)}",
            idempotency_key=request.idempotency_key,
            amount=request.amount,
            currency=request.currency,
            method=request.method,
            method_ref=request.payment_method,
            client_secret="",
            metadata=request.metadata,
            status="pending",
        )
        intent.client_secret = f"{intent.reference}_secret_{secrets.token_hex(8)}"
        if request.method == "ach":
            intent.status = "processing"
            intent.settle_at = timezone.now() + timedelta(
                seconds=getattr(settings, "DEMO_ACH_SETTLE_SECONDS", 120)
            )
        elif expired:
            intent.status, intent.failure_code = "failed", "expired_card"
        elif details.last4 in DECLINES:
            intent.status, intent.failure_code = "failed", DECLINES[details.last4][0]
        elif details.last4 in NEEDS_AUTHENTICATION:
            if request.off_session:
                intent.status, intent.failure_code = "failed", "authentication_required"
            else:
                intent.status = "requires_action"
        else:
            intent.status = "succeeded"
        try:
            with transaction.atomic():
                intent.save()
        except IntegrityError:
            return _result(DemoIntent.objects.get(idempotency_key=request.idempotency_key))
        return _result(intent, announce=True)

    @transaction.atomic
    def authenticate(self, *, reference: str, client_secret: str, success: bool) -> ChargeResult:
        """The demo bank's confirmation step (what Stripe.js does for 3-D Secure)."""
        from doorstep.payments.models import DemoIntent

        intent = DemoIntent.objects.select_for_update().filter(reference=reference).first()
        if intent is None or not hmac.compare_digest(intent.client_secret, client_secret):
            raise ProviderError("Unknown payment.")
        if intent.status == "requires_action":
            if success:
                intent.status = "succeeded"
            else:
                intent.status, intent.failure_code = "failed", "authentication_failed"
            intent.save(update_fields=["status", "failure_code"])
            return _result(intent, announce=True)
        return _result(intent)

    @transaction.atomic
    def retrieve(self, *, reference: str, account: str) -> ChargeResult:
        from doorstep.payments.models import DemoIntent

        intent = DemoIntent.objects.select_for_update().filter(reference=reference).first()
        if intent is None:
            raise ProviderError("Unknown payment.")
        if (
            intent.status == "processing"
            and intent.settle_at
            and intent.settle_at <= timezone.now()
        ):
            # The bank has answered.
            if intent.method_ref[-4:] in FAILING_BANK_ACCOUNTS:
                intent.status, intent.failure_code = "failed", "account_closed"
            else:
                intent.status = "succeeded"
            intent.save(update_fields=["status", "failure_code"])
            return _result(intent, announce=True)
        return _result(intent)

    @transaction.atomic
    def cancel(self, *, reference: str, account: str) -> ChargeResult:
        from doorstep.payments.models import DemoIntent

        intent = DemoIntent.objects.select_for_update().filter(reference=reference).first()
        if intent is None:
            raise ProviderError("Unknown payment.")
        if intent.status in {"pending", "requires_action"}:
            intent.status = "canceled"
            intent.save(update_fields=["status"])
            return _result(intent, announce=True)
        return _result(intent)

    def refund(
        self,
        *,
        reference: str,
        amount: int,
        refund_application_fee: bool,
        idempotency_key: str,
        account: str,
    ) -> RefundResult:
        from doorstep.payments.models import DemoIntent

        if not DemoIntent.objects.filter(reference=reference, status="succeeded").exists():
            raise ProviderError("This payment cannot be refunded at the provider.")
        digest = hashlib.sha256(idempotency_key.encode()).hexdigest()[:16]
        return RefundResult(status="succeeded", reference=f"re_demo_{digest}")

    def customer_create(self, *, email: str, name: str, idempotency_key: str, account: str) -> str:
        return f"cus_demo_{hashlib.sha256(idempotency_key.encode()).hexdigest()[:14]}"

    def method_attach(self, *, method_ref: str, customer_ref: str, account: str) -> MethodDetails:
        details = method_parse(method_ref)
        if details.last4 == "0002":
            raise ProviderError("Your card was declined.")
        return details

    def method_details(self, *, method_ref: str, account: str) -> MethodDetails:
        return method_parse(method_ref)

    def method_detach(self, *, method_ref: str, account: str) -> None:
        return None

    def webhook_problem(self) -> str:
        return ""  # the demo's secret is derived from SECRET_KEY: always there

    def event_parse(self, *, payload: bytes, signature: str) -> ProviderEvent:
        return events.event_parse(payload=payload, signature=signature)

    def event_read(self, body: dict[str, Any]) -> ProviderEvent:
        return events.event_read(body)
