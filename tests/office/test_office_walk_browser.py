"""A walk through every office page reachable from the navigation (and the first record of
each list, and a search), on demo-like data, in real Chromium at 1,280 and 768 px: axe-core
finds no serious or critical violation and nothing scrolls sideways. Pages other areas add
to the nav are walked as soon as they are merged."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone

from doorstep.billing.models import EstimateComment
from doorstep.messaging.models import Conversation

from ..browser import chromium_available
from ..factories import (
    ContactFactory,
    CustomerFactory,
    LocationFactory,
    make_estimate,
    make_invoice,
    make_job,
    make_portal_account,
    make_service_request,
)
from .helpers import assert_no_serious_axe, horizontal_overflow, office_client, share_session

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.browser,
    pytest.mark.skipif(
        not chromium_available(), reason="needs Debian's chromium (/usr/bin/chromium)"
    ),
]

SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots" / "office"


def demo_like(company) -> None:
    for n, name in enumerate(
        ["Carlos Williams", "Bluewater Apartments LLC with a long business name"]
    ):
        customer = CustomerFactory(company=company, name=name, internal_notes="Gate code 4411")
        contact = ContactFactory(
            customer=customer, email=f"walk{n}@example.test", phone="(555) 201-7788"
        )
        make_portal_account(contact)
        location = LocationFactory(customer=customer, access_notes="Dog in the yard")
        make_job(customer, location=location, title="Water heater replacement with permit")
        make_invoice(customer)
        estimate = make_estimate(customer, title="New boiler")
        EstimateComment.objects.create(
            company=company, estimate=estimate, body="Gas or electric?", author_label=name
        )
        make_service_request(customer, urgency="emergency")
        Conversation.objects.create(
            company=company,
            customer=customer,
            subject="Invoice question",
            staff_unread=1,
            last_message_at=timezone.now() - timedelta(hours=1),
        )


def _hrefs(page, selector: str) -> list[str]:
    return page.eval_on_selector_all(selector, "els => els.map(a => a.getAttribute('href'))")


def office_pages(page, base: str) -> list[str]:
    """The nav's pages, the page buttons of each (New customer...), the first record linked
    from each and that record's page buttons (Edit...), and a search."""
    page.goto(f"{base}/office/")
    urls: list[str] = []
    for href in _hrefs(page, ".office-nav a"):
        urls.append(href)
        page.goto(base + href)
        urls.extend(_hrefs(page, ".page-head .actions a[href^='/office/']"))
        links = _hrefs(page, "main table a[href^='/office/'], main ul a[href^='/office/']")
        first = [u for u in links if not _is_download(u)][:1]
        for record in first:
            urls.append(record)
            page.goto(base + record)
            urls.extend(_hrefs(page, ".page-head .actions a[href^='/office/']"))
    urls.append("/office/search/?q=carlos")
    return [u for u in dict.fromkeys(urls) if "/admin/" not in u and not _is_download(u)]


def _is_download(url: str) -> bool:
    """CSV templates and exports are files the browser saves, not pages to check."""
    return url.split("?")[0].endswith(".csv")


def test_every_office_page_from_the_nav_passes_axe_without_sideways_scroll(
    page, live_server, company
):
    demo_like(company)
    staff = office_client(Client(), company, role="owner")
    share_session(page, staff, live_server.url)
    SHOTS.mkdir(parents=True, exist_ok=True)
    urls = office_pages(page, live_server.url)
    assert "/office/customers/new/" in urls and any(u.endswith("/edit/") for u in urls)
    assert "/office/customers/" in urls and any(
        u.startswith("/office/customers/") and u[-2].isdigit() for u in urls
    )
    for width in (1280, 768):
        page.set_viewport_size({"width": width, "height": 900})
        for url in urls:
            page.goto(live_server.url + url)
            assert page.get_by_role("heading", level=1).is_visible(), url
            assert_no_serious_axe(page)
            assert horizontal_overflow(page) == 0, (url, width)
            slug = url.strip("/").replace("/", "_").replace("?", "_").replace("=", "-") or "home"
            page.screenshot(path=str(SHOTS / f"{slug}-{width}.png"), full_page=True)


