"""Stripe: PaymentIntents + SetupIntents on the company's connected account (direct charges).

Every call for a company with a `stripe_account_id` carries the Stripe-Account header and the
platform fee as `application_fee_amount`; without one the charge is on the platform account
and no fee is sent (localstripe, which has no Connect, runs this way in tests).
Card details are only ever entered in Stripe's own fields: we see `pm_...` references.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import stripe
from django.conf import settings

from ..base import (
    ChargeRequest,
    ChargeResult,
    CheckoutSetup,
    ConfirmationStep,
    InvalidSignature,
    MethodDetails,
    ProviderError,
    ProviderEvent,
    RefundResult,
)
from .events import event_from_payload, event_read
from .signature import SIGNATURE_HEADER, signature_verify

if TYPE_CHECKING:
    from doorstep.tenancy.models import CompanySettings

TEMPLATES = "payments/providers/stripe"

STATUS_MAP = {
    "succeeded": "succeeded",
    "processing": "processing",
    "requires_action": "requires_action",
    "requires_confirmation": "pending",
    "requires_capture": "processing",
    "requires_payment_method": "failed",
    "canceled": "canceled",
}


def client() -> stripe.StripeClient:
    base = {"api": settings.STRIPE_API_BASE} if settings.STRIPE_API_BASE else None
    return stripe.StripeClient(
        settings.STRIPE_SECRET_KEY,
        base_addresses=base,  # type: ignore[arg-type]
        max_network_retries=0 if settings.STRIPE_API_BASE else 2,
    )


def _opts(account: str, idempotency_key: str = "") -> dict[str, Any]:
    options: dict[str, Any] = {}
    if account:
        options["stripe_account"] = account
    if idempotency_key:
        options["idempotency_key"] = idempotency_key
    return options


def _get(obj: Any, name: str, default: Any = None) -> Any:
    if obj is None:
        return default
    if isinstance(obj, dict):
        return obj.get(name, default)
    return getattr(obj, name, default)


def _charge_details(intent: Any) -> tuple[str, str, int]:
    """Brand, last 4 and Stripe's fee from the latest charge (expanded or an id)."""
    charge = _get(intent, "latest_charge")
    if not charge or isinstance(charge, str):
        return "", "", 0
    details = _get(charge, "payment_method_details") or {}
    card = _get(details, "card") or {}
    bank = _get(details, "us_bank_account") or {}
    brand = _get(card, "brand", "") or ("bank" if bank else "")
    last4 = _get(card, "last4", "") or _get(bank, "last4", "") or ""
    fee = 0
    balance = _get(charge, "balance_transaction")
    if balance and not isinstance(balance, str):
        fee = int(_get(balance, "fee", 0) or 0)
    return brand or "", last4, fee


def result_from_intent(intent: Any) -> ChargeResult:
    status = STATUS_MAP.get(_get(intent, "status", ""), "pending")
    brand, last4, fee = _charge_details(intent)
    error = _get(intent, "last_payment_error") or {}
    if status == "failed" and not error:
        status = "pending"  # no method yet (ACH before the bank account is collected)
    return ChargeResult(
        status=status,
        reference=_get(intent, "id", ""),
        client_secret=_get(intent, "client_secret", "") or "",
        brand=brand,
        last4=last4,
        provider_fee=fee,
        failure_code=(_get(error, "code", "") or "") if status == "failed" else "",
        failure_message=(_get(error, "message", "") or "") if status == "failed" else "",
    )


