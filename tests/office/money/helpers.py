"""Set-up for the office's money pages: a company with a customer who has an email."""

from __future__ import annotations

from typing import Any

from django.test import Client

from ...factories import ContactFactory, CustomerFactory


def customer_with_email(company: Any, name: str = "Carlos Williams") -> Any:
    customer = CustomerFactory(company=company, name=name)
    ContactFactory(customer=customer, company=company, name=name, is_primary=True)
    return customer


def post(client: Client, url: str, data: dict[str, Any] | None = None) -> Any:
    """POST like a browser: the page's CSRF cookie first, then the token with the form."""
    client.get("/office/")
    token = client.cookies["csrftoken"].value if "csrftoken" in client.cookies else ""
    return client.post(url, {**(data or {}), "csrfmiddlewaretoken": token})


def lines_data(*lines: tuple[str, str, str, str], extra: int = 0) -> dict[str, str]:
    """The line editor's fields: (description, quantity, unit price, tax rate)."""
    data = {
        "lines-TOTAL_FORMS": str(len(lines) + extra),
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "100",
    }
    for i, (description, quantity, price, rate) in enumerate(lines):
        data.update(
            {
                f"lines-{i}-description": description,
                f"lines-{i}-quantity": quantity,
                f"lines-{i}-unit_price": price,
                f"lines-{i}-tax_rate": rate,
            }
        )
    return data
