"""The office manager's day in real Chromium: approve a request into a job, plan the visit,
move the job to "on the way" telling the customer (who gets the email), upload completion
photos that the customer then sees on the portal, answer a message with a photo. Every page
on the way: axe-core finds no serious or critical violation, nothing scrolls sideways at
1,280 and 768 px. Screenshots go to var/screenshots/office-work/ for a person to look at."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from doorstep.access.portal_sessions import portal_cookie_path, portal_session_create
from doorstep.jobs.models import Job, JobStatus
from doorstep.messaging.models import Message, Side
from doorstep.messaging.services import conversation_start

from ...browser import chromium_available
from ...factories import (
    SYSTEM,
    TechnicianFactory,
    make_portal_account,
    make_service_request,
    make_service_type,
)
from ...servicerequests.helpers import PNG, png
from ..helpers import assert_no_serious_axe, horizontal_overflow, office_client, share_session
from .world import customer_with_contact

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.browser,
    pytest.mark.skipif(
        not chromium_available(), reason="needs Debian's chromium (/usr/bin/chromium)"
    ),
]

SHOTS = Path(settings.BASE_DIR) / "var" / "screenshots" / "office-work"


def check(page, name: str) -> None:
    """axe-core and no sideways scroll at desk and tablet widths; a screenshot of each."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width in (1280, 768):
        page.set_viewport_size({"width": width, "height": 900})
        assert_no_serious_axe(page)
        assert horizontal_overflow(page) == 0, (name, width)
        page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_the_office_managers_day(page, chromium, live_server, company, mailbox, tmp_path):
    carla = customer_with_contact(company, "Carla Diaz", "carla@example.com")
    account = make_portal_account(carla.contacts.get())
    TechnicianFactory(company=company, name="Sam Rivera")
    request = make_service_request(
        carla,
        location=carla.locations.first(),
        service_type=make_service_type(company, name="Water heater repair"),
        description="No hot water since this morning.",
        urgency="emergency",
        photos=[png()],
    )
    conversation_start(
        company=company,
        customer=carla,
        subject="Can you bring a spare part?",
        body="The old valve looked rusty.",
        actor=SYSTEM,
        photos=[png()],
    )
    staff = office_client(Client(), company, "office")
    share_session(page, staff, live_server.url)
    office = f"{live_server.url}/office"

    # 1. The request queue: the emergency is there; approve it into a job (asks first).
    page.goto(f"{office}/requests/")
    check(page, "requests-queue")
    page.get_by_role("link", name=request.display_number).click()
    assert page.get_by_label("Job title").input_value() == "Water heater repair for Carla Diaz"
    check(page, "request-detail")
    page.get_by_role("button", name="Approve…").click()
    assert page.get_by_role(
        "heading", name=f"Approve {request.display_number} and create the job?"
    ).is_visible()
    check(page, "request-approve-confirm")
    page.get_by_role("button", name="Approve and create the job").click()
    job = Job.objects.get()
    assert page.url.endswith(f"/office/jobs/{job.pk}/")

    # 2. Plan the visit (by keyboard: typed into the fields, Enter submits).
    page.get_by_label("Technician").select_option(label="Sam Rivera")
    page.get_by_label("Visit starts").fill("2026-12-03T09:00")
    page.get_by_label("Visit ends").fill("2026-12-03T11:00")
    page.get_by_role("button", name="Save the visit").click()
    assert page.get_by_text("The visit of").is_visible()

    # 3. Move it along; "on the way" tells the customer (the box is ticked by default).
    for status in ("Scheduled", "Technician assigned", "On the way"):
        page.get_by_label("New status").select_option(label=status)
        if status != "On the way":
            page.get_by_label("Tell the customer").uncheck()
        else:
            assert page.get_by_label("Tell the customer").is_checked()
        page.get_by_role("button", name="Change the status").click()
    assert page.get_by_text("is now on the way. The customer is being told.").is_visible()
    job.refresh_from_db()
    assert job.status == JobStatus.ON_THE_WAY
    told = [m for m in mailbox.to("carla@example.com") if "on the way" in m["Subject"].lower()]
    assert len(told) == 1, [m["Subject"] for m in mailbox.to("carla@example.com")]
    assert "Sam" in mailbox.text(told[0])

    # 4. Completion photos, then the customer sees them on the portal's job page.
    first, second = tmp_path / "before.png", tmp_path / "after.png"
    first.write_bytes(PNG)
    second.write_bytes(PNG)
    page.get_by_label("Photos to add").set_input_files([str(first), str(second)])
    page.get_by_role("button", name="Upload photos").click()
    assert page.get_by_text("2 photo(s) added").is_visible()
    assert page.locator("#photos img").count() == 2
    check(page, "job-detail")
    page.goto(f"{office}/jobs/?view=board")
    check(page, "jobs-board")
    page.goto(f"{office}/jobs/")
    check(page, "jobs-list")

    customer = chromium.new_context(viewport={"width": 390, "height": 844})
    _, raw = portal_session_create(account=account)
    customer.add_cookies(
        [
            {
                "name": settings.PORTAL_SESSION_COOKIE,
                "value": raw,
                "domain": "localhost",
                "path": portal_cookie_path(company),
            }
        ]
    )
    portal = customer.new_page()
    portal.goto(f"{live_server.url}/p/{company.slug}/jobs/{job.pk}/")
    assert portal.get_by_role("heading", name="Completion photos").is_visible()
    photos = portal.locator(".photo-grid img")
    assert photos.count() == 2
    photos.first.scroll_into_view_if_needed()
    loaded = "[...document.querySelectorAll('.photo-grid img')].every(i => i.naturalWidth > 0)"
    portal.wait_for_function(f"() => {loaded}")
    SHOTS.mkdir(parents=True, exist_ok=True)
    portal.screenshot(path=str(SHOTS / "portal-job-photos-390.png"), full_page=True)
    customer.close()

    # 5. The inbox: answer Carla's message with a photo.
    page.goto(f"{office}/messages/")
    check(page, "messages-inbox")
    page.get_by_role("link", name="Can you bring a spare part?").click()
    assert page.locator(".thread img").count() == 1  # her photo
    page.get_by_label("Your message").fill("Yes, Sam brings a new valve. Here is the part.")
    photo = tmp_path / "valve.png"
    photo.write_bytes(PNG)
    page.get_by_label("Photos (optional, up to 5)").set_input_files(str(photo))
    page.get_by_role("button", name="Send the reply").click()
    assert page.get_by_text("Reply sent to Carla Diaz.").is_visible()
    assert page.locator(".thread img").count() == 2
    check(page, "message-thread")
    reply = Message.objects.get(side=Side.STAFF)
    assert reply.attachments.count() == 1

    # 6. Registrations waiting (empty today) and the keyboard: Tab reaches the skip link.
    page.goto(f"{office}/registrations/")
    check(page, "registrations")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