def test_the_search_box_and_the_customer_page_work_by_keyboard(page, live_server, company):
    demo_like(company)
    staff = office_client(Client(), company, role="office")
    share_session(page, staff, live_server.url)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/office/")
    page.keyboard.press("Tab")  # skip link
    page.keyboard.press("Tab")  # brand
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "office-search"
    page.keyboard.type("Carlos")
    page.keyboard.press("Enter")
    page.wait_for_url("**/office/search/?q=Carlos")
    link = page.get_by_role("link", name="Carlos Williams")
    link.focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/office/customers/*/")
    assert page.get_by_role("heading", name="Portal access").is_visible()
    # Deactivate asks first, by keyboard too.
    page.get_by_role("button", name="Deactivate portal access…").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_by_role(
        "heading", name="Deactivate this customer's portal access?"
    ).is_visible()
    assert_no_serious_axe(page)


def test_a_double_click_posts_once(page, live_server, company):
    from doorstep.access.models import LoginLink

    customer = CustomerFactory(company=company, name="Double Click")
    ContactFactory(customer=customer, email="double@example.test")
    staff = office_client(Client(), company, role="office")
    share_session(page, staff, live_server.url)
    page.goto(f"{live_server.url}/office/customers/{customer.pk}/")
    posts: list[str] = []
    page.on(
        "request",
        lambda r: posts.append(r.url) if r.method == "POST" and "/access/" in r.url else None,
    )
    button = page.get_by_role("button", name="Invite to the portal")
    with page.expect_navigation():
        # Two clicks 30 ms apart, while the first request is on its way.
        button.evaluate("b => { b.click(); setTimeout(() => b.click(), 30); }")
    page.wait_for_timeout(300)
    assert len(posts) == 1, posts
    assert page.get_by_text("Invitation sent.").is_visible()
    assert LoginLink.objects.filter(account__customer=customer).count() == 1


def test_the_owners_menu_is_one_row_at_1280_and_set_up_opens_by_keyboard(
    page, live_server, company
):
    """An owner sees every entry: the day's areas fit one row at 1,280 px (16 entries took two
    rows), the set-up pages wait in "Set-up", which opens with the keyboard, and its summary
    is marked when a set-up page is open."""
    staff = office_client(Client(), company, role="owner")
    share_session(page, staff, live_server.url)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/office/")
    tops = {round(li.bounding_box()["y"]) for li in page.locator(".office-nav > ul > li").all()}
    assert len(tops) == 1, tops
    staff_link = page.locator(".office-nav").get_by_role("link", name="Staff")
    assert not staff_link.is_visible()
    page.locator(".office-nav summary").focus()
    page.keyboard.press("Enter")
    assert staff_link.is_visible()
    staff_link.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator(".office-nav summary.nav-current").is_visible()
    assert_no_serious_axe(page)


def test_on_a_phone_the_menu_is_one_row_and_more_holds_the_rest(page, live_server, company):
    """At 390 px the bar keeps its first entries and "More" opens the others (Jobs, Payments,
    Settings...); a page reached from it marks "More" as the current area."""
    staff = office_client(Client(), company, role="owner")
    share_session(page, staff, live_server.url)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/office/")
    shown = [li for li in page.locator(".office-nav > ul > li").all() if li.is_visible()]
    assert len({round(li.bounding_box()["y"]) for li in shown}) == 1
    more = page.locator(".office-nav summary")
    assert more.inner_text().strip() == "More" and more.is_visible()
    jobs = page.locator(".office-nav").get_by_role("link", name="Jobs")
    assert jobs.count() == 0  # not in the bar, and the menu is closed
    more.click()
    assert jobs.count() == 1  # the menu's copy only: the bar's is hidden (display:none)
    jobs.click()
    page.wait_for_url("**/office/jobs/")
    assert page.locator(".office-nav summary.nav-current-narrow").is_visible()
    assert horizontal_overflow(page) == 0
    assert_no_serious_axe(page)
    page.set_viewport_size({"width": 1280, "height": 900})  # the same page, wide: Jobs in the bar
    assert page.locator(".office-nav > ul > li > a", has_text="Jobs").is_visible()
    assert page.locator(".office-nav summary").inner_text().strip() == "Set-up"
