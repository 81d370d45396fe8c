"""The invoice list and payment history, a page at a time with keyset cursors (issue 15 §3):
"Show older invoices" / "Show older payments" continue exactly where the list stopped, in
the order customers always saw, with no row twice and none missing; filters hold across
pages; a bad cursor or an old `?page=N` link shows the first page; and a cursor says only
where to continue, never whose rows to show."""

from __future__ import annotations

import html
import re
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, quote, urlparse

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from doorstep.access.portal_sessions import portal_session_create
from doorstep.billing.models import Invoice
from doorstep.payments.models import Payment
from doorstep.payments.services import payment_record_manual
from doorstep.portal import cursors, selectors
from doorstep.tenancy.time import company_today

from ..factories import (
    SYSTEM,
    ContactFactory,
    CustomerFactory,
    make_invoice,
    make_portal_account,
)
from ..portal_helpers import sign_in

pytestmark = pytest.mark.django_db

OLDER = re.compile(r'<a class="button secondary" href="(\?[^"]*after=[^"]*)"')
INVOICE_ROW = re.compile(r'<span class="row-title">(INV-\d+)</span>')
PAYMENT_ROW = re.compile(r'href="/p/[^/]+/payments/(\d+)/receipt\.pdf"')


def signed_in(company: Any, name: str) -> dict[str, Any]:
    customer = CustomerFactory(company=company, name=name)
    client = Client()
    sign_in(client, make_portal_account(ContactFactory(customer=customer)))
    return {"customer": customer, "client": client, "company": company}


@pytest.fixture
def me(company: Any) -> dict[str, Any]:
    return signed_in(company, "Robin Example")


