"""A year of portal life for the adoption page (/office/adoption/) to show a newcomer: invoices
and estimates sent, scanners fetching links, customers opening, signing in and paying, with
adoption growing month by month.

Ledger only: these are the months before the demo's own invoices, so their invoices,
estimates and payments are not rows of their own (their ids are negative: they can never be
taken for a real record). Everything goes through the ledger's writer, with the dates it
happened, then the daily figures are rolled up as the scheduler would.
"""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta

from doorstep.adoption.ledger import activity_record
from doorstep.adoption.models import ActivityVerb, Channel
from doorstep.adoption.rollups import rollups_catch_up
from doorstep.core.models import ActorType
from doorstep.customers.models import Customer
from doorstep.tenancy.models import Company
from doorstep.tenancy.time import company_today, company_zone

V = ActivityVerb
MONTHS = 12
DECLINE_REASONS = [
    "Got a lower quote elsewhere",
    "We decided to wait until spring",
    "Too expensive for us right now",
    "Going with a repair instead of a replacement",
]


def adoption_history_create(company: Company, customers: list[Customer]) -> None:
    rng = random.Random(company.slug)
    today = company_today(company)
    zone = company_zone(company)
    ids = iter(range(-1, -100000, -1))
    for month in range(MONTHS, 0, -1):
        growth = (MONTHS - month) / (MONTHS - 1)  # 0 a year ago, 1 last month
        # Customers take to the portal over the year; a few never do.
        adopters = set(customers[: int(len(customers) * (0.2 + 0.55 * growth))])
        for _ in range(rng.randint(22, 34)):
            day = today - timedelta(days=month * 30 - rng.randrange(30))
            sent = datetime.combine(day, time(rng.randint(8, 16), rng.randrange(60)), zone)
            customer = rng.choice(customers)
            g = growth if customer in adopters else -1.0
            _invoice_life(company, rng, customer, next(ids), sent, g)
        for _ in range(rng.randint(5, 9)):
            day = today - timedelta(days=month * 30 - rng.randrange(30))
            sent = datetime.combine(day, time(rng.randint(8, 16), rng.randrange(60)), zone)
            customer = rng.choice(customers)
            g = growth if customer in adopters else -1.0
            _estimate_life(company, rng, customer, next(ids), sent, g)
        for _ in range(int(2 + 6 * growth)):
            when = datetime.combine(
                today - timedelta(days=month * 30 - rng.randrange(30)), time(19), zone
            )
            customer = rng.choice(customers)
            portal = customer in adopters and rng.random() < 0.5 + 0.45 * growth
            _row(
                company,
                customer,
                V.REQUEST_SUBMITTED,
                "service_request",
                next(ids),
                when,
                Channel.PORTAL if portal else Channel.OFFICE,
                ActorType.PORTAL if portal else ActorType.STAFF,
            )
            _row(
                company,
                customer,
                V.MESSAGE_SENT,
                "message",
                next(ids),
                when,
                Channel.PORTAL if rng.random() < 0.4 + 0.5 * growth else Channel.EMAIL,
            )
    rollups_catch_up(company=company)


