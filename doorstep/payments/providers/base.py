"""The one small protocol every payment provider implements, with plain dataclasses.

Everything above this line (checkout, webhooks, receipts, refunds, reconciliation) talks only
to `PaymentProvider`; the demo provider and Stripe differ only below it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol


class ProviderError(Exception):
    """The provider could not be reached or refused the request for a non-card reason.

    Nothing is known about the outcome of a charge that raised this: the attempt stays pending
    and is retried with the same idempotency key (by the customer or reconciliation)."""


class InvalidSignature(Exception):
    """A webhook whose signature, timestamp or secret does not check out."""


@dataclass(frozen=True)
class CheckoutSetup:
    """What the checkout page needs to collect a card in the provider's own fields."""

    provider: str
    publishable_key: str = ""
    js_url: str = ""
    client_secret: str = ""  # a SetupIntent secret: the page confirms the card with it
    account: str = ""  # connected account for Stripe.js


@dataclass(frozen=True)
class ChargeRequest:
    amount: int
    currency: str
    idempotency_key: str
    payment_method: str  # provider reference (pm_...): never card data
    method: str = "card"  # card | ach
    customer_ref: str = ""  # provider customer, for saved cards
    off_session: bool = False  # autopay: the customer is not there
    application_fee: int = 0
    account: str = ""  # Stripe Connect account of the company
    metadata: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ChargeResult:
    """Where a charge stands at the provider.

    status: succeeded | processing | requires_action | failed | canceled | pending
    """

    status: str
    reference: str = ""
    client_secret: str = ""
    brand: str = ""
    last4: str = ""
    provider_fee: int = 0
    failure_code: str = ""
    failure_message: str = ""


@dataclass(frozen=True)
class MethodDetails:
    reference: str
    brand: str
    last4: str
    exp_month: int
    exp_year: int
    kind: str = "card"


@dataclass(frozen=True)
class RefundResult:
    status: str  # succeeded | pending | failed
    reference: str
    failure_message: str = ""


@dataclass(frozen=True)
class ProviderEvent:
    """A verified event, reduced to what we act on. `data` is the provider's object."""

    id: str
    type: str
    account: str
    data: dict[str, Any]
    payload: dict[str, Any]


class PaymentProvider(Protocol):
    name: str

    def checkout_setup(self, *, account: str) -> CheckoutSetup: ...

    def charge(self, request: ChargeRequest) -> ChargeResult: ...

    def retrieve(self, *, reference: str, account: str) -> ChargeResult: ...

    def cancel(self, *, reference: str, account: str) -> ChargeResult: ...

    def refund(
        self,
        *,
        reference: str,
        amount: int,
        refund_application_fee: bool,
        idempotency_key: str,
        account: str,
    ) -> RefundResult: ...

    def customer_create(
        self, *, email: str, name: str, idempotency_key: str, account: str
    ) -> str: ...

    def method_attach(
        self, *, method_ref: str, customer_ref: str, account: str
    ) -> MethodDetails: ...

    def method_details(self, *, method_ref: str, account: str) -> MethodDetails: ...

    def method_detach(self, *, method_ref: str, account: str) -> None: ...

    def event_parse(self, *, payload: bytes, signature: str) -> ProviderEvent: ...
