"""The one small protocol every payment provider implements, its dataclasses, the registry.

Everything above this line (checkout, the webhook inbox, receipts, refunds, reconciliation,
the checkout pages) talks only to `PaymentProvider` and these dataclasses; the demo provider
and Stripe differ only below it, in `providers/<name>/`. Dependencies point down: generic
payments code imports this module, a provider imports this module (and at most
`payments.models`), never the inbox, the ledger or checkout.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Protocol

from django.utils.module_loading import import_string

from doorstep.tenancy.models import PaymentProviderName

if TYPE_CHECKING:
    from doorstep.tenancy.models import Company, CompanySettings


class ProviderError(Exception):
    """The provider could not be reached or refused the request for a non-card reason.

    Nothing is known about the outcome of a charge that raised this: the attempt stays pending
    and is retried with the same idempotency key (by the customer or reconciliation)."""


class InvalidSignature(Exception):
    """A webhook whose signature, timestamp or secret does not check out."""


class EventKind(StrEnum):
    """What a provider event means to us, whatever the provider calls it."""

    PAYMENT_SUCCEEDED = "payment.succeeded"
    PAYMENT_PROCESSING = "payment.processing"
    PAYMENT_FAILED = "payment.failed"
    PAYMENT_REQUIRES_ACTION = "payment.requires_action"
    PAYMENT_CANCELED = "payment.canceled"
    REFUND_UPDATED = "refund.updated"
    UNUSED = "unused"  # verified and stored, but nothing we act on


# The charge status (ChargeResult.status) each payment event reports.
STATUS_FOR_KIND = {
    EventKind.PAYMENT_SUCCEEDED: "succeeded",
    EventKind.PAYMENT_PROCESSING: "processing",
    EventKind.PAYMENT_FAILED: "failed",
    EventKind.PAYMENT_REQUIRES_ACTION: "requires_action",
    EventKind.PAYMENT_CANCELED: "canceled",
}


@dataclass(frozen=True)
class RefundUpdate:
    reference: str
    amount: int
    status: str  # succeeded | failed | pending


@dataclass(frozen=True)
class ProviderEvent:
    """A verified provider event reduced to what we act on, in our words.

    The provider's own name for it (`type`) is kept for staff and the audit trail only;
    `metadata` is what checkout attached to the charge (our payment and company ids)."""

    event_id: str
    kind: EventKind
    type: str
    account: str = ""  # the connected account the event came from ("" for none)
    payment_reference: str = ""  # the provider's id of the charge
    metadata: dict[str, str] = field(default_factory=dict)
    amounts: tuple[int, ...] = ()  # what the provider says was asked for / received
    currency: str = ""  # upper case
    failure_code: str = ""
    failure_message: str = ""
    refunds: tuple[RefundUpdate, ...] = ()

    def as_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ProviderEvent:
        return cls(
            **{
                **data,
                "kind": EventKind(data["kind"]),
                "amounts": tuple(data["amounts"]),
                "refunds": tuple(RefundUpdate(**r) for r in data["refunds"]),
            }
        )

    @staticmethod
    def is_stored_form(data: dict[str, Any]) -> bool:
        """Inbox rows written before events were neutral hold the provider's raw body."""
        return "kind" in data and "event_id" in data


@dataclass(frozen=True)
class CheckoutSetup:
    """What the checkout page needs to collect a card in the provider's own fields: the
    provider's template fragments (the card panel, the bank panel, the note under the Pay
    button, its scripts) and the values they use."""

    provider: str
    card_template: str
    bank_template: str
    note_template: str
    scripts_template: str = ""
    publishable_key: str = ""
    js_url: str = ""
    client_secret: str = ""  # a SetupIntent secret: the page confirms the card with it
    account: str = ""  # connected account for Stripe.js


@dataclass(frozen=True)
class ConfirmationStep:
    """The extra step a bank may ask for (3-D Secure) or the bank-account collection: the
    provider's template fragment for it and the values it uses."""

    template: str
    scripts_template: str = ""
    client_secret: str = ""
    publishable_key: str = ""
    js_url: str = ""
    account: str = ""


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
    events: what the provider would announce asynchronously about this change (the demo
    provider, which has no webhooks to send); the caller hands them to the inbox.
    """

    status: str
    reference: str = ""
    client_secret: str = ""
    brand: str = ""
    last4: str = ""
    provider_fee: int = 0
    failure_code: str = ""
    failure_message: str = ""
    events: tuple[ProviderEvent, ...] = ()


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


class PaymentProvider(Protocol):
    name: str
    # The request header (Django META key) carrying the webhook signature.
    signature_header: str
    # True when the checkout page collects bank details itself (a method reference comes
    # with the form); False when the provider collects them on the confirmation step.
    bank_details_on_checkout: bool

    def connected_account(self, settings: CompanySettings) -> str:
        """The company's account at the provider that charges run on ("" for none)."""
        ...

    def platform_fee_applies(self, *, account: str) -> bool:
        """Whether the money lands in the company's own account (where a fee can be taken)."""
        ...

    def checkout_setup(self, *, account: str) -> CheckoutSetup: ...

    def confirmation_step(self, *, reference: str, account: str) -> ConfirmationStep: ...

    def confirmation_answer(
        self, *, reference: str, account: str, answer: str
    ) -> ChargeResult | None:
        """The customer came back from the confirmation step (`answer`: what the page's
        buttons sent). None: nothing to ask the provider yet."""
        ...

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

    def webhook_problem(self) -> str:
        """Why webhooks cannot be accepted at all (a missing secret), or ""."""
        ...

    def event_parse(self, *, payload: bytes, signature: str) -> ProviderEvent:
        """Verify a webhook's raw body and read it. Raises InvalidSignature."""
        ...

    def event_read(self, body: dict[str, Any]) -> ProviderEvent:
        """Read an already verified raw body (inbox rows stored before events were neutral)."""
        ...


PROVIDERS: dict[str, str] = {
    PaymentProviderName.DEMO: "doorstep.payments.providers.demo.provider.DemoProvider",
    PaymentProviderName.STRIPE: "doorstep.payments.providers.stripe.provider.StripeProvider",
}


def provider_named(name: str) -> PaymentProvider:
    """The provider called `name` (an unknown name: the offline default, as the company
    setting's default is)."""
    path = PROVIDERS.get(name) or PROVIDERS[PaymentProviderName.DEMO]
    provider: PaymentProvider = import_string(path)()
    return provider


def provider_for(company: Company) -> PaymentProvider:
    return provider_named(company.settings.payment_provider)


def connected_account(company: Company) -> str:
    """The company's account at its provider ("" for none: demo, a platform-only setup)."""
    return provider_for(company).connected_account(company.settings)
