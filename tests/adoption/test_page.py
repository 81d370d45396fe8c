"""/office/adoption/: the figures people read, their CSV, the period selector, and a query
count that stays the same however much history the company has."""

from __future__ import annotations

import csv
import io
import random
from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from doorstep.adoption.models import Activity, ActivityVerb, Channel
from doorstep.adoption.rollups import rollups_catch_up
from doorstep.core.models import ActorType

from ..factories import ContactFactory, CustomerFactory
from ..office.helpers import office_client

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 6, 15, 16, 0, tzinfo=UTC)
URL = "/office/adoption/"


def history(company, *, months: int, per_month: int, seed: int = 5) -> None:
    """Invoices sent, opened and paid, sign-ins and payments over `months` before NOW."""
    rng = random.Random(seed)
    customer = CustomerFactory(company=company)
    ContactFactory(customer=customer, email="pat@example.test")
    rows = []
    for i in range(months * per_month):
        sent = NOW - timedelta(days=rng.randrange(months * 30) + 1, hours=rng.randrange(24))
        base = {"company": company, "customer": customer, "actor_type": ActorType.PORTAL}
        rows.append(
            Activity(
                **base,
                object_type="invoice",
                object_id=i,
                verb=ActivityVerb.INVOICE_SENT,
                channel=Channel.EMAIL,
                occurred_at=sent,
                first=True,
                cohort_on=sent.date(),
                latency_seconds=0,
            )
        )
        opened = sent + timedelta(hours=rng.randrange(1, 72))
        if opened < NOW:
            rows.append(
                Activity(
                    **base,
                    object_type="invoice",
                    object_id=i,
                    verb=ActivityVerb.INVOICE_OPENED,
                    channel=Channel.INVOICE_LINK,
                    occurred_at=opened,
                    first=True,
                    cohort_on=sent.date(),
                    latency_seconds=int((opened - sent).total_seconds()),
                )
            )
            rows.append(
                Activity(
                    **base,
                    object_type="payment",
                    object_id=i,
                    verb=ActivityVerb.PAYMENT_SETTLED,
                    channel=rng.choice([Channel.INVOICE_LINK, Channel.OFFICE]),
                    occurred_at=opened,
                    amount=10000,
                )
            )
    Activity.objects.bulk_create(rows)


def figures_in(page: str, label: str) -> str:
    start = page.index(f'<span class="tile-label">{label}</span>')
    value = page.index('<span class="tile-value">', start) + len('<span class="tile-value">')
    return page[value : page.index("</span>", value)]


def test_the_page_shows_what_the_ledger_holds(company, client):
    history(company, months=3, per_month=10)
    with time_machine.travel(NOW, tick=False):
        rollups_catch_up(company=company)
        office_client(client, company)
        response = client.get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    portal = Activity.objects.filter(
        verb=ActivityVerb.PAYMENT_SETTLED, channel=Channel.INVOICE_LINK
    ).count()
    total = Activity.objects.filter(verb=ActivityVerb.PAYMENT_SETTLED).count()
    assert figures_in(page, "Payments through the portal") == f"{round(100 * portal / total)}%"
    assert "What the numbers mean" in page and "never counts" in page
    assert '<svg viewBox="0 0 640 260" role="img"' in page and "<title id=" in page


def test_query_count_does_not_grow_with_history(company, client, django_assert_num_queries):
    office_client(client, company)
    counts = []
    for months in (2, 12):
        Activity.objects.all().delete()
        history(company, months=months, per_month=15)
        with time_machine.travel(NOW, tick=False):
            rollups_catch_up(company=company)
            # the gate (session, user, memberships, company), customers' reach, the
            # rolled-through day, daily figures, today's live figures, decline reasons, and
            # (an owner) the weekly digest's setting
            with django_assert_num_queries(10):
                assert client.get(URL + "?period=90d").status_code == 200
        counts.append(months)
    assert counts == [2, 12]


