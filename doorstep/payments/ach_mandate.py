"""The debit authorisation (mandate) a customer gives before a bank (ACH) payment.

A bank debit may only be taken with the account holder's authorisation, and the company
must be able to show what was agreed. The checkout shows `mandate_text(company)` above the
Pay button with the account holder's name and an "I authorise" box; `ach_mandate_accept`
refuses a missing name or an unticked box, and `payment_attempt_create(ach_mandate=...)`
keeps the exact words, their version and SHA-256, the time, IP and browser on the payment.
Bump MANDATE_VERSION whenever the words change.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from doorstep.core.errors import DomainError
from doorstep.tenancy.models import Company

MANDATE_VERSION = "2026-12-1"


def mandate_text(company: Company) -> str:
    """The words the customer agrees to, as shown on the page and stored with the payment."""
    contact = " or ".join(p for p in (company.support_phone, company.support_email) if p)
    reach = f" at {contact}" if contact else ""
    return (
        f"I authorise {company.name} to debit the bank account above once, for the amount "
        "on the Pay button, on or after today, to pay the invoices listed. This is a single "
        f"payment, not a recurring one. I can cancel it by contacting {company.name}{reach} "
        "before it is processed. If my bank returns the debit, the invoices are unpaid again "
        "and I will be told by email."
    )


@dataclass(frozen=True)
class AchMandate:
    account_holder: str
    version: str
    text: str
    sha256: str
    accepted_at: datetime
    ip_address: str | None
    user_agent: str


def ach_mandate_accept(
    *,
    company: Company,
    account_holder: str,
    agreed: bool,
    ip_address: str | None,
    user_agent: str,
) -> AchMandate:
    """The authorisation as given now, or a DomainError next to the field that is missing."""
    name = " ".join(account_holder.split())[:200]
    if not name:
        raise DomainError("Enter the name on the bank account.", field="account_holder")
    if not agreed:
        raise DomainError(
            "Tick the box to authorise the debit from your bank account.", field="mandate"
        )
    text = mandate_text(company)
    return AchMandate(
        account_holder=name,
        version=MANDATE_VERSION,
        text=text,
        sha256=hashlib.sha256(text.encode()).hexdigest(),
        accepted_at=timezone.now(),
        ip_address=ip_address,
        user_agent=user_agent[:300],
    )
