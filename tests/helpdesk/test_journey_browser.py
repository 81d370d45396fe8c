"""The whole public journey in real Chromium, with the help site on another origin than the
portal and office: a stranger files a request, gets the fixed-text confirmation email (real
SMTP server), confirms, staff reply in the office, the reply arrives by email, the customer
answers by email through `mail_inbound`'s SMTP server and the answer lands on the request.
axe-core: no violation at all on the help site's pages, no serious/critical one in the office."""

from __future__ import annotations

import re
import smtplib
from email.message import EmailMessage
from typing import Any

import pytest
from django.test import Client

from doorstep.support.management.commands.mail_inbound import make_controller
from doorstep.support.models import Ticket, TicketState
from tests.browser import chromium_available
from tests.office.helpers import (
    assert_no_serious_axe,
    axe_violations,
    horizontal_overflow,
    office_client,
    share_session,
)
from tests.smtp import free_port

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.browser,
    pytest.mark.skipif(
        not chromium_available(), reason="needs Debian's chromium (/usr/bin/chromium)"
    ),
]

EVERY_IMPACT = ("minor", "moderate", "serious", "critical")


def assert_no_axe_violation(page: Any) -> None:
    found = axe_violations(page, impacts=EVERY_IMPACT)
    assert not found, f"axe-core on {page.url}: {found}"


def check_widths(page: Any) -> None:
    for width in (390, 768, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        assert horizontal_overflow(page) == 0, (page.url, width)
    page.set_viewport_size({"width": 390, "height": 844})


def test_stranger_to_answer_by_email(page, live_server, settings, company, articles, mailbox):
    port = live_server.url.rsplit(":", 1)[1]
    portal_base = f"http://localhost:{port}"
    help_base = f"http://127.0.0.1:{port}"  # another origin (host) than the portal/office
    settings.BASE_URL = portal_base
    settings.HELP_BASE_URL = help_base
    settings.ALLOWED_HOSTS = ["localhost", "127.0.0.1", "testserver"]
    home = f"{help_base}/h/{company.slug}/"

    # The help site reads well and passes axe-core.
    page.goto(home)
    assert page.get_by_role("heading", name="How can we help?").is_visible()
    assert_no_axe_violation(page)
    check_widths(page)
    page.get_by_role("link", name="How to pay an invoice").click()
    assert page.locator(".help-body strong").inner_text() == "Pay"
    assert_no_axe_violation(page)
    page.get_by_role("button", name="Yes").click()
    page.get_by_text("Thank you for your feedback").wait_for()
    assert_no_axe_violation(page)

    # A stranger files a request; matching articles are suggested while typing the subject.
    page.goto(home + "new/")
    page.get_by_label("Your name").fill("Sam Stranger")
    page.get_by_label("Your email address").fill("sam@example.net")
    page.get_by_label("What is it about?").press_sequentially("water heater", delay=20)
    page.locator("#suggestions").get_by_role("link", name="Water heater leaking").wait_for()
    assert_no_axe_violation(page)
    check_widths(page)
    page.get_by_label("Tell us more").fill("It drips under the tank. Please come and look.")
    page.get_by_role("button", name="Send request").click()
    page.get_by_role("heading", name="Check your email").wait_for()
    assert_no_axe_violation(page)
    ticket = Ticket.objects.get()
    assert ticket.state == TicketState.UNVERIFIED

    # The confirmation email: fixed subject and text, none of the sender's words.
    [confirm_mail] = mailbox.to("sam@example.net")
    assert confirm_mail["Subject"] == "Please confirm your email address"
    confirm_text = mailbox.text(confirm_mail)
    assert "water heater" not in confirm_text.lower() and "drips" not in confirm_text
    confirm_link = re.search(r"(http://\S+/confirm/\S+/)", confirm_text)[1]
    assert confirm_link.startswith(help_base)
    page.goto(confirm_link)
    assert_no_axe_violation(page)
    page.get_by_role("button", name="Confirm and send my request").click()
    page.get_by_role("heading", name="Thank you").wait_for()
    ticket.refresh_from_db()
    assert ticket.state == TicketState.NEW

    # Staff answer in the office (on the portal's origin).
    staff = office_client(Client(), company, "office", first_name="Dana", last_name="Ruiz")
    share_session(page, staff, portal_base)
    page.goto(f"{portal_base}/office/help/")
    assert_no_serious_axe(page)
    check_widths(page)
    page.locator("table").get_by_role("link", name="water heater", exact=True).click()
    assert_no_serious_axe(page)
    check_widths(page)
    page.get_by_label("Message").fill("We can come on Tuesday at 9. Is the valve closed?")
    page.get_by_role("button", name="Send").click()
    page.get_by_text("Reply sent to the customer.").wait_for()
    assert_no_serious_axe(page)

    # The reply arrives by email, with the request's link and its reply address.
    reply_mail = mailbox.to("sam@example.net")[-1]
    reply_text = mailbox.text(reply_mail)
    assert "We can come on Tuesday at 9." in reply_text
    ticket_link = re.search(r"(http://\S+/t/\S+/)", reply_text)[1]
    reply_to = str(reply_mail["Reply-To"])
    assert reply_to.startswith(f"help-{company.slug}+") and reply_to.endswith("@reply.localhost")

    # The customer answers by email, as a mail program does (quoting our message below).
    answer = EmailMessage()
    answer["From"] = "Sam Stranger <sam@example.net>"
    answer["To"] = reply_to
    answer["Subject"] = "Re: " + str(reply_mail["Subject"])
    quoted = "\n".join("> " + line for line in reply_text.splitlines())
    answer.set_content(
        "Tuesday works. The valve is closed now.\n\n"
        f"On Wed, Dec 2, 2026 at 9:00 AM {company.name} wrote:\n{quoted}\n"
    )
    inbound_port = free_port()
    controller = make_controller("127.0.0.1", inbound_port)
    controller.start()
    try:
        with smtplib.SMTP("127.0.0.1", inbound_port) as smtp:
            smtp.send_message(answer)
    finally:
        controller.stop()

    # It lands on the request, without the quoted history.
    page.goto(ticket_link)
    assert page.get_by_text("Tuesday works. The valve is closed now.").is_visible()
    assert page.get_by_text("Please type your reply above this line").count() == 0
    assert_no_axe_violation(page)
    check_widths(page)
    ticket.refresh_from_db()
    assert ticket.state == TicketState.OPEN
    last = ticket.messages.order_by("-id").first()
    assert last.by_email and last.body == "Tuesday works. The valve is closed now."