class StripeProvider:
    name = "stripe"
    signature_header = SIGNATURE_HEADER
    bank_details_on_checkout = False  # Stripe.js collects the bank account on the next step

    def connected_account(self, settings: CompanySettings) -> str:
        return settings.stripe_account_id or ""

    def platform_fee_applies(self, *, account: str) -> bool:
        # Only a connected account's charge can carry an application fee for the platform.
        return bool(account)

    def checkout_setup(self, *, account: str) -> CheckoutSetup:
        try:
            # Explicit types: newer API versions otherwise turn on automatic payment methods,
            # which want a return_url at confirmation (and localstripe refuses the parameter).
            setup = client().v1.setup_intents.create(
                params={"payment_method_types": ["card"]},  # type: ignore[arg-type]
                options=_opts(account),  # type: ignore[arg-type]
            )
        except stripe.StripeError as exc:
            raise ProviderError(str(exc)) from exc
        return CheckoutSetup(
            provider=self.name,
            card_template=f"{TEMPLATES}/card.html",
            bank_template=f"{TEMPLATES}/bank.html",
            note_template=f"{TEMPLATES}/note.html",
            scripts_template=f"{TEMPLATES}/checkout_scripts.html",
            publishable_key=settings.STRIPE_PUBLISHABLE_KEY,
            js_url=settings.STRIPE_JS_URL,
            client_secret=setup.client_secret or "",
            account=account,
        )

    def confirmation_step(self, *, reference: str, account: str) -> ConfirmationStep:
        """Stripe.js runs 3-D Secure or collects the bank account with the intent's secret."""
        client_secret = ""
        if reference:
            try:
                client_secret = self.retrieve(reference=reference, account=account).client_secret
            except ProviderError:
                client_secret = ""
        return ConfirmationStep(
            template=f"{TEMPLATES}/confirm.html",
            scripts_template=f"{TEMPLATES}/confirm_scripts.html",
            client_secret=client_secret,
            publishable_key=settings.STRIPE_PUBLISHABLE_KEY,
            js_url=settings.STRIPE_JS_URL,
            account=account,
        )

    def confirmation_answer(
        self, *, reference: str, account: str, answer: str
    ) -> ChargeResult | None:
        """The page posts once Stripe.js is done, whatever happened: ask Stripe."""
        if not reference:
            return None
        return self.retrieve(reference=reference, account=account)

    def charge(self, request: ChargeRequest) -> ChargeResult:
        params: dict[str, Any] = {
            "amount": request.amount,
            "currency": request.currency.lower(),
            "metadata": request.metadata,
        }
        if request.method == "ach":
            # The page collects and confirms the bank account with Stripe.js afterwards.
            params["payment_method_types"] = ["us_bank_account"]
        else:
            params["payment_method_types"] = ["card"]
            params["payment_method"] = request.payment_method
            params["confirm"] = True  # localstripe: confirm with a method only at create
            if request.off_session:
                params["off_session"] = True
        if request.customer_ref:
            params["customer"] = request.customer_ref
        if request.account and request.application_fee:
            params["application_fee_amount"] = request.application_fee
        try:
            intent = client().v1.payment_intents.create(
                params=params,  # type: ignore[arg-type]
                options=_opts(request.account, request.idempotency_key),  # type: ignore[arg-type]
            )
        except stripe.CardError as exc:
            error = exc.error
            intent = _get(error, "payment_intent")
            return ChargeResult(
                status="failed",
                reference=_get(intent, "id", "") or "",
                failure_code=(_get(error, "decline_code") or _get(error, "code") or "declined"),
                failure_message=exc.user_message or "Your card was declined.",
            )
        except stripe.IdempotencyError as exc:
            raise ProviderError(str(exc)) from exc
        except stripe.InvalidRequestError as exc:
            # Refused before anything was created (e.g. an unknown or used payment method).
            return ChargeResult(
                status="failed",
                failure_code=exc.code or "invalid_request",
                failure_message="Your payment details were not accepted. Try another card.",
            )
        except stripe.StripeError as exc:
            raise ProviderError(str(exc)) from exc
        if request.method == "ach":
            return ChargeResult(
                status="pending",
                reference=intent.id,
                client_secret=intent.client_secret or "",
            )
        return result_from_intent(intent)

    def retrieve(self, *, reference: str, account: str) -> ChargeResult:
        try:
            intent = client().v1.payment_intents.retrieve(
                reference,
                params={"expand": ["latest_charge.balance_transaction"]},
                options=_opts(account),  # type: ignore[arg-type]
            )
        except stripe.InvalidRequestError:
            intent = client().v1.payment_intents.retrieve(reference, options=_opts(account))  # type: ignore[arg-type]
        except stripe.StripeError as exc:
            raise ProviderError(str(exc)) from exc
        return result_from_intent(intent)

    def cancel(self, *, reference: str, account: str) -> ChargeResult:
        try:
            intent = client().v1.payment_intents.cancel(reference, options=_opts(account))  # type: ignore[arg-type]
        except stripe.InvalidRequestError:
            return self.retrieve(reference=reference, account=account)  # already final
        except stripe.StripeError as exc:
            raise ProviderError(str(exc)) from exc
        return result_from_intent(intent)

    def refund(
        self,
        *,
        reference: str,
        amount: int,
        refund_application_fee: bool,
        idempotency_key: str,
        account: str,
    ) -> RefundResult:
        params: dict[str, Any] = {"payment_intent": reference, "amount": amount}
        if account:
            params["refund_application_fee"] = refund_application_fee
        try:
            refund = client().v1.refunds.create(
                params=params,  # type: ignore[arg-type]
                options=_opts(account, idempotency_key),  # type: ignore[arg-type]
            )
        except stripe.StripeError as exc:
            raise ProviderError(exc.user_message or str(exc)) from exc
        status = refund.status or "pending"
        return RefundResult(
            status="succeeded" if status == "succeeded" else status,
            reference=refund.id,
            failure_message=_get(refund, "failure_reason", "") or "",
        )

    def customer_create(self, *, email: str, name: str, idempotency_key: str, account: str) -> str:
        try:
            customer = client().v1.customers.create(
                params={"email": email, "name": name},
                options=_opts(account, idempotency_key),  # type: ignore[arg-type]
            )
        except stripe.StripeError as exc:
            raise ProviderError(str(exc)) from exc
        return customer.id

    def _details(self, method: Any) -> MethodDetails:
        card = _get(method, "card") or {}
        return MethodDetails(
            reference=method.id,
            brand=_get(card, "brand", "") or "card",
            last4=_get(card, "last4", "") or "",
            exp_month=int(_get(card, "exp_month", 0) or 0),
            exp_year=int(_get(card, "exp_year", 0) or 0),
            kind=_get(method, "type", "card") or "card",
        )

    def method_attach(self, *, method_ref: str, customer_ref: str, account: str) -> MethodDetails:
        try:
            method = client().v1.payment_methods.attach(
                method_ref,
                params={"customer": customer_ref},
                options=_opts(account),  # type: ignore[arg-type]
            )
        except stripe.CardError as exc:
            raise ProviderError(exc.user_message or "Your card was declined.") from exc
        except stripe.StripeError as exc:
            raise ProviderError(str(exc)) from exc
        return self._details(method)

    def method_details(self, *, method_ref: str, account: str) -> MethodDetails:
        try:
            method = client().v1.payment_methods.retrieve(method_ref, options=_opts(account))  # type: ignore[arg-type]
        except stripe.StripeError as exc:
            raise ProviderError(str(exc)) from exc
        return self._details(method)

    def method_detach(self, *, method_ref: str, account: str) -> None:
        try:
            client().v1.payment_methods.detach(method_ref, options=_opts(account))  # type: ignore[arg-type]
        except stripe.InvalidRequestError:
            return  # already detached or gone: the goal is reached
        except stripe.StripeError as exc:
            raise ProviderError(str(exc)) from exc

    def webhook_problem(self) -> str:
        if not settings.STRIPE_WEBHOOK_SECRET:
            return "STRIPE_WEBHOOK_SECRET is not set: refusing Stripe webhooks"
        return ""

    def event_parse(self, *, payload: bytes, signature: str) -> ProviderEvent:
        secret = settings.STRIPE_WEBHOOK_SECRET
        if not secret:
            raise InvalidSignature("STRIPE_WEBHOOK_SECRET is not set")
        signature_verify(payload=payload, signature=signature, secret=secret)
        return event_from_payload(payload)

    def event_read(self, body: dict[str, Any]) -> ProviderEvent:
        return event_read(body)
