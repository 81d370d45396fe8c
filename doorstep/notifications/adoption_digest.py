"""The weekly adoption digest to owners (docs/adoption.md, "Weekly digest"): once per
company and ISO week, on the weekday the company chose, from 08:00 in its time zone, one
email per owner with the office home's three numbers and the last 7 days against the 7
before. The rules and figures are in adoption.digest; this module only writes the email."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse

from doorstep.adoption.digest import (
    WeekFigures,
    digest_figures,
    digest_week_claim,
    digest_week_due,
)
from doorstep.tenancy.models import Membership, StaffRole
from doorstep.tenancy.time import company_now

from .services import notification_enqueue

if TYPE_CHECKING:
    from doorstep.tenancy.models import Company


def adoption_digest_send(*, company: Company) -> int:
    """Queue this week's digest if it is due and not queued yet. Returns how many emails."""
    local_now = company_now(company)
    week = digest_week_due(company=company, local_now=local_now)
    if week is None:
        return 0
    owners = sorted(
        set(
            Membership.objects.filter(company=company, role=StaffRole.OWNER, user__is_active=True)
            .exclude(user__email="")
            .values_list("user__email", flat=True)
        )
    )
    with transaction.atomic():  # the week's row and its emails commit together, or neither
        if not digest_week_claim(company=company, week=week):
            return 0  # already sent this week
        context = digest_context(company=company, today=local_now.date())
        for address in owners:
            notification_enqueue(
                company=company, recipient=address, template="adoption_digest", context=context
            )
    return len(owners)


def digest_context(*, company: Company, today: Any) -> dict[str, Any]:
    """Plain JSON numbers and words (the outbox stores the context)."""
    digest = digest_figures(company=company, today=today)
    reach, payments = digest.reach, digest.headline_payments

    def percent(part: int, whole: int) -> str:
        return f"{round(100 * part / whole)}%" if whole else "–"

    def week(w: WeekFigures) -> dict[str, Any]:
        assert w.payments is not None
        return {
            "sent": w.invoices_sent,
            "opened": w.invoices_opened,
            "paid": w.invoices_paid,
            "portal_share": percent(w.payments.portal, w.payments.total),
            "payments": w.payments.total,
        }

    this, before = week(digest.this_week), week(digest.week_before)
    rows = [
        ("Invoices sent", this["sent"], before["sent"]),
        ("Invoices opened", this["opened"], before["opened"]),
        ("Invoices paid", this["paid"], before["paid"]),
        ("Payments through the portal", this["portal_share"], before["portal_share"]),
    ]
    return {
        "subject": f"{company.name}: your portal this week",
        "active": reach.active,
        "eligible": reach.eligible,
        "activated_share": percent(reach.activated, reach.eligible),
        "payments_share": percent(payments.portal, payments.total),
        "payments_portal": payments.portal,
        "payments_total": payments.total,
        "this_start": digest.this_week.start.isoformat(),
        "this_end": digest.this_week.end.isoformat(),
        "rows": [{"label": label, "this": a, "before": b} for label, a, b in rows],
        "page_url": f"{settings.BASE_URL}{reverse('office:adoption:page')}",
    }
