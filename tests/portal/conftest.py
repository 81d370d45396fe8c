from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from doorstep.billing.estimates import estimate_change_state
from doorstep.billing.invoices import LineInput
from doorstep.documents.services import document_share
from doorstep.jobs.services import job_photos_add
from doorstep.payments.services import payment_record_manual

from ..factories import (
    SYSTEM,
    ContactFactory,
    CustomerFactory,
    LocationFactory,
    make_estimate,
    make_invoice,
    make_job,
    make_portal_account,
)
from ..servicerequests.helpers import png
from .story import TINY_PDF

# A visit booked for each customer (its .ics is one of the customer's private URLs).
VISIT = datetime(2030, 5, 6, 14, 0, tzinfo=UTC)


def customer_with_one_of_each(company: Any, name: str, cents: int = 4321) -> dict[str, Any]:
    """A signed-up customer with one invoice, job, estimate, document and address."""
    customer = CustomerFactory(company=company, name=name)
    account = make_portal_account(ContactFactory(customer=customer))
    location = LocationFactory(customer=customer, street=f"{name} Secret Street 7")
    job = make_job(
        customer,
        location=location,
        title=f"{name} boiler overhaul",
        description=f"{name} private description",
        scheduled_start=VISIT,
        scheduled_end=VISIT + timedelta(hours=2),
    )
    invoice = make_invoice(customer, lines=[(f"{name} invoice line", cents, "1", "0")])
    payment_record_manual(
        company=company, invoice=invoice, amount=100, method="check", actor=SYSTEM
    )
    estimate = make_estimate(
        customer,
        title=f"{name} estimate",
        lines=[LineInput(f"{name} quote line", cents * 2 + 1)],
    )
    estimate_change_state(company=company, estimate=estimate, new_state="sent", actor=SYSTEM)
    document = document_share(
        company=company,
        customer=customer,
        title=f"{name} warranty",
        upload=SimpleUploadedFile("w.pdf", TINY_PDF),
        actor=SYSTEM,
    )
    [job_photo] = job_photos_add(company=company, job=job, photos=[png()], actor=SYSTEM)
    return {
        "customer": customer,
        "account": account,
        "location": location,
        "job": job,
        "job_photo": job_photo,
        "invoice": invoice,
        "estimate": estimate,
        "document": document,
        # Text that only this customer's pages may contain.
        "secrets": [
            f"{name} boiler overhaul",
            f"{name} private description",
            f"{name} invoice line",
            f"{name} estimate",
            f"{name} quote line",
            f"{name} warranty",
            f"{name} Secret Street 7",
            f"${cents / 100:,.2f}",
            f"${(cents * 2 + 1) / 100:,.2f}",
        ],
    }


@pytest.fixture
def alice(company: Any) -> dict[str, Any]:
    return customer_with_one_of_each(company, "Alice")
