"""The main portal pages in real Chromium at phone and desktop widths.

Screenshots go to var/screenshots/ for a person to look at; the test itself checks what can
be checked mechanically: nothing overflows sideways on a 390 px phone, one h1 and the
landmarks on every page, keyboard focus is visible, and htmx refreshes the jobs in place.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from doorstep.access.portal_sessions import portal_session_create
from doorstep.jobs.models import ACTIVE_STATUSES as ACTIVE
from doorstep.jobs.models import JobStatus
from doorstep.jobs.services import job_change_status

from ..factories import SYSTEM
from .story import build_story

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"
WIDTHS = {"phone": (390, 844), "desktop": (1280, 900)}


def pages(story: dict[str, Any]) -> dict[str, str]:
    return {
        "home": "",
        "invoices": "invoices/",
        "invoice": f"invoices/{story['invoices']['partly'].pk}/",
        "payments": "payments/",
        "jobs": "jobs/",
        "history": "jobs/?tab=history",
        "job": f"jobs/{story['jobs']['on_the_way'].pk}/",
        "estimates": "estimates/",
        "estimate": f"estimates/{story['estimates']['open'].pk}/",
        "documents": "documents/",
        "locations": "locations/",
        "profile": "profile/",
    }


def signed_in_context(chromium: Any, live_server: Any, story: dict[str, Any], size: str) -> Any:
    width, height = WIDTHS[size]
    context = chromium.new_context(viewport={"width": width, "height": height})
    _, raw = portal_session_create(account=story["account"])
    base = f"{live_server.url}/p/{story['company'].slug}/"
    context.add_cookies([{"name": settings.PORTAL_SESSION_COOKIE, "value": raw, "url": base}])
    return context, base


def test_main_pages_at_phone_and_desktop_width(chromium, live_server):
    story = build_story()
    SHOTS.mkdir(parents=True, exist_ok=True)
    for size in WIDTHS:
        context, base = signed_in_context(chromium, live_server, story, size)
        page = context.new_page()
        for name, path in pages(story).items():
            response = page.goto(base + path)
            assert response is not None and response.status == 200, name
            page.screenshot(path=str(SHOTS / f"{name}-{size}.png"), full_page=True)
            assert page.locator("h1").count() == 1, name
            assert page.locator("main#main").count() == 1, name
            assert page.locator("nav[aria-label=Main]").count() == 1, name
            overflow = page.evaluate(
                "document.scrollingElement.scrollWidth - document.scrollingElement.clientWidth"
            )
            assert overflow <= 0, f"{name} scrolls sideways at {size} width"
        context.close()


def test_keyboard_focus_is_visible(chromium, live_server):
    story = build_story(history=0)
    context, base = signed_in_context(chromium, live_server, story, "phone")
    page = context.new_page()
    page.goto(base)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    page.keyboard.press("Tab")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"
    context.close()


def test_jobs_refresh_in_place_and_history_loads_more(chromium, live_server):
    story = build_story(history=12)
    context, base = signed_in_context(chromium, live_server, story, "phone")
    page = context.new_page()
    page.goto(base + "jobs/")
    page.wait_for_function("window.htmx !== undefined")
    page.evaluate("window.sameDocument = true")
    job = story["jobs"]["on_the_way"]
    job_change_status(
        company=job.company, job=job, new_status=JobStatus.TECHNICIAN_ARRIVED, actor=SYSTEM
    )
    page.evaluate("htmx.trigger('#active-jobs', 'refresh')")
    page.get_by_text("Dev has arrived.").wait_for(timeout=5000)
    assert page.evaluate("window.sameDocument") is True  # no reload happened
    page.goto(base + "jobs/?tab=history")
    page.wait_for_function("window.htmx !== undefined")
    page.evaluate("window.sameDocument = true")
    assert page.locator(".history-row").count() == 10
    page.get_by_role("link", name="Load more").click()
    page.wait_for_function("document.querySelectorAll('.history-row').length === 12")
    assert page.evaluate("window.sameDocument") is True
    assert page.get_by_role("link", name="Load more").count() == 0
    context.close()


def test_forms_post_from_a_real_browser(chromium, live_server):
    """Real browsers send an Origin header on POST; the page's referrer policy must keep it
    a real origin (not "null") or CSRF refuses every form. Accept an estimate, then sign out."""
    story = build_story(history=0)
    context, base = signed_in_context(chromium, live_server, story, "phone")
    page = context.new_page()
    estimate = story["estimates"]["open"]
    page.goto(base + f"estimates/{estimate.pk}/")
    page.get_by_label("Type your full name to sign").fill("Jordan Rivera")
    page.get_by_role("button", name="Accept and sign").click()
    page.get_by_text(f"You accepted {estimate.display_number}").wait_for(timeout=5000)
    estimate.refresh_from_db()
    assert estimate.state == "accepted" and estimate.signature_ip == "127.0.0.1"
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/sign-in")
    assert "/sign-in?next=" in page.goto(base + "invoices/").url
    context.close()


def test_active_jobs_show_more_in_place_and_keep_refreshing(chromium, live_server):
    from ..factories import make_job

    story = build_story(history=0)
    customer = story["customer"]
    location = story["jobs"]["in_progress"].location
    for i in range(25):
        make_job(customer, location=location, title=f"Waiting job {i:02d}")  # unscheduled
    context, base = signed_in_context(chromium, live_server, story, "phone")
    page = context.new_page()
    page.goto(base + "jobs/")
    page.wait_for_function("window.htmx !== undefined")
    page.evaluate("window.sameDocument = true")
    total = customer.jobs.filter(status__in=["unscheduled", *ACTIVE]).count()
    assert total > 20 and page.locator(".job-card").count() == 20
    page.locator("#active-more").scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "jobs-show-more-phone.png"))
    page.get_by_role("link", name="Show more").click()
    page.wait_for_function(f"document.querySelectorAll('.job-card').length === {total}")
    assert page.get_by_role("link", name="Show more").count() == 0
    job = story["jobs"]["on_the_way"]
    job_change_status(
        company=job.company, job=job, new_status=JobStatus.TECHNICIAN_ARRIVED, actor=SYSTEM
    )
    page.evaluate("htmx.trigger('#active-jobs', 'refresh')")
    page.get_by_text("Dev has arrived.").wait_for(timeout=5000)
    assert page.locator(".job-card").count() == total  # the refresh keeps the longer list
    assert page.evaluate("window.sameDocument") is True
    context.close()


def test_main_pages_pass_axe_core_at_phone_and_desktop_width(chromium, live_server):
    """axe-core (WCAG 2.1 A/AA) in real Chromium: no violation of any impact."""
    from ..office.helpers import axe_violations

    story = build_story(history=3)
    found = {}
    for size in WIDTHS:
        context, base = signed_in_context(chromium, live_server, story, size)
        page = context.new_page()
        for name, path in pages(story).items():
            page.goto(base + path)
            violations = axe_violations(page, impacts=("minor", "moderate", "serious", "critical"))
            if violations:
                found[f"{name}-{size}"] = violations
        context.close()
    assert not found, found


# A dark and a light brand colour: the accent is used on the header, buttons and links.
BRAND_COLOURS = ("#0b2545", "#ffd60a")


def _receipt_path(story: dict[str, Any]) -> str:
    from doorstep.payments.models import Payment

    payment = Payment.objects.filter(allocations__invoice=story["invoices"]["paid"]).first()
    assert payment is not None
    return f"payments/{payment.pk}/receipt"


def more_pages(story: dict[str, Any]) -> dict[str, str]:
    invoice = story["invoices"]["partly"]
    return {
        **pages(story),
        "receipt": _receipt_path(story),
        "two-step": "profile/two-step/",
        "checkout": f"pay?invoice={invoice.pk}",
        "payment-methods": "payment-methods",
        "notifications": "notifications/",
        "messages": "messages/",
        "requests": "requests/",
        "help": "help/",
    }


SIGNED_OUT = ("sign-in", "sign-in/code", "password/forgot", "register")


def test_every_page_passes_axe_with_a_light_and_a_dark_brand_colour(chromium, live_server):
    """axe-core, no violation of any impact, signed in (with the More menu and the bank
    panel open) and signed out, at 390 and 1280 px, for a dark and a light accent."""
    from ..office.helpers import axe_violations

    story = build_story(history=1)
    company = story["company"]
    company.settings.ach_enabled = True
    company.settings.sign_in_mode = "both"
    company.settings.save()
    impacts = ("minor", "moderate", "serious", "critical")
    found: dict[str, Any] = {}
    for colour in BRAND_COLOURS:
        company.accent_color = colour
        company.save()
        for size in WIDTHS:
            context, base = signed_in_context(chromium, live_server, story, size)
            page = context.new_page()
            for name, path in more_pages(story).items():
                response = page.goto(base + path)
                assert response is not None and response.status == 200, (name, response)
                if name == "home":
                    page.locator(".nav-more summary").click()
                if name == "checkout":
                    page.locator("input[name=method_choice][value=ach]").check()
                violations = axe_violations(page, impacts=impacts)
                if violations:
                    found[f"{name}-{size}-{colour}"] = violations
            context.close()
            width, height = WIDTHS[size]
            context = chromium.new_context(viewport={"width": width, "height": height})
            page = context.new_page()
            for path in SIGNED_OUT:
                response = page.goto(f"{live_server.url}/p/{company.slug}/{path}")
                assert response is not None and response.status == 200, path
                violations = axe_violations(page, impacts=impacts)
                if violations:
                    found[f"{path}-{size}-{colour}"] = violations
            context.close()
    assert not found, found


def test_phone_screenshots_for_the_docs(chromium, live_server):
    """The 390 px screenshots in docs/portal.md (docs/screenshots/portal-*.png)."""
    story = build_story(history=3)
    story["company"].settings.ach_enabled = True
    story["company"].settings.save()
    docs = Path(settings.BASE_DIR) / "docs" / "screenshots"
    docs.mkdir(parents=True, exist_ok=True)
    context, base = signed_in_context(chromium, live_server, story, "phone")
    page = context.new_page()
    shots = {
        "home": "",
        "invoices": "invoices/",
        "invoice": f"invoices/{story['invoices']['partly'].pk}/",
        "jobs": "jobs/",
        "job": f"jobs/{story['jobs']['on_the_way'].pk}/",
        "checkout-bank": f"pay?invoice={story['invoices']['partly'].pk}",
        "receipt": _receipt_path(story),
        "profile": "profile/",
    }
    for name, path in shots.items():
        page.goto(base + path)
        if name == "checkout-bank":
            page.locator("input[name=method_choice][value=ach]").check()
        page.screenshot(path=str(docs / f"portal-{name}.png"), full_page=name != "home")
    page.goto(base)
    page.locator(".nav-more summary").click()
    page.screenshot(path=str(docs / "portal-more-menu.png"))
    context.close()
