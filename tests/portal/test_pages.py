"""What a signed-in customer sees on each page, in the company's zone, locale and currency."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from doorstep.billing.models import Invoice
from doorstep.jobs.models import Job, JobStatus
from doorstep.payments.services import payment_record_manual
from doorstep.tenancy.time import company_today

from ..factories import (
    SYSTEM,
    ContactFactory,
    CustomerFactory,
    LocationFactory,
    TechnicianFactory,
    make_invoice,
    make_job,
    make_portal_account,
)
from ..portal_helpers import sign_in
from .story import job_to

pytestmark = pytest.mark.django_db


@pytest.fixture
def me(company: Any) -> dict[str, Any]:
    customer = CustomerFactory(company=company, name="Robin Example")
    account = make_portal_account(ContactFactory(customer=customer))
    client = Client()
    sign_in(client, account)
    return {"customer": customer, "client": client, "slug": company.slug, "company": company}


def get(me: dict[str, Any], name: str, *args: Any, query: str = "") -> Any:
    url = reverse(f"portal:{name}", args=[me["slug"], *args]) + query
    response = me["client"].get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def invoices_set(me: dict[str, Any]) -> dict[str, Invoice]:
    customer = me["customer"]
    today = company_today(customer.company)
    overdue = make_invoice(
        customer,
        issue_date=today - timedelta(days=30),
        due_date=today - timedelta(days=5),
        lines=[("Overdue work", 10000, "1", "0")],
    )
    unpaid = make_invoice(customer, lines=[("Unpaid work", 20000, "1", "0")])
    paid = make_invoice(customer, lines=[("Paid work", 5000, "1", "0")])
    payment_record_manual(
        company=me["company"], invoice=paid, amount=5000, method="check", actor=SYSTEM
    )
    draft = make_invoice(customer, open_=False, lines=[("Draft work", 7000, "1", "0")])
    return {"overdue": overdue, "unpaid": unpaid, "paid": paid, "draft": draft}


def test_invoice_filters_and_bad_input_give_the_first_page(me):
    inv = invoices_set(me)
    every = get(me, "invoices")
    for key in ("overdue", "unpaid", "paid"):
        assert inv[key].display_number in every
    assert inv["draft"].display_number not in every  # customers never see drafts
    unpaid = get(me, "invoices", query="?status=unpaid")
    assert inv["unpaid"].display_number in unpaid and inv["overdue"].display_number in unpaid
    assert inv["paid"].display_number not in unpaid
    overdue = get(me, "invoices", query="?status=overdue")
    assert inv["overdue"].display_number in overdue
    assert inv["unpaid"].display_number not in overdue
    paid = get(me, "invoices", query="?status=paid")
    assert inv["paid"].display_number in paid and inv["unpaid"].display_number not in paid
    for bad in ("?status=<script>", "?page=abc", "?page=-3", "?page=99999", "?page=1e9"):
        page = get(me, "invoices", query=bad)
        assert inv["paid"].display_number in page and "<script>" not in page


def test_invoice_list_shows_older_ones_and_lets_the_customer_pay_several(me):
    for _ in range(23):
        make_invoice(me["customer"])
    first = get(me, "invoices")
    assert "INV-0023" in first and "INV-0004" in first and "INV-0003" not in first
    assert "Show older invoices" in first and "Back to the newest" not in first
    older = me["client"].get(reverse("portal:invoices", args=[me["slug"]]))
    second = get(me, "invoices", query=f"?status=all&after={older.context['page'].next_cursor}")
    assert "INV-0003" in second and "INV-0001" in second and "INV-0004" not in second
    assert "Back to the newest" in second and "Show older invoices" not in second
    checkout = reverse("payments:checkout", args=[me["slug"]])
    assert f'action="{checkout}"' in first and first.count('name="invoice"') == 20
    assert "Pay selected" in first


def test_invoice_page_shows_everything_and_pay_now(me):
    inv = invoices_set(me)
    partly = make_invoice(
        me["customer"], lines=[("Boiler service", 12500, "2", "10"), ("Valve", 999, "1", "0")]
    )
    payment = payment_record_manual(
        company=me["company"], invoice=partly, amount=10000, method="card", actor=SYSTEM
    )
    page = get(me, "invoice_detail", partly.pk)
    for text in (
        partly.display_number,
        "Boiler service",
        "Valve",
        "$125.00",
        "$250.00",
        "$259.99",
        "$25.00",
        "$284.99",
        "$100.00",
        "$184.99",
        "Partially paid",
        "Card",
        "Download PDF",
    ):
        assert text in page, text
    checkout = reverse("payments:checkout", args=[me["slug"]])
    assert f'action="{checkout}"' in page and f'name="invoice" value="{partly.pk}"' in page
    assert reverse("payments:receipt", args=[me["slug"], payment.pk]) in page
    paid_page = get(me, "invoice_detail", inv["paid"].pk)
    assert "Pay now" not in paid_page and ">Paid<" in paid_page
    assert "Overdue" in get(me, "invoice_detail", inv["overdue"].pk)
    draft = reverse("portal:invoice_detail", args=[me["slug"], inv["draft"].pk])
    assert me["client"].get(draft).status_code == 404


def test_viewing_the_invoice_page_is_recorded_for_staff(me, time_machine):
    invoice = make_invoice(me["customer"])
    url = reverse("portal:invoice_detail", args=[me["slug"], invoice.pk])
    Client().get(url)  # a scanner without a session only reaches the sign-in redirect
    Client().head(url)
    invoice.refresh_from_db()
    assert invoice.first_viewed_at is None
    first = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
    time_machine.move_to(first, tick=False)
    me["client"].get(url)
    time_machine.move_to(first + timedelta(hours=5), tick=False)
    me["client"].get(url, headers={"HX-Request": "true"})  # a partial refresh: not a view
    invoice.refresh_from_db()
    assert invoice.first_viewed_at == invoice.last_viewed_at == first
    me["client"].get(url)
    invoice.refresh_from_db()
    assert invoice.first_viewed_at == first
    assert invoice.last_viewed_at == first + timedelta(hours=5)


def test_money_and_dates_follow_the_company(company):
    company.timezone, company.locale, company.currency = "America/Denver", "fr_CA", "CAD"
    company.save()
    customer = CustomerFactory(company=company, name="Gabrielle Tremblay")
    account = make_portal_account(ContactFactory(customer=customer))
    client = Client()
    sign_in(client, account)
    make_invoice(customer, lines=[("Thermopompe", 123456, "1", "0")])
    start = datetime(2030, 11, 24, 16, 0, tzinfo=UTC)  # 9:00 in Denver
    make_job(
        customer, title="Visite", scheduled_start=start, scheduled_end=start + timedelta(hours=2)
    )
    home = client.get(reverse("portal:home", args=[company.slug])).content.decode()
    assert "1\u00a0234,56\u00a0$" in home  # fr_CA: space groups, comma decimals, $ after
    jobs = client.get(reverse("portal:jobs", args=[company.slug])).content.decode()
    assert "09 h 00" in jobs or "9 h 00" in jobs  # 16:00 UTC is 9:00 in Denver


def test_active_jobs_most_active_first_with_plain_words(me):
    customer = me["customer"]
    tech = TechnicianFactory(company=me["company"], name="Samantha Reyes")
    soon = timezone.now() + timedelta(days=1)
    scheduled = job_to(
        make_job(customer, title="Scheduled one", scheduled_start=soon), JobStatus.SCHEDULED
    )
    working = job_to(
        make_job(customer, title="Working one", technician=tech, scheduled_start=soon),
        JobStatus.IN_PROGRESS,
    )
    coming = job_to(
        make_job(customer, title="Coming one", technician=tech, scheduled_start=soon),
        JobStatus.ON_THE_WAY,
    )
    done = job_to(
        make_job(customer, title="Done one", technician=tech, scheduled_start=soon),
        JobStatus.COMPLETED,
    )
    page = get(me, "jobs")
    order = [page.index(job.title) for job in (working, coming, scheduled)]
    assert order == sorted(order) and done.title not in page
    assert "Work in progress" in page and "On the way" in page and "Samantha is on the way" in page
    assert "Reyes" not in page  # first name only while the job is open
    assert "Updated" in page and "just now" in page
    assert 'hx-get="' + reverse("portal:jobs_live", args=[me["slug"]]) in page
    live = get(me, "jobs_live")
    assert "<html" not in live and 'id="active-jobs"' in live and "Working one" in live


def test_service_history_loads_more_by_keyset(me):
    customer = me["customer"]
    tech = TechnicianFactory(company=me["company"], name="Lee Park")
    location = LocationFactory(customer=customer)
    same_moment = datetime(2026, 5, 1, 12, 0, 0, 123457, tzinfo=UTC)  # odd microseconds
    for i in range(13):
        job = job_to(
            make_job(
                customer,
                location=location,
                title=f"Visit {i:02d}",
                technician=tech,
                scheduled_start=same_moment,
            ),
            JobStatus.COMPLETED,
        )
        # Three share one completion time: the id breaks the tie without skipping any.
        when = same_moment if i < 3 else same_moment + timedelta(days=i)
        Job.objects.filter(pk=job.pk).update(completed_at=when)
    first = get(me, "jobs", query="?tab=history")
    assert "Visit 12" in first and "Lee Park" in first and "Completed" in first
    cursor = first.split("after=")[1].split('"')[0].split("&")[0]
    rest = get(me, "jobs", query=f"?tab=history&after={cursor}")
    shown_first = {f"Visit {i:02d}" for i in range(13) if f"Visit {i:02d}" in first}
    shown_rest = {f"Visit {i:02d}" for i in range(13) if f"Visit {i:02d}" in rest}
    assert len(shown_first) == 10 and shown_first.isdisjoint(shown_rest)
    assert shown_first | shown_rest == {f"Visit {i:02d}" for i in range(13)}
    partial = (
        me["client"]
        .get(
            reverse("portal:jobs", args=[me["slug"]]) + f"?tab=history&after={cursor}",
            headers={"HX-Request": "true"},
        )
        .content.decode()
    )
    assert "<html" not in partial and "Load more" not in partial
    for bad in ("garbage", "1.2.3", "99999999999999999999999.1", ""):
        assert "Visit 12" in get(me, "jobs", query=f"?tab=history&after={bad}")


def test_home_shows_balance_overdue_next_visit_and_recent(me):
    invoices_set(me)
    me["company"].welcome_message = "Welcome to our portal!"
    me["company"].save()
    soon = timezone.now() + timedelta(days=2)
    job_to(make_job(me["customer"], title="Tune-up", scheduled_start=soon), JobStatus.SCHEDULED)
    page = get(me, "home")
    assert "Welcome to our portal!" in page
    assert "$300.00" in page  # balance: 100 overdue + 200 unpaid
    assert "$100.00 overdue" in page and "Next visit" in page and "Tune-up" in page
    assert "INV-0001" in page
    assert "awaiting your decision" not in page
    from doorstep.billing.estimates import estimate_change_state

    from ..factories import make_estimate

    estimate = make_estimate(me["customer"])
    estimate_change_state(company=me["company"], estimate=estimate, new_state="sent", actor=SYSTEM)
    assert "1 estimate awaiting your decision" in get(me, "home")


def test_payment_history_lists_method_invoices_and_receipt(me):
    inv = invoices_set(me)
    page = get(me, "payments")
    assert "$50.00" in page and "Check" in page and inv["paid"].display_number in page
    assert "Received" in page and "/receipt" in page


def test_locations_list_addresses_with_their_jobs(me):
    home = LocationFactory(customer=me["customer"], label="Cabin", street="1 Lake Road")
    make_job(me["customer"], location=home, title="Winterize pipes")
    page = get(me, "locations")
    assert "Cabin" in page and "1 Lake Road" in page and "Winterize pipes" in page


def test_any_brand_colour_stays_readable(me):
    me["company"].accent_color = "#ffd700"  # yellow: white text on it would be unreadable
    me["company"].save()
    page = get(me, "home")
    assert "--accent:#ffd700;--on-accent:#1c2430;--accent-ink:#836e00;" in page


def test_reloading_the_invoice_page_writes_at_most_once_a_minute(me, time_machine):
    invoice = make_invoice(me["customer"])
    url = reverse("portal:invoice_detail", args=[me["slug"], invoice.pk])
    first = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
    time_machine.move_to(first, tick=False)
    me["client"].get(url)
    invoice.refresh_from_db()
    assert invoice.first_viewed_at == invoice.last_viewed_at == first

    def viewing_writes() -> bool:
        with CaptureQueriesContext(connection) as queries:
            assert me["client"].get(url).status_code == 200
        table = Invoice._meta.db_table
        return any(q["sql"].startswith(f'UPDATE "{table}"') for q in queries)

    time_machine.move_to(first + timedelta(seconds=59), tick=False)
    assert not viewing_writes()  # a reload within the minute: no statement at all
    time_machine.move_to(first + timedelta(seconds=60), tick=False)
    assert not viewing_writes()
    invoice.refresh_from_db()
    assert invoice.last_viewed_at == first
    time_machine.move_to(first + timedelta(seconds=61), tick=False)
    assert viewing_writes()
    invoice.refresh_from_db()
    assert invoice.first_viewed_at == first
    assert invoice.last_viewed_at == first + timedelta(seconds=61)


def test_active_jobs_show_twenty_then_more_by_keyset_and_stay_live(me):
    """20 cards, then "Show more" extends the list (keyset on rank, visit time, id); the
    live refresh keeps exactly the list on screen current, with or without htmx."""
    import re

    from doorstep.jobs.models import ACTIVITY_RANK

    customer = me["customer"]
    location = LocationFactory(customer=customer)
    moment = datetime(2030, 5, 1, 12, 0, 0, 123457, tzinfo=UTC)
    plan = (
        [(JobStatus.IN_PROGRESS, moment + timedelta(hours=i)) for i in range(3)]
        + [(JobStatus.SCHEDULED, moment)] * 10  # one visit time: the id breaks the tie
        + [(JobStatus.SCHEDULED, None)] * 2  # a rank's jobs without a time come last
        + [(JobStatus.UNSCHEDULED, None)] * 8
    )
    made = []
    for i, (status, start) in enumerate(reversed(plan)):  # ids not in display order
        job = make_job(customer, location=location, title=f"Open {i:02d}")
        rank = ACTIVITY_RANK.get(status, 99)
        Job.objects.filter(pk=job.pk).update(
            status=status, activity_rank=rank, scheduled_start=start, scheduled_end=None
        )
        made.append((rank, start is None, start or moment, job.pk))
    expected = [pk for *_, pk in sorted(made)]

    def shown(page: str) -> list[int]:
        return [int(pk) for pk in re.findall(r'id="job-(\d+)-title"', page)]

    def link(page: str, attr: str) -> str:
        return page.split('id="active-more"')[1].split(f'{attr}="')[1].split('"')[0]

    first = get(me, "jobs")
    assert shown(first) == expected[:20] and "Show more" in first
    detail = reverse("portal:job_detail", args=[me["slug"], expected[0]])
    assert f'<a href="{detail}">' in first  # the card's link, reversed once per company
    more_url = link(first, "hx-get").replace("&amp;", "&")
    live_url = reverse("portal:jobs_live", args=[me["slug"]])
    assert more_url.startswith(live_url + "?through=") and more_url.endswith("&more=1")
    poll = first.split('id="active-jobs"')[1].split('hx-get="')[1].split('"')[0]
    assert poll == more_url.removesuffix("&more=1")  # the refresh covers the 20 shown

    extended = me["client"].get(more_url, headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in extended and shown(extended) == expected and "Show more" not in extended
    # The refresh of the extended list covers all 23 (and nothing more would appear).
    refreshed = me["client"].get(poll).content.decode()
    assert shown(refreshed) == expected[:20] and "Show more" in refreshed
    extended_poll = extended.split('hx-get="')[1].split('"')[0].replace("&amp;", "&")
    assert shown(me["client"].get(extended_poll).content.decode()) == expected

    # Without JavaScript the link is a page of its own with the longer list.
    no_js = link(first, "href").replace("&amp;", "&")
    page = me["client"].get(no_js).content.decode()
    assert "<html" in page and shown(page) == expected

    # One of the shown jobs is done, a new urgent one starts: the refresh of the 20 shown
    # follows both, and the 3 beyond still wait behind "Show more".
    done = Job.objects.get(pk=expected[5])
    Job.objects.filter(pk=done.pk).update(
        status=JobStatus.COMPLETED, activity_rank=99, completed_at=timezone.now()
    )
    urgent = make_job(customer, location=location, title="Urgent")
    Job.objects.filter(pk=urgent.pk).update(
        status=JobStatus.IN_PROGRESS, activity_rank=0, scheduled_start=moment - timedelta(days=1)
    )
    after_change = shown(me["client"].get(poll).content.decode())
    assert after_change == [urgent.pk] + [pk for pk in expected[:20] if pk != done.pk]

    for bad in ("garbage", "1.2", "1.x.3", "0.99999999999999999999999.1", ""):
        assert shown(get(me, "jobs_live", query=f"?through={bad}&more=1"))[:1] == [urgent.pk]