def test_csv_has_every_figure_of_the_page(company, client):
    history(company, months=2, per_month=10)
    with time_machine.travel(NOW, tick=False):
        office_client(client, company)
        response = client.get(URL + "export.csv?period=30d")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    table = list(csv.reader(io.StringIO(response.content.decode())))
    assert table[0] == ["section", "figure", "month", "value"]
    figures = {(row[0], row[1]) for row in table[1:]}
    for wanted in [
        ("customers", "eligible"),
        ("customers", "active (signed in within 90 days)"),
        ("payments", "settled through the portal (amount)"),
        ("payments", "bank payments pending (count)"),
        ("invoice funnel", "median time to open"),
        ("estimate funnel", "declined"),
        ("links", "of which by mail scanners"),
        ("trend", "sign-ins"),
    ]:
        assert wanted in figures
    sent = {row[2]: int(row[3]) for row in table if row[:2] == ["invoice funnel", "sent"]}
    assert (
        sum(sent.values())
        == Activity.objects.filter(
            verb=ActivityVerb.INVOICE_SENT, cohort_on__gte=datetime(2026, 5, 1).date()
        ).count()
    )


def test_bad_custom_dates_say_so_next_to_the_field(company, client):
    office_client(client, company)
    response = client.get(URL, {"period": "custom", "start": "2026-05-10", "end": "yesterday"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Enter the last day as a date" in page and "Last 90 days" in page
    response = client.get(URL, {"period": "custom", "start": "2026-05-10", "end": "2026-05-01"})
    assert "The last day must be on or after the first day." in response.content.decode()
    good = client.get(URL, {"period": "custom", "start": "2026-04-01", "end": "2026-05-31"})
    assert good.status_code == 200 and "Apr 1, 2026 – May 31, 2026" in good.content.decode()


def test_technicians_and_billing_clerks_do_not_see_it(company, client):
    for role in ("technician", "billing"):
        office_client(client, company, role=role)
        assert client.get(URL).status_code == 403
    office_client(client, company, role="office")
    assert client.get(URL).status_code == 200


def test_the_office_home_shows_the_three_headline_numbers(company, client):
    history(company, months=2, per_month=10)
    with time_machine.travel(NOW, tick=False):
        rollups_catch_up(company=company)
        office_client(client, company)
        page = client.get("/office/").content.decode()
    midnight = datetime(2026, 6, 15, 4, 0, tzinfo=UTC)  # New York's midnight, in UTC
    settled = Activity.objects.filter(
        verb=ActivityVerb.PAYMENT_SETTLED,
        occurred_at__gte=midnight - timedelta(days=30),
        occurred_at__lt=midnight,
    )
    portal = settled.filter(channel=Channel.INVOICE_LINK).count()
    assert "Active on the portal" in page and "Activated" in page
    assert f"{portal} of {settled.count()} in the 30 days to yesterday" in page
    office_client(client, company, role="technician")
    assert "Active on the portal" not in client.get("/office/").content.decode()


def test_customers_list_filters_by_portal_reach(company, client):
    from doorstep.adoption.ledger import activity_record

    names = {}
    for name in ("Ana Never", "Ben Invited", "Cy Active"):
        names[name] = CustomerFactory(company=company, name=name)
    for name, verbs in (
        ("Ben Invited", [ActivityVerb.INVITED]),
        ("Cy Active", [ActivityVerb.INVITED, ActivityVerb.SIGNED_IN]),
    ):
        for verb in verbs:
            activity_record(
                company=company,
                verb=verb,
                object_type="portal_account",
                object_id=names[name].pk,
                actor_type=ActorType.PORTAL,
                customer_id=names[name].pk,
            )
    office_client(client, company)

    def listed(portal: str) -> set[str]:
        page = client.get("/office/customers/", {"portal": portal}).content.decode()
        return {n for n in names if n in page}

    assert listed("never_signed_in") == {"Ana Never", "Ben Invited"}
    assert listed("not_activated") == {"Ben Invited"}
    assert listed("") == set(names) == listed("anything else")
