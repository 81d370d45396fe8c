"""The invoice list puts what needs the customer first (overdue), and "Pay selected" stays
on screen on a phone however long the list is (issue 17, expected by customers)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse

from doorstep.tenancy.time import company_today

from ..factories import ContactFactory, CustomerFactory, make_invoice, make_portal_account
from ..portal_helpers import sign_in
from .story import build_story
from .test_screens import signed_in_context


@pytest.mark.django_db
def test_overdue_invoices_come_first_then_the_newest(company):
    customer = CustomerFactory(company=company)
    client = Client()
    sign_in(client, make_portal_account(ContactFactory(customer=customer)))
    today = company_today(company)
    overdue = make_invoice(customer, issue_date=today - timedelta(days=40), due_in_days=-10)
    newer = make_invoice(customer, issue_date=today - timedelta(days=2))
    newest = make_invoice(customer, issue_date=today)
    page = client.get(reverse("portal:invoices", args=[company.slug])).content.decode()
    positions = [page.index(i.display_number) for i in (overdue, newest, newer)]
    assert positions == sorted(positions)
    home = client.get(reverse("portal:home", args=[company.slug])).content.decode()
    assert home.index(overdue.display_number) < home.index(newest.display_number)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_pay_selected_is_on_screen_at_the_top_of_a_long_list_on_a_phone(chromium, live_server):
    story = build_story(history=0)
    for _ in range(12):
        make_invoice(story["customer"])
    context, base = signed_in_context(chromium, live_server, story, "phone")
    page = context.new_page()
    page.goto(base + "invoices/")
    button = page.get_by_role("button", name="Pay selected")
    assert button.bounding_box()["y"] + button.bounding_box()["height"] <= 844
    page.evaluate("window.scrollTo(0, 600)")
    assert page.evaluate("window.scrollY") > 0
    assert button.bounding_box()["y"] + button.bounding_box()["height"] <= 844
    context.close()
