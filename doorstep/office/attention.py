"""The office home's "needs attention" list: what is waiting, most urgent first, each with a
count and a link to the list that deals with it.

Every count comes from a selector of the app that owns the rows (`company=` in the query);
each is one aggregate query, and only the counts the role may act on are asked for, so the
home costs the same few queries for a company with ten invoices or a hundred thousand. A
technician gets their jobs for today instead (no money on their home).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.urls import NoReverseMatch

from doorstep.access.attention import registrations_waiting_count
from doorstep.billing.attention import estimates_with_question_count, invoices_attention_counts
from doorstep.messaging.attention import conversations_unread_by_staff
from doorstep.notifications.undelivered import office_list_path, undelivered_count
from doorstep.payments.attention import payments_attention_counts
from doorstep.servicerequests.attention import service_requests_waiting_counts
from doorstep.support.selectors import open_tickets_count
from doorstep.tenancy.roles import StaffAction
from doorstep.tenancy.time import company_today

from .links import office_path

if TYPE_CHECKING:
    from .gate import Office


@dataclass(frozen=True)
class AttentionItem:
    key: str
    label: str  # "{n} emergency requests" reads as "3 emergency requests"
    count: int
    url: str | None  # None while the area that deals with it is not installed
    urgent: bool = False


def office_url_or_none(name: str, query: str = "") -> str | None:
    """The path of an office page, or None when that area is not built (yet) on this
    installation: the home must never break because a link's target is missing."""
    return office_path(name, query=query)


def _plural(count: int, one: str, many: str) -> str:
    return one if count == 1 else many


def _requests(office: Office) -> list[AttentionItem]:
    counts = service_requests_waiting_counts(company=office.company)
    url = office_url_or_none("office:requests:list")
    normal = counts["pending"] - counts["emergency"]
    return [
        AttentionItem(
            "emergency_requests",
            _plural(counts["emergency"], "emergency request", "emergency requests"),
            counts["emergency"],
            url,
            urgent=True,
        ),
        AttentionItem(
            "pending_requests",
            _plural(normal, "service request to review", "service requests to review"),
            normal,
            url,
        ),
    ]


def _messages(office: Office) -> list[AttentionItem]:
    unread = conversations_unread_by_staff(company=office.company)
    count = int(unread["count"])  # type: ignore[call-overload]
    return [
        AttentionItem(
            "unread_messages",
            _plural(count, "unread customer message", "unread customer messages"),
            count,
            office_url_or_none("office:messages:list"),
        )
    ]


def _money(office: Office) -> list[AttentionItem]:
    payments = payments_attention_counts(company=office.company)
    return [
        AttentionItem(
            "failed_payments",
            _plural(
                payments["failed"],
                "failed payment (last 30 days)",
                "failed payments (last 30 days)",
            ),
            payments["failed"],
            office_url_or_none("office:payments:list", "status=failed"),
            urgent=True,
        ),
        AttentionItem(
            "ach_pending",
            _plural(
                payments["ach_pending"],
                "bank transfer (ACH) waiting for the bank",
                "bank transfers (ACH) waiting for the bank",
            ),
            payments["ach_pending"],
            office_url_or_none("office:payments:list", "status=ach_pending"),
        ),
    ]


def _invoices(office: Office) -> list[AttentionItem]:
    counts = invoices_attention_counts(company=office.company, today=company_today(office.company))
    return [
        AttentionItem(
            "autopay_action_needed",
            _plural(
                counts["action_needed"],
                "invoice whose autopay charge failed",
                "invoices whose autopay charge failed",
            ),
            counts["action_needed"],
            office_url_or_none("office:payments:list", "status=failed"),
            urgent=True,
        ),
        AttentionItem(
            "overdue_invoices",
            _plural(counts["overdue"], "overdue invoice", "overdue invoices"),
            counts["overdue"],
            office_url_or_none("office:invoices:list", "status=overdue"),
        ),
    ]


def _estimates(office: Office) -> list[AttentionItem]:
    count = estimates_with_question_count(company=office.company)
    return [
        AttentionItem(
            "estimate_questions",
            _plural(
                count, "estimate with a customer question", "estimates with a customer question"
            ),
            count,
            office_url_or_none("office:estimates:list"),
        )
    ]


def _registrations(office: Office) -> list[AttentionItem]:
    count = registrations_waiting_count(company=office.company)
    return [
        AttentionItem(
            "registrations",
            _plural(
                count, "registration waiting for approval", "registrations waiting for approval"
            ),
            count,
            office_url_or_none("office:registrations:list"),
        )
    ]


def _undelivered(office: Office) -> list[AttentionItem]:
    count = undelivered_count(company=office.company)
    try:
        url: str | None = office_list_path()
    except NoReverseMatch:
        url = None
    return [
        AttentionItem(
            "undelivered_mail",
            _plural(count, "email not delivered", "emails not delivered"),
            count,
            url,
            urgent=True,
        )
    ]


def _help_tickets(office: Office) -> list[AttentionItem]:
    """Help tickets waiting for staff (new or open; not those waiting on the customer)."""
    count = open_tickets_count(company=office.company)
    return [
        AttentionItem(
            "help_tickets",
            _plural(count, "open help ticket", "open help tickets"),
            count,
            office_url_or_none("office:help:list"),
        )
    ]


# Who is asked for what: (the role's right that deals with it, the counts).
SOURCES: list[tuple[StaffAction, Callable[[Office], list[AttentionItem]]]] = [
    (StaffAction.REVIEW_REQUESTS, _requests),
    (StaffAction.MESSAGE_CUSTOMERS, _messages),
    (StaffAction.SEE_MONEY, _money),
    (StaffAction.SEE_BILLING, _invoices),
    (StaffAction.SEE_BILLING, _estimates),
    (StaffAction.MANAGE_PORTAL_ACCESS, _registrations),
    (StaffAction.MESSAGE_CUSTOMERS, _undelivered),
    (StaffAction.MESSAGE_CUSTOMERS, _help_tickets),  # who answers tickets (office/help)
]

# Most urgent first: what costs a customer or money today, then what waits for a reply.
ORDER = [
    "emergency_requests",
    "failed_payments",
    "autopay_action_needed",
    "undelivered_mail",
    "unread_messages",
    "pending_requests",
    "estimate_questions",
    "registrations",
    "help_tickets",
    "overdue_invoices",
    "ach_pending",
]


def needs_attention(office: Office) -> list[AttentionItem]:
    """The items with something waiting, most urgent first (only those the role may act on)."""
    items: list[AttentionItem] = []
    for action, source in SOURCES:
        if office.may(action):
            items.extend(item for item in source(office) if item.count > 0)
    rank = {key: n for n, key in enumerate(ORDER)}
    return sorted(items, key=lambda item: rank.get(item.key, len(ORDER)))
