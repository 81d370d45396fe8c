"""The portal's navigation (issue 17, item 12): one row on a 390 px phone (four destinations
and a "More" menu that works by keyboard), Saved cards and Notifications in it, and an
unread-messages badge that costs no query (Customer.unread_messages, read off the session's
one query and kept by the messaging services)."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from doorstep.core.audit import Actor
from doorstep.customers.models import Customer
from doorstep.messaging.models import Side
from doorstep.messaging.services import conversation_start, message_post

from ..factories import ContactFactory, CustomerFactory, make_portal_account
from ..portal_helpers import sign_in
from .story import build_story
from .test_screens import WIDTHS, signed_in_context

STAFF = Actor.system("Office")


def nav_of(page: str) -> str:
    return re.search(r'<nav class="main-nav".*?</nav>', page, re.S).group(0)


@pytest.fixture
def signed_in(company):
    customer = CustomerFactory(company=company, name="Pat Smith")
    account = make_portal_account(ContactFactory(customer=customer))
    client = Client()
    sign_in(client, account)
    return client, customer


@pytest.mark.django_db
def test_saved_cards_and_notifications_are_in_the_navigation(company, signed_in):
    client, _ = signed_in
    nav = nav_of(client.get(reverse("portal:home", args=[company.slug])).content.decode())
    assert reverse("payments:methods", args=[company.slug]) in nav
    assert reverse("notifications:preferences", args=[company.slug]) in nav
    row = nav.split('<li class="nav-more-item">')[0]
    assert row.count("<li>") <= 4  # then "More": five items in one row


@pytest.mark.django_db
def test_the_unread_badge_follows_office_messages_and_costs_no_query(
    company, signed_in, django_assert_num_queries
):
    client, customer = signed_in
    home = reverse("portal:home", args=[company.slug])
    conversation = conversation_start(
        company=company,
        customer=customer,
        subject="Your visit",
        body="Hello",
        actor=STAFF,
        side=Side.STAFF,
    )
    message_post(
        company=company, conversation_id=conversation.pk, side=Side.STAFF, body="And?", actor=STAFF
    )
    customer.refresh_from_db()
    assert customer.unread_messages == 2
    # The home page's count (tests/portal/test_query_counts.py), badge or not, + the
    # refresh: this customer never owed anything, so the first view stores their balance row
    # (billing/customer_balances.py: one upsert, after the customer's advisory lock on
    # PostgreSQL); the next views read it.
    refresh = 2 if connection.vendor == "postgresql" else 1
    with django_assert_num_queries(6 + refresh):
        client.get(home)
    with django_assert_num_queries(6):
        page = client.get(home).content.decode()
    assert '<span class="nav-badge">2<span class="visually-hidden"> unread</span></span>' in (
        nav_of(page)
    )
    # The customer's own message does not count; reading the conversation clears it.
    message_post(
        company=company,
        conversation_id=conversation.pk,
        side=Side.CUSTOMER,
        body="Thanks",
        actor=STAFF,
    )
    assert Customer.objects.get(pk=customer.pk).unread_messages == 2
    client.get(reverse("messaging:detail", args=[company.slug, conversation.pk]))
    assert Customer.objects.get(pk=customer.pk).unread_messages == 0
    assert "nav-badge" not in nav_of(client.get(home).content.decode())


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_navigation_is_one_row_on_a_phone_and_more_opens_by_keyboard(chromium, live_server):
    story = build_story(history=0)
    context, base = signed_in_context(chromium, live_server, story, "phone")
    assert WIDTHS["phone"][0] == 390
    page = context.new_page()
    page.goto(base)
    items = page.locator("nav[aria-label=Main] ul.nav-row > li")
    tops = {round(items.nth(i).bounding_box()["y"]) for i in range(items.count())}
    assert len(tops) == 1, "the navigation wraps onto a second row"
    assert page.locator("nav[aria-label=Main]").bounding_box()["height"] < 60
    assert not page.locator(".nav-more-list").is_visible()
    page.locator(".nav-more summary").focus()
    page.keyboard.press("Enter")
    assert page.locator(".nav-more-list").is_visible()
    page.locator(".nav-more-list a").first.focus()
    for _ in range(3):
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Saved cards and autopay"
    page.keyboard.press("Enter")
    page.wait_for_url("**/payment-methods")
    context.close()
