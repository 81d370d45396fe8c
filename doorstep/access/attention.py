"""What the office home counts about portal access (one query)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .models import RegistrationRequest, RegistrationState

if TYPE_CHECKING:
    from doorstep.tenancy.models import Company


def registrations_waiting_count(*, company: Company) -> int:
    """Registrations with a verified email waiting for staff approval (the (company, state)
    index)."""
    return (
        RegistrationRequest.objects.for_company(company)
        .filter(state=RegistrationState.PENDING)
        .count()
    )
