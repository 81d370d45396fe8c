"""The adoption page's figures for one company and period, read from the daily figures plus
the days not rolled up yet (live from the ledger, counted the same way). A fixed number of
queries whatever the history: the work grows with the period, never with the years behind it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from django.db.models import Count, Q
from django.utils import timezone

from doorstep.customers.models import Customer

from .ledger import LATENCY_WORDS
from .models import PORTAL_DRIVEN, Activity, ActivityVerb, Channel, DailyFigure
from .periods import Period, months_of
from .rollups import Figure, count_activities, day_start, rolled_through

if TYPE_CHECKING:
    from doorstep.tenancy.models import Company

V = ActivityVerb
ACTIVE_DAYS = 90


@dataclass
class Reach:
    eligible: int
    invited: int
    activated: int
    active: int

    def share(self, value: int) -> int | None:
        return round(100 * value / self.eligible) if self.eligible else None


@dataclass
class Split:
    """A figure by who started it: the customer through the portal, or another way."""

    portal: int = 0
    other: int = 0

    @property
    def total(self) -> int:
        return self.portal + self.other

    @property
    def share(self) -> int | None:
        return round(100 * self.portal / self.total) if self.total else None


@dataclass
class CohortRow:
    month: date
    sent: int = 0
    opened: int = 0
    paid: int = 0  # estimates: accepted
    declined: int = 0
    open_buckets: list[int] = field(default_factory=lambda: [0] * len(LATENCY_WORDS))
    pay_buckets: list[int] = field(default_factory=lambda: [0] * len(LATENCY_WORDS))

    @property
    def median_open(self) -> str:
        return _median_words(self.open_buckets)

    @property
    def median_pay(self) -> str:
        return _median_words(self.pay_buckets)


@dataclass
class MonthTrend:
    month: date
    sign_ins: int = 0
    opened: int = 0
    payments: Split = field(default_factory=Split)


@dataclass
class AdoptionFigures:
    period: Period
    reach: Reach
    payment_count: Split
    payment_amount: Split
    autopay_count: int
    ach_pending_count: int
    ach_pending_amount: int
    estimates_accepted: Split
    requests: Split
    messages: Split
    fetches: int
    scanner_fetches: int
    invoices: list[CohortRow]
    estimates: list[CohortRow]
    trend: list[MonthTrend]
    decline_reasons: list[str]
    currency: str
    live_since: date | None


def adoption_figures(*, company: Company, period: Period) -> AdoptionFigures:
    now = timezone.now()
    reach = _reach(company, now)
    figures = _figures(company, period)
    months = months_of(period)
    first_month = months[0]
    invoices = {m: CohortRow(m) for m in months}
    estimates = {m: CohortRow(m) for m in months}
    trend = {m: MonthTrend(m) for m in months}
    count, amount = Split(), Split()
    accepted, requests, messages = Split(), Split(), Split()
    autopay = pending_count = pending_amount = fetches = scanner = 0
    for f in figures:
        if f.cohort_month is not None and f.cohort_month >= first_month and f.first:
            _cohort_add(invoices, estimates, f)
        if not period.start <= f.day <= period.end:
            continue
        month = trend[f.day.replace(day=1)]
        portal = f.channel in PORTAL_DRIVEN
        if f.verb == V.PAYMENT_SETTLED:
            _split_add(count, portal, f.count)
            _split_add(amount, portal, f.amount)
            _split_add(month.payments, portal, f.count)
            autopay += f.count if f.channel == Channel.AUTOPAY else 0
        elif f.verb == V.PAYMENT_PENDING:
            pending_count += f.count
            pending_amount += f.amount
        elif f.verb == V.ESTIMATE_ACCEPTED:
            _split_add(accepted, f.channel == Channel.PORTAL, f.count)
        elif f.verb == V.REQUEST_SUBMITTED:
            _split_add(requests, f.channel == Channel.PORTAL, f.count)
        elif f.verb == V.MESSAGE_SENT:
            _split_add(messages, f.channel == Channel.PORTAL, f.count)
        elif f.verb == V.SIGNED_IN:
            month.sign_ins += f.count
        elif f.verb == V.INVOICE_OPENED:
            month.opened += f.count
        elif f.verb in (V.INVOICE_FETCHED, V.LINK_FETCHED):
            fetches += f.count
            scanner += f.count if f.scanner else 0
    return AdoptionFigures(
        period=period,
        reach=reach,
        payment_count=count,
        payment_amount=amount,
        autopay_count=autopay,
        ach_pending_count=pending_count,
        ach_pending_amount=pending_amount,
        estimates_accepted=accepted,
        requests=requests,
        messages=messages,
        fetches=fetches,
        scanner_fetches=scanner,
        invoices=[invoices[m] for m in months],
        estimates=[estimates[m] for m in months],
        trend=[trend[m] for m in months],
        decline_reasons=_decline_reasons(company, period),
        currency=company.currency,
        live_since=None,
    )


def headline_figures(*, company: Company) -> tuple[Reach, Split]:
    """The office home's numbers in two queries: customers on the portal, and the payments
    of the 30 days to yesterday by channel (rolled-up days only: the home stays cheap)."""
    from doorstep.tenancy.time import company_today

    yesterday = company_today(company) - timedelta(days=1)
    count = Split()
    rows = (
        DailyFigure.objects.for_company(company)
        .filter(verb=V.PAYMENT_SETTLED, day__range=(yesterday - timedelta(days=29), yesterday))
        .values_list("channel", "count")
    )
    for channel, n in rows:
        _split_add(count, channel in PORTAL_DRIVEN, n)
    return _reach(company, timezone.now()), count


def _split_add(split: Split, portal: bool, value: int) -> None:
    if portal:
        split.portal += value
    else:
        split.other += value


def _cohort_add(
    invoices: dict[date, CohortRow], estimates: dict[date, CohortRow], f: Figure
) -> None:
    assert f.cohort_month is not None
    bucket = f.latency_bucket
    if f.verb in (V.INVOICE_SENT, V.INVOICE_OPENED, V.INVOICE_PAID):
        row = invoices.get(f.cohort_month)
        if row is None:
            return
        if f.verb == V.INVOICE_SENT:
            row.sent += f.count
        elif f.verb == V.INVOICE_OPENED:
            row.opened += f.count
            if bucket is not None:
                row.open_buckets[bucket] += f.count
        else:
            row.paid += f.count
            if bucket is not None:
                row.pay_buckets[bucket] += f.count
    elif f.verb in (V.ESTIMATE_SENT, V.ESTIMATE_VIEWED, V.ESTIMATE_ACCEPTED, V.ESTIMATE_DECLINED):
        row = estimates.get(f.cohort_month)
        if row is None:
            return
        if f.verb == V.ESTIMATE_SENT:
            row.sent += f.count
        elif f.verb == V.ESTIMATE_VIEWED:
            row.opened += f.count
            if bucket is not None:
                row.open_buckets[bucket] += f.count
        elif f.verb == V.ESTIMATE_ACCEPTED:
            row.paid += f.count
        else:
            row.declined += f.count


def _median_words(buckets: list[int]) -> str:
    total = sum(buckets)
    if not total:
        return "–"
    running = 0
    for index, n in enumerate(buckets):
        running += n
        if running * 2 >= total:
            return LATENCY_WORDS[index]
    return LATENCY_WORDS[-1]


def _reach(company: Company, now: datetime) -> Reach:
    """One query: the eligible customers, and how far the portal reached each of them."""
    active_since = now - timedelta(days=ACTIVE_DAYS)
    counts = (
        Customer.objects.for_company(company)
        .filter(archived_at__isnull=True, contacts__email__gt="")
        .aggregate(
            eligible=Count("pk", distinct=True),
            invited=Count("pk", distinct=True, filter=Q(portal_reach__invited_at__isnull=False)),
            activated=Count(
                "pk", distinct=True, filter=Q(portal_reach__activated_at__isnull=False)
            ),
            active=Count(
                "pk", distinct=True, filter=Q(portal_reach__last_signed_in_at__gte=active_since)
            ),
        )
    )
    return Reach(counts["eligible"], counts["invited"], counts["activated"], counts["active"])


def daily_figures(*, company: Company, period: Period) -> list[Figure]:
    """The figures the page counts (also the weekly digest's)."""
    return _figures(company, period)


def _figures(company: Company, period: Period) -> list[Figure]:
    """Rolled-up figures of the period's days and cohorts, then the unrolled days live."""
    done = rolled_through(company)
    first_month = period.start.replace(day=1)
    stored = (
        DailyFigure.objects.for_company(company)
        .filter(Q(day__range=(period.start, period.end)) | Q(cohort_month__gte=first_month))
        .values_list(
            "day",
            "verb",
            "channel",
            "scanner",
            "first",
            "cohort_month",
            "latency_bucket",
            "count",
            "amount",
        )
    )
    figures = [Figure(*row) for row in stored]
    live = Activity.objects.for_company(company)
    if done is not None:
        live = live.filter(occurred_at__gte=day_start(company, done + timedelta(days=1)))
    figures.extend(count_activities(company, live))
    return figures


def _decline_reasons(company: Company, period: Period) -> list[str]:
    return list(
        Activity.objects.for_company(company)
        .filter(
            verb=V.ESTIMATE_DECLINED,
            occurred_at__gte=day_start(company, period.start),
            occurred_at__lt=day_start(company, period.end + timedelta(days=1)),
        )
        .exclude(detail="")
        .order_by("-occurred_at")
        .values_list("detail", flat=True)[:10]
    )
