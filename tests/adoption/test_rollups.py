"""Daily figures equal a direct count of the ledger, per company-local day; rolling a day
twice changes nothing; a scheduler that was down catches up on its next run."""

from __future__ import annotations

import random
from collections import Counter
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine

from doorstep.adoption.models import Activity, ActivityVerb, Channel, DailyFigure, RollupProgress
from doorstep.adoption.rollups import rollup_day, rollups_catch_up
from doorstep.adoption.tasks import adoption_rollups
from doorstep.core.models import ActorType
from doorstep.core.scheduler import PERIODIC_JOBS
from doorstep.tenancy.time import company_zone

from ..factories import CompanyFactory, CustomerFactory

pytestmark = pytest.mark.django_db

START = datetime(2026, 1, 1, 5, 0, tzinfo=UTC)
VERBS = [
    ActivityVerb.SIGNED_IN,
    ActivityVerb.INVOICE_FETCHED,
    ActivityVerb.INVOICE_OPENED,
    ActivityVerb.PAYMENT_SETTLED,
    ActivityVerb.PAYMENT_PENDING,
    ActivityVerb.ESTIMATE_ACCEPTED,
]
CHANNELS = [Channel.PORTAL, Channel.INVOICE_LINK, Channel.OFFICE, Channel.AUTOPAY]


def random_ledger(company, customer, rng: random.Random, n: int) -> list[Activity]:
    """Rows spread over 40 days at any hour, so many fall near a local midnight."""
    rows = []
    for i in range(n):
        when = START + timedelta(minutes=rng.randrange(40 * 24 * 60))
        rows.append(
            Activity(
                company=company,
                customer=customer,
                object_type="invoice",
                object_id=i,
                verb=rng.choice(VERBS),
                channel=rng.choice(CHANNELS),
                actor_type=ActorType.PORTAL,
                occurred_at=when,
                scanner=rng.random() < 0.3,
                first=rng.random() < 0.5,
                cohort_on=(when - timedelta(days=rng.randrange(20))).date(),
                latency_seconds=rng.randrange(60 * 86400),
                amount=rng.randrange(100, 50000),
            )
        )
    Activity.objects.bulk_create(rows)
    return rows


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_rollups_equal_a_direct_count_on_random_data(seed):
    rng = random.Random(seed)
    company = CompanyFactory(timezone=rng.choice(["America/New_York", "Asia/Tokyo", "UTC"]))
    rows = random_ledger(company, CustomerFactory(company=company), rng, 400)
    with time_machine.travel(START + timedelta(days=45), tick=False):
        rolled = rollups_catch_up(company=company)
    zone = company_zone(company)
    assert rolled[0] == min(r.occurred_at.astimezone(zone).date() for r in rows)

    direct_count: Counter = Counter()
    direct_amount: Counter = Counter()
    for r in rows:
        key = (r.occurred_at.astimezone(zone).date(), r.verb, r.channel, r.scanner, r.first)
        direct_count[key] += 1
        direct_amount[key] += r.amount
    rolled_count: Counter = Counter()
    rolled_amount: Counter = Counter()
    for f in DailyFigure.objects.for_company(company):
        key = (f.day, f.verb, f.channel, f.scanner, f.first)
        rolled_count[key] += f.count
        rolled_amount[key] += f.amount
    assert rolled_count == direct_count
    assert rolled_amount == direct_amount
    # Cohort months too: what the funnel by month sent reads.
    by_cohort = Counter((r.cohort_on.replace(day=1), r.verb) for r in rows)
    rolled_cohort: Counter = Counter()
    for f in DailyFigure.objects.for_company(company):
        rolled_cohort[(f.cohort_month, f.verb)] += f.count
    assert rolled_cohort == by_cohort


def test_rolling_a_day_twice_gives_the_same_figures():
    rng = random.Random(7)
    company = CompanyFactory()
    random_ledger(company, CustomerFactory(company=company), rng, 200)
    day = date(2026, 1, 10)
    rollup_day(company=company, day=day)
    first = sorted(DailyFigure.objects.filter(day=day).values_list("verb", "channel", "count"))
    rollup_day(company=company, day=day)
    again = sorted(DailyFigure.objects.filter(day=day).values_list("verb", "channel", "count"))
    assert first == again and first


def test_catch_up_after_downtime_rolls_only_finished_days():
    company = CompanyFactory(timezone="America/New_York")
    customer = CustomerFactory(company=company)
    rng = random.Random(11)
    random_ledger(company, customer, rng, 100)
    # Jan 11, 10:00 in New York: rolled through Jan 10.
    with time_machine.travel(datetime(2026, 1, 11, 15, 0, tzinfo=UTC), tick=False):
        rollups_catch_up(company=company)
    assert RollupProgress.objects.get(company=company).rolled_through == date(2026, 1, 10)
    assert not DailyFigure.objects.filter(day__gte=date(2026, 1, 11)).exists()
    # The scheduler is down for a week; its next hourly run catches up every day, once.
    with time_machine.travel(datetime(2026, 1, 18, 15, 0, tzinfo=UTC), tick=False):
        adoption_rollups.call()
        adoption_rollups.call()
    assert RollupProgress.objects.get(company=company).rolled_through == date(2026, 1, 17)
    days = set(DailyFigure.objects.values_list("day", flat=True))
    expected = {
        r.occurred_at.astimezone(company_zone(company)).date()
        for r in Activity.objects.filter(occurred_at__lt=datetime(2026, 1, 18, 5, tzinfo=UTC))
    }
    assert days == expected
    assert "adoption.rollups" in PERIODIC_JOBS
