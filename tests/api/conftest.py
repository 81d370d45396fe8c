from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from doorstep.core.audit import Actor
from doorstep.integrations.keys import api_key_create
from doorstep.integrations.models import ApiScope

ALL_SCOPES = [scope.value for scope in ApiScope]


class Api:
    """A test client speaking to /api/v1/ with one key."""

    def __init__(self, raw: str, company: Any, key: Any) -> None:
        self.raw, self.company, self.key = raw, company, key
        self.client = Client()

    def _headers(self, headers: dict[str, str] | None) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.raw}", **(headers or {})}

    def get(self, path: str, params: dict | None = None, headers: dict | None = None) -> Any:
        return self.client.get(path, params or {}, headers=self._headers(headers))

    def post(self, path: str, data: Any = None, headers: dict | None = None) -> Any:
        return self.client.post(
            path,
            data if data is not None else {},
            content_type="application/json",
            headers=self._headers(headers),
        )

    def delete(self, path: str, data: Any = None, headers: dict | None = None) -> Any:
        return self.client.delete(path, headers=self._headers(headers))

    def patch(self, path: str, data: Any = None, headers: dict | None = None) -> Any:
        return self.client.patch(
            path, data or {}, content_type="application/json", headers=self._headers(headers)
        )


def make_api(company: Any, scopes: list[str] | None = None, name: str = "Sync") -> Api:
    issued = api_key_create(
        company=company, name=name, scopes=scopes or ALL_SCOPES, actor=Actor.system("tests")
    )
    return Api(issued.raw, company, issued.key)


@pytest.fixture
def api(company: Any) -> Api:
    return make_api(company)


@pytest.fixture
def other_api(other_company: Any) -> Api:
    return make_api(other_company)


def one_of_each(company: Any) -> dict[str, Any]:
    """One record of every type the API serves, all in `company`."""
    from doorstep.messaging.services import conversation_start
    from doorstep.payments.models import PaymentMethod
    from doorstep.payments.services import payment_record_manual
    from tests.factories import (
        ContactFactory,
        CustomerFactory,
        LocationFactory,
        make_estimate,
        make_invoice,
        make_job,
        make_service_request,
    )

    customer = CustomerFactory(company=company, name=f"Secret Customer {company.pk}")
    ContactFactory(customer=customer, company=company, is_primary=True)
    location = LocationFactory(customer=customer, company=company)
    job = make_job(customer, location=location, title=f"Secret job {company.pk}")
    invoice = make_invoice(customer, job=job)
    estimate = make_estimate(customer)
    payment = payment_record_manual(
        company=company,
        invoice=invoice,
        amount=1000,
        method=PaymentMethod.CHECK,
        actor=Actor.system("tests"),
    )
    request = make_service_request(customer, location=location)
    conversation = conversation_start(
        company=company,
        customer=customer,
        subject="Secret subject",
        body="Hello",
        actor=Actor.system("tests"),
    )
    from doorstep.integrations.webhooks.endpoints import webhook_endpoint_create

    endpoint = webhook_endpoint_create(
        company=company,
        url=f"https://hooks.example.com/secret-{company.pk}",
        event_types=["invoice.paid"],
        actor=Actor.system("tests"),
    ).endpoint
    return {
        "webhook_endpoint": endpoint,
        "customer": customer,
        "location": location,
        "job": job,
        "invoice": invoice,
        "estimate": estimate,
        "payment": payment,
        "service_request": request,
        "conversation": conversation,
    }
