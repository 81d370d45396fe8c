"""Every figure of the adoption page as CSV rows: (section, figure, month, value)."""

from __future__ import annotations

from collections.abc import Iterator

from doorstep.core.money import format_money

from .figures import AdoptionFigures


def figure_rows(f: AdoptionFigures) -> Iterator[list[str]]:
    period = f"{f.period.start.isoformat()} to {f.period.end.isoformat()}"
    reach = f.reach
    yield ["customers", "eligible", "", str(reach.eligible)]
    yield ["customers", "invited", "", str(reach.invited)]
    yield ["customers", "activated", "", str(reach.activated)]
    yield ["customers", "active (signed in within 90 days)", "", str(reach.active)]
    yield ["payments", "settled through the portal (count)", period, str(f.payment_count.portal)]
    yield ["payments", "settled another way (count)", period, str(f.payment_count.other)]
    yield ["payments", "of which autopay (count)", period, str(f.autopay_count)]
    money = f.currency
    yield [
        "payments",
        "settled through the portal (amount)",
        period,
        format_money(f.payment_amount.portal, money),
    ]
    yield [
        "payments",
        "settled another way (amount)",
        period,
        format_money(f.payment_amount.other, money),
    ]
    yield ["payments", "bank payments pending (count)", period, str(f.ach_pending_count)]
    yield [
        "payments",
        "bank payments pending (amount)",
        period,
        format_money(f.ach_pending_amount, money),
    ]
    yield ["estimates", "accepted in the portal", period, str(f.estimates_accepted.portal)]
    yield ["estimates", "marked accepted by staff", period, str(f.estimates_accepted.other)]
    yield ["requests", "service requests through the portal", period, str(f.requests.portal)]
    yield ["requests", "service requests entered by staff", period, str(f.requests.other)]
    yield ["messages", "customer messages through the portal", period, str(f.messages.portal)]
    yield ["messages", "customer messages by email", period, str(f.messages.other)]
    yield ["links", "link pages fetched", period, str(f.fetches)]
    yield ["links", "of which by mail scanners", period, str(f.scanner_fetches)]
    for row in f.invoices:
        month = f"{row.month:%Y-%m}"
        yield ["invoice funnel", "sent", month, str(row.sent)]
        yield ["invoice funnel", "opened", month, str(row.opened)]
        yield ["invoice funnel", "paid", month, str(row.paid)]
        yield ["invoice funnel", "median time to open", month, row.median_open]
        yield ["invoice funnel", "median time to pay", month, row.median_pay]
    for row in f.estimates:
        month = f"{row.month:%Y-%m}"
        yield ["estimate funnel", "sent", month, str(row.sent)]
        yield ["estimate funnel", "viewed", month, str(row.opened)]
        yield ["estimate funnel", "accepted", month, str(row.paid)]
        yield ["estimate funnel", "declined", month, str(row.declined)]
    for m in f.trend:
        month = f"{m.month:%Y-%m}"
        yield ["trend", "sign-ins", month, str(m.sign_ins)]
        yield ["trend", "invoices opened", month, str(m.opened)]
        yield ["trend", "payments through the portal", month, str(m.payments.portal)]
        yield ["trend", "payments another way", month, str(m.payments.other)]
    for reason in f.decline_reasons:
        yield ["estimate decline reasons", "reason", period, reason]
