"""Shared set-up for payment tests: a customer with a portal account and open invoices."""

from __future__ import annotations

import itertools
import json
import time
from dataclasses import dataclass
from typing import Any

from django.test import Client

from doorstep.access.models import SessionScope
from doorstep.billing.models import Invoice
from doorstep.payments.providers.stripe.signature import signature_header

from ..factories import ContactFactory, CustomerFactory, make_invoice, make_portal_account
from ..portal_helpers import sign_in

WEBHOOK_SECRET = "whsec_test_doorstep"
EVENT_NUMBERS = itertools.count(1)


@dataclass
class Payer:
    company: Any
    customer: Any
    account: Any
    email: str


def make_payer(company: Any) -> Payer:
    customer = CustomerFactory(company=company)
    contact = ContactFactory(customer=customer, company=company)
    account = make_portal_account(contact)
    return Payer(company, customer, account, contact.email)


def invoice_for(payer: Payer, cents: int = 10000, **kwargs: Any) -> Invoice:
    return make_invoice(payer.customer, lines=[("Service call", cents, "1", "0")], **kwargs)


def signed_in(payer: Payer, *, invoice: Invoice | None = None) -> Client:
    client = Client(enforce_csrf_checks=True)
    if invoice is None:
        sign_in(client, payer.account)
    else:
        sign_in(client, payer.account, scope=SessionScope.INVOICE, invoice=invoice)
    return client


def checkout_url(company: Any, *invoices: Invoice) -> str:
    query = "&".join(f"invoice={i.pk}" for i in invoices)
    return f"/p/{company.slug}/pay?{query}"


def post_form(client: Client, url: str, data: dict[str, Any], *, page: str | None = None) -> Any:
    """POST like a browser: load the page first for the CSRF cookie, then send the token."""
    client.get(page or url)
    if "csrftoken" not in client.cookies:  # the page was refused (404): any valid token works
        client.cookies["csrftoken"] = "a" * 32
    token = client.cookies["csrftoken"].value
    return client.post(url, {**data, "csrfmiddlewaretoken": token})


def pay(client: Client, company: Any, invoices: list[Invoice], /, **data: Any) -> Any:
    url = checkout_url(company, *invoices)
    form = {"invoice": [i.pk for i in invoices], "method_choice": "card", **data}
    if form["method_choice"] == "ach":  # the account holder's name and authorisation
        form = {"account_holder": "Pat Customer", "mandate": "agreed", **form}
    return post_form(client, f"/p/{company.slug}/pay", form, page=url)


def reload(obj: Any) -> Any:
    obj.refresh_from_db()
    return obj


def stripe_event(
    event_type: str,
    obj: dict[str, Any],
    *,
    event_id: str | None = None,
    account: str | None = None,
) -> dict[str, Any]:
    event: dict[str, Any] = {
        "id": event_id or f"evt_{time.time_ns()}_{next(EVENT_NUMBERS)}",
        "object": "event",
        "type": event_type,
        "created": int(time.time()),
        "data": {"object": obj},
    }
    if account:
        event["account"] = account
    return event


def post_webhook(
    client: Client,
    event: dict[str, Any],
    *,
    secret: str = WEBHOOK_SECRET,
    timestamp: int | None = None,
    provider: str = "stripe",
) -> Any:
    payload = json.dumps(event).encode()
    header = signature_header(payload=payload, secret=secret, timestamp=timestamp)
    return client.post(
        f"/webhooks/{provider}",
        data=payload,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=header,
    )


def intent_object(payment: Any, status: str, **extra: Any) -> dict[str, Any]:
    return {
        "id": payment.provider_reference or f"pi_{payment.pk}",
        "object": "payment_intent",
        "status": status,
        "amount": payment.amount,
        "currency": payment.currency.lower(),
        "metadata": {
            "payment_id": str(payment.pk),
            "company_id": str(payment.company_id),
            "customer_id": str(payment.customer_id),
        },
        **extra,
    }