def invoice_history(customer: Any) -> None:
    """43 invoices the customer sees (3 overdue, 40 not, 4 issued on each day, some paid)
    and 2 drafts: ties on the issue date everywhere, overdue ones on two dates."""
    company = customer.company
    today = company_today(company)
    for days in (40, 40, 55):
        make_invoice(
            customer, issue_date=today - timedelta(days=days), due_date=today - timedelta(days=5)
        )
    for i in range(40):
        invoice = make_invoice(customer, issue_date=today - timedelta(days=i // 4))
        if i % 5 == 0:  # paid in full
            payment_record_manual(
                company=company, invoice=invoice, amount=invoice.total, method="check", actor=SYSTEM
            )
        elif i % 7 == 0:  # partly
            payment_record_manual(
                company=company, invoice=invoice, amount=100, method="cash", actor=SYSTEM
            )
    for _ in range(2):
        make_invoice(customer, open_=False)


def customers_order(customer: Any) -> list[str]:
    """What the list has always shown, computed here from the rule: overdue ones first, then
    the newest issue date, then the highest number; never drafts."""
    today = company_today(customer.company)
    shown = Invoice.objects.filter(customer=customer).exclude(state="draft")

    def key(invoice: Invoice) -> tuple[int, int, int]:
        overdue = invoice.state == "open" and invoice.balance_due > 0 and invoice.due_date < today
        return (0 if overdue else 1, -invoice.issue_date.toordinal(), -invoice.number)

    return [i.display_number for i in sorted(shown, key=key)]


def walk(client: Client, url: str, rows: re.Pattern[str], *, htmx: bool) -> list[list[str]]:
    """Follow "Show older ..." from the first page as a customer would: the link's href
    (a plain link), or its hx-get (the same URL) asked for with HX-Request, as htmx does."""
    pages = []
    body = client.get(url).content.decode()
    while True:
        pages.append(rows.findall(body))
        older = OLDER.search(body)
        if older is None:
            return pages
        assert len(pages) < 20, "the cursor does not move"
        link = url.split("?")[0] + html.unescape(older[1])
        headers = {"HX-Request": "true"} if htmx else {}
        response = client.get(link, headers=headers)
        assert response.status_code == 200
        body = response.content.decode()
        if htmx:
            assert "<html" not in body and "Back to the newest" not in body
        else:
            assert "Back to the newest" in body


@pytest.mark.parametrize("htmx", [False, True], ids=["plain link", "htmx"])
def test_older_invoices_continue_the_order_with_ties_no_row_twice_none_missing(me, htmx):
    invoice_history(me["customer"])
    url = reverse("portal:invoices", args=[me["company"].slug])
    pages = walk(me["client"], url, INVOICE_ROW, htmx=htmx)
    assert [len(p) for p in pages] == [20, 20, 3]
    seen = [number for page in pages for number in page]
    assert seen == customers_order(me["customer"])  # each once, in the customers' order
    # The home page's "recent invoices" keep the same order (one definition of it).
    today = company_today(me["company"])
    recent = selectors.invoices_for_customer(
        company=me["company"], customer=me["customer"], today=today
    )
    assert [i.display_number for i in recent] == seen
    first = selectors.invoices_first_for_customer(
        company=me["company"], customer=me["customer"], today=today, limit=5
    )
    assert [i.display_number for i in first] == seen[:5]


def test_older_payments_continue_newest_first_with_ties_broken_by_id(me):
    customer = me["customer"]
    invoices = [make_invoice(customer, lines=[("Work", 100000, "1", "0")]) for _ in range(3)]
    for i in range(45):
        payment_record_manual(
            company=me["company"], invoice=invoices[i % 3], amount=100, method="cash", actor=SYSTEM
        )
    payments = list(Payment.objects.filter(customer=customer).order_by("id"))
    moment = payments[0].created_at
    for i, payment in enumerate(payments):  # five at each instant: ties on every page edge
        Payment.objects.filter(pk=payment.pk).update(created_at=moment + timedelta(hours=i // 5))
    url = reverse("portal:payments", args=[me["company"].slug])
    for htmx in (False, True):
        pages = walk(me["client"], url, PAYMENT_ROW, htmx=htmx)
        assert [len(p) for p in pages] == [20, 20, 5]
        expected = Payment.objects.filter(customer=customer).order_by("-created_at", "-id")
        assert [int(pk) for page in pages for pk in page] == [p.pk for p in expected]


@pytest.mark.parametrize("size", [4, 2], ids=["page past the overdue", "page inside them"])
@pytest.mark.parametrize("status", ["all", "unpaid", "overdue", "paid"])
def test_every_filter_holds_across_pages(me, status, size):
    """Pages of 2 end inside the 3 overdue invoices: the next page continues the overdue ones,
    then the others from the newest (on PostgreSQL two index-ordered halves of one UNION)."""
    invoice_history(me["customer"])
    scope = {"company": me["company"], "customer": me["customer"]}
    today = company_today(me["company"])
    whole = list(selectors.invoices_for_customer(**scope, status=status, today=today))
    seen: list[Invoice] = []
    after = None
    while True:
        page = selectors.invoices_page_for_customer(
            **scope, status=status, today=today, after=after, size=size
        )
        seen += page.invoices
        if page.next_cursor is None:
            break
        after = cursors.parse_invoice_cursor(page.next_cursor)
    assert seen == whole and len(whole) >= 3  # 3 overdue, 8 paid, 34 unpaid, 43 in all
    assert {"overdue": 3, "paid": 8}.get(status, len(whole)) == len(whole)


def test_the_older_link_keeps_the_filter(me):
    invoice_history(me["customer"])
    url = reverse("portal:invoices", args=[me["company"].slug]) + "?status=unpaid"
    first = me["client"].get(url).content.decode()
    assert "status=unpaid&amp;after=" in OLDER.search(first)[0]
    pages = walk(me["client"], url, INVOICE_ROW, htmx=False)
    unpaid = [
        n
        for n in customers_order(me["customer"])
        if Invoice.objects.get(customer=me["customer"], number=int(n[4:])).balance_due > 0
    ]
    assert [n for page in pages for n in page] == unpaid and len(pages) == 2
    second = me["client"].get(url.split("?")[0] + html.unescape(OLDER.search(first)[1]))
    back = reverse("portal:invoices", args=[me["company"].slug]) + "?status=unpaid"
    assert f'href="{back}">← Back to the newest' in second.content.decode()


BAD_INVOICE_CURSORS = [
    "abc",
    "1.2026-02-30.5",  # no such day
    "2.2026-01-01.5",  # overdue rank is 0 or 1
    "1.0000-01-01.5",
    "1.2026-01-01",
    "1.2026-01-01.5.6",
    "1.2026-1-1.5",
    "1.2026-01-01.-5",
    "1.2026-01-01." + "9" * 19,  # past 64 bits: SQLite's driver would raise OverflowError
    " 1.2026-01-01.5",
    "1.2026-01-01.5\n",
    "1.2026-01-01.\u0665",  # an Arabic-Indic digit five
    "x" * 5000,
]
BAD_MOMENT_CURSORS = [
    "abc",
    "999999999999999999.1",  # past the year 9999
    "1." + "9" * 19,
    "9" * 19 + ".1",
    "-1.5",
    "1.5.",
    "\u0661.1",
    "",
]


def many_payments(owner: dict[str, Any], n: int = 25) -> None:
    invoice = make_invoice(owner["customer"], lines=[("Work", 100000, "1", "0")])
    for _ in range(n):
        payment_record_manual(
            company=owner["company"], invoice=invoice, amount=100, method="cash", actor=SYSTEM
        )


def test_a_bad_cursor_or_an_old_page_number_shows_the_first_page(me):
    invoice_history(me["customer"])
    many_payments(me)
    slug = me["company"].slug
    for name, rows, bad_cursors in (
        ("portal:invoices", INVOICE_ROW, BAD_INVOICE_CURSORS),
        ("portal:payments", PAYMENT_ROW, BAD_MOMENT_CURSORS),
    ):
        url = reverse(name, args=[slug])
        first = rows.findall(me["client"].get(url).content.decode())
        assert len(first) == 20
        queries = [f"?after={quote(bad)}" for bad in bad_cursors] + [
            "?page=2",
            "?page=95",
            "?page=-1",
        ]
        for query in queries:
            for headers in ({}, {"HX-Request": "true"}):
                response = me["client"].get(url + query, headers=headers)
                assert response.status_code == 200, (name, query)
                body = response.content.decode()
                assert "<html" in body and "Back to the newest" not in body, (name, query)
                assert rows.findall(body) == first, (name, query)
    # Service history and Active jobs parse their cursors in the same module.
    jobs = reverse("portal:jobs", args=[slug])
    for query in [f"?tab=history&after={quote(bad)}" for bad in BAD_MOMENT_CURSORS] + [
        "?through=1." + "9" * 19 + ".1&more=1",
        "?through=999999.n.1&more=1",
        "?through=1.999999999999999999.1&more=1",
    ]:
        body = me["client"].get(jobs + query).content.decode()
        assert "Back to the most recent" not in body, query


def test_a_cursor_shows_only_the_signed_in_customers_rows(me, company, other_company):
    """Another customer's cursor values (of this company or another) are only a position in
    the order: what follows it is the signed-in customer's own rows, never theirs."""
    invoice_history(me["customer"])
    many_payments(me)
    for owner in (signed_in(company, "Neighbour"), signed_in(other_company, "Elsewhere")):
        invoice_history(owner["customer"])
        many_payments(owner)
        theirs = reverse("portal:invoices", args=[owner["company"].slug])
        their_cursor = owner["client"].get(theirs).context["page"].next_cursor
        mine = reverse("portal:invoices", args=[me["company"].slug])
        response = me["client"].get(f"{mine}?after={their_cursor}")
        assert response.context["continued"]  # the cursor was taken as a position
        rows = response.context["page"].invoices
        assert rows and {i.customer_id for i in rows} == {me["customer"].pk}
        body = response.content.decode()
        their_numbers = Invoice.objects.filter(customer=owner["customer"])
        if owner["company"] == company:  # numbers are per company: only here they differ
            assert not any(f">{i.display_number}<" in body for i in their_numbers)
        expected = selectors.invoices_page_for_customer(
            company=me["company"],
            customer=me["customer"],
            today=company_today(me["company"]),
            after=cursors.parse_invoice_cursor(their_cursor),
        )
        assert list(rows) == list(expected.invoices)

        their_payments = reverse("portal:payments", args=[owner["company"].slug])
        their_cursor = owner["client"].get(their_payments).context["page"].next_cursor
        my_payments = reverse("portal:payments", args=[me["company"].slug])
        response = me["client"].get(f"{my_payments}?after={their_cursor}")
        assert their_cursor and response.context["continued"]
        shown = response.context["page"].payments
        assert shown and {p.customer_id for p in shown} == {me["customer"].pk}


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_pay_selected_takes_ticks_from_appended_rows_and_paging_works_without_script(
    chromium, live_server
):
    """In Chromium: tick an invoice, "Show older invoices" appends the next rows in place
    (htmx, no reload), tick one of those, and "Pay selected" sends both; the appended list
    passes axe-core. With JavaScript off the same link opens the older page, and "Back to the
    newest" returns to the first."""
    from ..office.helpers import axe_violations
    from .story import build_story
    from .test_screens import signed_in_context

    story = build_story(history=0)
    for _ in range(25):
        make_invoice(story["customer"])
    total = Invoice.objects.filter(customer=story["customer"]).exclude(state="draft").count()
    assert 20 < total <= 40
    context, base = signed_in_context(chromium, live_server, story, "phone")
    page = context.new_page()
    page.goto(base + "invoices/")
    page.wait_for_function("window.htmx !== undefined")
    page.evaluate("window.sameDocument = true")
    rows = page.locator("#invoice-rows > li.row")
    assert rows.count() == 20
    boxes = page.locator('input[name="invoice"]')
    newest = boxes.first.get_attribute("value")
    boxes.first.check()
    page.get_by_role("link", name="Show older invoices").click()
    page.wait_for_function(
        f"document.querySelectorAll('#invoice-rows > li.row').length === {total}"
    )
    assert page.evaluate("window.sameDocument") is True
    assert page.get_by_role("link", name="Show older invoices").count() == 0
    oldest = boxes.last.get_attribute("value")
    boxes.last.check()
    assert boxes.first.is_checked() and newest != oldest
    assert not axe_violations(page, impacts=("minor", "moderate", "serious", "critical"))
    page.get_by_role("button", name="Pay selected").click()
    page.wait_for_url("**/pay?**")
    assert sorted(parse_qs(urlparse(page.url).query)["invoice"]) == sorted([newest, oldest])
    context.close()

    context = chromium.new_context(
        viewport={"width": 390, "height": 844}, java_script_enabled=False
    )
    _, raw = portal_session_create(account=story["account"])
    context.add_cookies([{"name": settings.PORTAL_SESSION_COOKIE, "value": raw, "url": base}])
    page = context.new_page()
    page.goto(base + "invoices/?status=all&page=2")  # an old link: the first page
    assert page.locator("#invoice-rows > li.row").count() == 20
    page.get_by_role("link", name="Show older invoices").click()
    page.wait_for_url("**after=**")
    assert page.locator("#invoice-rows > li.row").count() == total - 20
    page.get_by_role("link", name="Back to the newest").click()
    page.wait_for_url("**/invoices/?status=all")
    assert page.locator("#invoice-rows > li.row").count() == 20
    context.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_both_lists_with_older_rows_appended_pass_axe_at_both_widths(
    chromium, live_server, size, tmp_path
):
    """The row partials (_invoice_items, _invoice_list_rows, _payment_rows) as the customer
    sees them after "Show older ...": no axe-core violation of any impact, 390 and 1,280 px."""
    from ..office.helpers import axe_violations
    from .story import build_story
    from .test_screens import signed_in_context

    story = build_story(history=0)
    for _ in range(25):
        make_invoice(story["customer"])
    many_payments(story)
    context, base = signed_in_context(chromium, live_server, story, size)
    page = context.new_page()
    for path, rows, link in (
        ("invoices/", "#invoice-rows > li.row", "Show older invoices"),
        ("payments/", "#payment-rows > li.row", "Show older payments"),
    ):
        page.goto(base + path)
        page.wait_for_function("window.htmx !== undefined")
        assert page.locator(rows).count() == 20
        page.get_by_role("link", name=link).click()
        page.wait_for_function(f"document.querySelectorAll('{rows}').length > 20")
        assert not axe_violations(page, impacts=("minor", "moderate", "serious", "critical"))
        page.screenshot(path=str(tmp_path / f"{path.strip('/')}-{size}.png"), full_page=True)
    context.close()
