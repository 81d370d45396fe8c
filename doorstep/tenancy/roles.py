"""What a staff member may do, decided per company: the one rule every back-office check uses.

A user may work for several companies in different roles (billing at one, technician at
another). Every question is therefore asked about one company: the company of the object in
hand, or of the list being shown. "Has a billing membership somewhere" is never the question.

The user's memberships are read once per request and kept on the user object (Django loads a
fresh user for every request), so a list page asks the database once however many rows,
menu entries and buttons it checks.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from .models import Company, Membership, StaffRole


class StaffAction(StrEnum):
    """Everything the back office lets a staff member do, in the business's words."""

    VIEW_OFFICE = "view_office"  # sign in; see the company, its customers, jobs, documents
    EDIT_CUSTOMERS = "edit_customers"  # customers, contacts, locations, shared documents
    EDIT_JOBS = "edit_jobs"  # create, schedule and assign jobs; technicians
    MOVE_JOBS = "move_jobs"  # move a job's status (on the way, arrived, completed...)
    SEE_BILLING = "see_billing"  # invoices, estimates and their lines
    EDIT_BILLING = "edit_billing"  # write, open, void and send invoices; estimates
    SEE_MONEY = "see_money"  # payments, refunds, saved cards, autopay consents, webhooks
    RECORD_PAYMENT = "record_payment"  # cash or a check received by the office
    REFUND = "refund"
    CHARGE_SAVED_CARD = "charge_saved_card"
    REVIEW_REQUESTS = "review_requests"  # the service-request queue and service types
    MESSAGE_CUSTOMERS = "message_customers"  # the office inbox; customers' phones and choices
    EDIT_WORDING = "edit_wording"  # the company's message templates
    MANAGE_PORTAL_ACCESS = "manage_portal_access"  # invite, resend, deactivate, registrations
    EDIT_SETTINGS = "edit_settings"  # the company page and its settings
    REPLACE_SECRETS = "replace_secrets"  # type a new Twilio token; nobody ever reads one back
    MANAGE_STAFF = "manage_staff"  # change or remove memberships
    MANAGE_API_KEYS = "manage_api_keys"  # create, rotate, revoke the integration API's keys
    IMPORT_DATA = "import_data"  # load customers, jobs and open invoices from a spreadsheet
    SEE_ADOPTION = "see_adoption"  # how customers use the portal: figures, charts, export


A = StaffAction
OWNER, OFFICE, BILLING, TECHNICIAN = (
    StaffRole.OWNER,
    StaffRole.OFFICE,
    StaffRole.BILLING,
    StaffRole.TECHNICIAN,
)

# The table (docs/backoffice.md shows it). An action a role may change implies seeing it.
ROLE_ACTIONS: dict[str, frozenset[StaffAction]] = {
    OWNER: frozenset(StaffAction),
    OFFICE: frozenset(
        {
            A.VIEW_OFFICE,
            A.EDIT_CUSTOMERS,
            A.EDIT_JOBS,
            A.MOVE_JOBS,
            A.SEE_BILLING,
            A.EDIT_BILLING,
            A.SEE_MONEY,
            A.RECORD_PAYMENT,
            A.REVIEW_REQUESTS,
            A.MESSAGE_CUSTOMERS,
            A.EDIT_WORDING,
            A.MANAGE_PORTAL_ACCESS,
            A.IMPORT_DATA,
            A.SEE_ADOPTION,
        }
    ),
    BILLING: frozenset(
        {
            A.VIEW_OFFICE,
            A.EDIT_CUSTOMERS,
            A.SEE_BILLING,
            A.EDIT_BILLING,
            A.SEE_MONEY,
            A.RECORD_PAYMENT,
            A.REFUND,
            A.CHARGE_SAVED_CARD,
        }
    ),
    TECHNICIAN: frozenset({A.VIEW_OFFICE, A.MOVE_JOBS}),
}


@dataclass(frozen=True)
class StaffMembership:
    company_id: int
    role: str
    company_name: str
    company_timezone: str


def staff_memberships(*, user: Any) -> dict[int, StaffMembership]:
    """The user's memberships by company id, read once per request (cached on the user)."""
    cached: dict[int, StaffMembership] | None = getattr(user, "_doorstep_memberships", None)
    if cached is not None:
        return cached
    cached = {}
    if getattr(user, "pk", None) is not None:
        rows = Membership.objects.filter(user_id=user.pk).values_list(
            "company_id", "role", "company__name", "company__timezone"
        )
        cached = {row[0]: StaffMembership(*row) for row in rows}
    user._doorstep_memberships = cached
    return cached


def _is_staff(user: Any) -> bool:
    # The back office is for active staff accounts only, superusers included.
    return bool(
        user is not None
        and getattr(user, "is_authenticated", False)
        and user.is_active
        and user.is_staff
    )


def _company_id(company: Company | int) -> int:
    return company if isinstance(company, int) else int(company.pk)


def staff_may(*, user: Any, company: Company | int, action: StaffAction) -> bool:
    """May this user do `action` at this company? Judged by their role AT that company only.

    A superuser (the platform operator) may do everything; an inactive user or one without
    `is_staff` nothing.
    """
    if not _is_staff(user):
        return False
    if user.is_superuser:
        return True
    membership = staff_memberships(user=user).get(_company_id(company))
    return membership is not None and action in ROLE_ACTIONS.get(membership.role, frozenset())


def staff_company_ids_where(*, user: Any, action: StaffAction) -> list[int]:
    """The companies where the user may do `action` (for list querysets and choices).
    Superusers are not limited: callers skip the filter for them."""
    if not _is_staff(user):
        return []
    return sorted(
        m.company_id
        for m in staff_memberships(user=user).values()
        if action in ROLE_ACTIONS.get(m.role, frozenset())
    )


def staff_may_somewhere(*, user: Any, action: StaffAction) -> bool:
    """For pages about no one object (a menu entry, an empty add form)."""
    if not _is_staff(user):
        return False
    return bool(user.is_superuser or staff_company_ids_where(user=user, action=action))


def takes(action: StaffAction) -> Any:
    """Names the right a back-office list action takes when it is not its admin's
    `change_action` (the admin checks it at each selected row's company)."""

    def mark(func: Any) -> Any:
        func.staff_action = action
        return func

    return mark
