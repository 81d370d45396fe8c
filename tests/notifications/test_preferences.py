"""Customers choose email and/or text per kind of event; a verified number is needed for texts;
non-transactional emails carry a one-click unsubscribe."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from doorstep.jobs.models import JobStatus
from doorstep.jobs.services import job_change_status
from doorstep.notifications.models import CustomerPhone, Notification, NotificationPreference

from ..factories import (
    SYSTEM,
    ContactFactory,
    TechnicianFactory,
    make_job,
    make_portal_account,
    sms_ready,
)
from ..portal_helpers import sign_in
from ..servicerequests.helpers import csrf_post

pytestmark = pytest.mark.django_db(transaction=True)
NY = ZoneInfo("America/New_York")


@pytest.fixture
def account():
    return make_portal_account(ContactFactory())


def prefs_url(company):
    return f"/p/{company.slug}/notifications/"


def complete_a_job(customer):
    tech = TechnicianFactory(company=customer.company, name="Sam Rivera")
    job = make_job(customer, technician=tech, scheduled_start=datetime(2026, 6, 2, 15, tzinfo=NY))
    for status in (
        JobStatus.SCHEDULED,
        JobStatus.TECHNICIAN_ASSIGNED,
        JobStatus.IN_PROGRESS,
        JobStatus.COMPLETED,
    ):
        job = job_change_status(company=customer.company, job=job, new_status=status, actor=SYSTEM)
    return job


def test_customer_turns_an_email_off_and_it_is_honoured(account, mailbox):
    client = Client(enforce_csrf_checks=True)
    sign_in(client, account)
    page = client.get(prefs_url(account.company)).content.decode()
    assert "Technician on the way" in page and "Receipts and payment confirmations" in page
    assert "Always sent by email" in page
    # Everything on by email except "job completed".
    data = {
        f"{event}-email": "on"
        for event in re.findall(r'name="(\w+)-email"', page)
        if event != "job_completed"
    }
    data["job_completed-sms"] = "on"  # no verified number: the text boxes are not in play
    response = csrf_post(client, prefs_url(account.company), {"action": "save", **data})
    assert response.status_code == 302
    pref = NotificationPreference.objects.get(customer=account.customer, event="job_completed")
    assert (pref.email, pref.sms) == (False, False)
    with time_machine.travel(datetime(2026, 6, 2, 14, tzinfo=NY), tick=True):
        complete_a_job(account.customer)
    subjects = [m["Subject"] for m in mailbox.to(account.email)]
    assert any("Work has started" in s for s in subjects)
    assert not any("is done" in s for s in subjects)
    assert not Notification.objects.filter(channel="sms").exists()


def test_job_emails_have_one_click_unsubscribe(account, mailbox):
    with time_machine.travel(datetime(2026, 6, 2, 14, tzinfo=NY), tick=True):
        complete_a_job(account.customer)
    done = next(m for m in mailbox.to(account.email) if "is done" in m["Subject"])
    assert done["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = str(done["List-Unsubscribe"]).strip().strip("<>")
    assert link in mailbox.text(done) and link in mailbox.html(done)
    path = link.replace("https://portal.example.test", "")
    # The mail provider's one-click POST: no cookie, no CSRF token.
    response = Client(enforce_csrf_checks=True).post(path, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200 and "unsubscribed" in response.content.decode()
    pref = NotificationPreference.objects.get(customer=account.customer, event="job_completed")
    assert pref.email is False
    # A person clicking the link first sees a confirmation page (GET changes nothing).
    pref.email = True
    pref.save()
    assert "Stop these emails?" in Client().get(path).content.decode()
    pref.refresh_from_db()
    assert pref.email is True


def test_tampered_unsubscribe_token_is_refused(account):
    response = Client().post(f"/p/{account.company.slug}/unsubscribe/abc:def")
    assert response.status_code == 404


def test_sign_in_links_and_receipts_are_not_offered_as_choices(account):
    client = Client()
    sign_in(client, account)
    page = client.get(prefs_url(account.company)).content.decode()
    assert 'name="login_link-email"' not in page and 'name="phone_verification-email"' not in page


@time_machine.travel(datetime(2026, 6, 2, 23, 30, tzinfo=NY), tick=True)
def test_verify_a_mobile_number_with_a_texted_code(account, twilio, mailbox):
    """At night too: the customer is waiting for the code (urgent, no quiet hours)."""
    company = account.company
    sms_ready(company)
    client = Client(enforce_csrf_checks=True)
    sign_in(client, account)
    url = prefs_url(company)
    bad = csrf_post(client, url, {"action": "send_code", "phone": "12"})
    assert bad.status_code == 400 and "Enter a mobile number" in bad.content.decode()
    sent = csrf_post(client, url, {"action": "send_code", "phone": "(555) 123-4567"})
    assert sent.status_code == 302
    [text] = twilio.texts
    assert text.form["To"] == "+15551234567"
    code = re.search(r"\b(\d{6})\b", text.form["Body"]).group(1)
    stored = Notification.objects.get(channel="sms")
    assert code not in str(stored.context) and code not in stored.subject
    wrong = "000000" if code != "000000" else "111111"
    refused = csrf_post(client, url, {"action": "verify", "code": wrong})
    assert refused.status_code == 400 and "That code is not right" in refused.content.decode()
    phone = CustomerPhone.objects.get()
    assert phone.verified_at is None and phone.code_attempts == 1
    assert csrf_post(client, url, {"action": "verify", "code": code}).status_code == 302
    phone.refresh_from_db()
    assert phone.verified_at is not None and phone.can_receive_texts
    page = client.get(url).content.decode()
    assert "+15551234567" in page and "(verified)" in page


def test_verification_codes_stop_after_five_wrong_guesses(account, twilio):
    sms_ready(account.company)
    client = Client(enforce_csrf_checks=True)
    sign_in(client, account)
    url = prefs_url(account.company)
    csrf_post(client, url, {"action": "send_code", "phone": "+1 555 123 4567"})
    code = re.search(r"\b(\d{6})\b", twilio.texts[0].form["Body"]).group(1)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        csrf_post(client, url, {"action": "verify", "code": wrong})
    locked = csrf_post(client, url, {"action": "verify", "code": code})
    assert locked.status_code == 400 and "Too many wrong codes" in locked.content.decode()
    assert CustomerPhone.objects.get().verified_at is None


def test_unsubscribe_page_query_count(account, django_assert_num_queries, request_transaction):
    from doorstep.notifications.customer_notices import unsubscribe_token

    token = unsubscribe_token(
        company=account.company, customer=account.customer, event="job_completed"
    )
    client = Client()
    with django_assert_num_queries(2 + request_transaction):  # company (+settings), customer
        assert client.get(f"/p/{account.company.slug}/unsubscribe/{token}").status_code == 200