def _invoice_life(
    company: Company, rng: random.Random, customer: Customer, pk: int, sent: datetime, g: float
) -> None:
    """`g`: how far the customer has taken to the portal (0 to 1; below 0: not at all)."""
    _row(company, customer, V.INVOICE_SENT, "invoice", pk, sent, Channel.EMAIL, ActorType.STAFF)
    if rng.random() < 0.4:  # the customer's mail gateway checks every link on arrival
        _row(
            company,
            customer,
            V.INVOICE_FETCHED,
            "invoice",
            pk,
            sent + timedelta(seconds=3),
            Channel.EMAIL,
            scanner=True,
        )
    now = datetime.now(sent.tzinfo)
    opened = sent + timedelta(hours=rng.choice([1, 2, 5, 20, 30, 70, 150]))
    if g >= 0 and rng.random() < 0.6 + 0.35 * g and opened < now:
        _row(
            company,
            customer,
            V.INVOICE_FETCHED,
            "invoice",
            pk,
            opened - timedelta(seconds=20),
            Channel.EMAIL,
        )
        _row(company, customer, V.SIGNED_IN, "portal_account", pk, opened, Channel.INVOICE_LINK)
        _row(company, customer, V.INVOICE_OPENED, "invoice", pk, opened, Channel.INVOICE_LINK)
    paid = sent + timedelta(days=rng.choice([0, 1, 2, 4, 8, 15, 25]), hours=2)
    if rng.random() < 0.82 and paid < now:
        channel = rng.choices(
            [Channel.INVOICE_LINK, Channel.PORTAL, Channel.AUTOPAY, Channel.OFFICE],
            weights=[0.25 + 0.35 * g, 0.1 + 0.15 * g, 0.05 + 0.1 * g, 0.6 - 0.5 * g]
            if g >= 0
            else [0, 0, 0, 1],
        )[0]
        actor = ActorType.STAFF if channel == Channel.OFFICE else ActorType.PORTAL
        amount = rng.randrange(90, 1800) * 100
        pending = channel in (Channel.INVOICE_LINK, Channel.PORTAL) and rng.random() < 0.12
        payment = -pk
        _row(company, customer, V.PAYMENT_STARTED, "payment", payment, paid, channel, actor, amount)
        settled = paid + timedelta(days=3) if pending else paid
        if pending:
            _row(
                company,
                customer,
                V.PAYMENT_PENDING,
                "payment",
                payment,
                paid,
                channel,
                actor,
                amount,
            )
        if settled < now:
            _row(
                company,
                customer,
                V.PAYMENT_SETTLED,
                "payment",
                payment,
                settled,
                channel,
                actor,
                amount,
            )
            _row(company, customer, V.INVOICE_PAID, "invoice", pk, settled, channel, actor)


def _estimate_life(
    company: Company, rng: random.Random, customer: Customer, pk: int, sent: datetime, g: float
) -> None:
    _row(company, customer, V.ESTIMATE_SENT, "estimate", pk, sent, Channel.EMAIL, ActorType.STAFF)
    now = datetime.now(sent.tzinfo)
    viewed = sent + timedelta(hours=rng.choice([2, 6, 26, 50]))
    if g >= 0 and rng.random() < 0.6 + 0.3 * g and viewed < now:
        _row(
            company,
            customer,
            V.SIGNED_IN,
            "portal_account",
            pk,
            viewed - timedelta(minutes=1),
            Channel.PORTAL,
        )
        _row(company, customer, V.ESTIMATE_VIEWED, "estimate", pk, viewed, Channel.PORTAL)
        decided = viewed + timedelta(days=rng.randint(0, 6))
        if decided >= now:
            return
        roll = rng.random()
        if roll < 0.55:
            _row(company, customer, V.ESTIMATE_ACCEPTED, "estimate", pk, decided, Channel.PORTAL)
        elif roll < 0.8:
            _row(
                company,
                customer,
                V.ESTIMATE_DECLINED,
                "estimate",
                pk,
                decided,
                Channel.PORTAL,
                detail=rng.choice(DECLINE_REASONS),
            )
    elif rng.random() < 0.4:  # said yes on the phone; staff marked it
        decided = sent + timedelta(days=rng.randint(2, 9))
        if decided < now:
            _row(
                company,
                customer,
                V.ESTIMATE_ACCEPTED,
                "estimate",
                pk,
                decided,
                Channel.OFFICE,
                ActorType.STAFF,
            )


def _row(
    company: Company,
    customer: Customer,
    verb: str,
    object_type: str,
    object_id: int,
    when: datetime,
    channel: str,
    actor_type: str = ActorType.PORTAL,
    amount: int = 0,
    *,
    scanner: bool = False,
    detail: str = "",
) -> None:
    activity_record(
        company=company,
        verb=verb,
        object_type=object_type,
        object_id=object_id,
        actor_type=actor_type,
        customer_id=customer.pk,
        channel=channel,
        scanner=scanner,
        amount=amount,
        detail=detail,
        occurred_at=when,
    )


def weekly_digest_demo(company: Company, owner_email: str) -> None:
    """Bluewater's owners get the weekly digest (Mondays); this week's is in the demo mail
    so a newcomer sees what it looks like without waiting for Monday."""
    if company.slug != "bluewater":
        return
    from doorstep.adoption.digest import digest_setting_change
    from doorstep.adoption.models import Weekday
    from doorstep.core.audit import Actor
    from doorstep.notifications.adoption_digest import digest_context
    from doorstep.notifications.services import notification_enqueue

    digest_setting_change(
        company=company, enabled=True, weekday=Weekday.MONDAY, actor=Actor.system("demo")
    )
    notification_enqueue(
        company=company,
        recipient=owner_email,
        template="adoption_digest",
        context=digest_context(company=company, today=company_today(company)),
    )
