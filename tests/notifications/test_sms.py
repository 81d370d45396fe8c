"""Text messages through Twilio, checked at Twilio's HTTP boundary (a local stand-in server),
and STOP/START from Twilio's inbound webhook with real signatures."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from twilio.request_validator import RequestValidator

from doorstep.jobs.models import JobStatus
from doorstep.jobs.services import job_change_status
from doorstep.notifications.models import Notification, NotificationState
from doorstep.notifications.services import notifications_deliver_due

from ..factories import (
    SYSTEM,
    ContactFactory,
    TechnicianFactory,
    make_job,
    sms_ready,
    verified_phone,
)

pytestmark = pytest.mark.django_db(transaction=True)

NY = ZoneInfo("America/New_York")
AFTERNOON = datetime(2026, 6, 2, 14, 0, tzinfo=NY)
NIGHT = datetime(2026, 6, 2, 23, 30, tzinfo=NY)


def on_the_way(customer):
    company = customer.company
    tech = TechnicianFactory(company=company, name="Sam Rivera")
    job = make_job(customer, technician=tech, scheduled_start=AFTERNOON + timedelta(hours=1))
    for status in (JobStatus.SCHEDULED, JobStatus.TECHNICIAN_ASSIGNED, JobStatus.ON_THE_WAY):
        job = job_change_status(company=company, job=job, new_status=status, actor=SYSTEM)
    return job


@pytest.fixture
def texting_customer(twilio):
    contact = ContactFactory()
    sms_ready(contact.company)
    verified_phone(contact.customer, "+15551234567")
    return contact.customer


def test_on_the_way_is_texted_with_company_credentials(texting_customer, twilio, mailbox):
    with time_machine.travel(AFTERNOON, tick=True):
        on_the_way(texting_customer)
    [text] = twilio.texts
    s = texting_customer.company.settings
    assert text.path == f"/2010-04-01/Accounts/{s.twilio_account_sid}/Messages.json"
    assert text.auth == (s.twilio_account_sid, "test-auth-token")
    assert text.form["To"] == "+15551234567"
    assert text.form["From"] == "+15005550006"
    assert "your technician Sam is on the way" in text.form["Body"]
    # Email too (the on-the-way default is email + text); assigned was email only.
    subjects = [m["Subject"] for m in mailbox.messages]
    assert "Your technician Sam is on the way" in subjects
    assert "Sam will take care of job" in " ".join(subjects)


def test_no_text_to_an_unverified_number(twilio):
    contact = ContactFactory()
    sms_ready(contact.company)
    phone = verified_phone(contact.customer)
    phone.verified_at = None
    phone.save()
    with time_machine.travel(AFTERNOON, tick=True):
        on_the_way(contact.customer)
    assert twilio.texts == []
    assert not Notification.objects.filter(channel="sms").exists()


def test_no_text_when_the_company_has_texts_switched_off(twilio):
    contact = ContactFactory()
    verified_phone(contact.customer)
    with time_machine.travel(AFTERNOON, tick=True):
        on_the_way(contact.customer)
    assert twilio.texts == []


def test_quiet_hours_defer_until_morning_not_drop(texting_customer, twilio):
    with time_machine.travel(NIGHT, tick=True):
        on_the_way(texting_customer)
        assert twilio.texts == []
        queued = Notification.objects.get(channel="sms")
        assert queued.state == NotificationState.QUEUED
        assert queued.next_attempt_at == datetime(2026, 6, 3, 8, 0, tzinfo=NY)
        assert notifications_deliver_due() == 0
    with time_machine.travel(datetime(2026, 6, 3, 8, 1, tzinfo=NY), tick=True):
        assert notifications_deliver_due() == 1
    [text] = twilio.texts
    assert "on the way" in text.form["Body"]


def test_a_retry_that_falls_in_quiet_hours_waits_again(texting_customer, twilio):
    twilio.fail_next = 1
    with time_machine.travel(datetime(2026, 6, 2, 20, 59, 50, tzinfo=NY), tick=True):
        on_the_way(texting_customer)
    queued = Notification.objects.get(channel="sms")
    assert queued.state == NotificationState.QUEUED and queued.attempts == 1
    with time_machine.travel(datetime(2026, 6, 2, 21, 30, tzinfo=NY), tick=True):
        notifications_deliver_due()
    queued.refresh_from_db()
    assert queued.next_attempt_at == datetime(2026, 6, 3, 8, 0, tzinfo=NY)
    assert queued.attempts == 1  # waiting is not a failed attempt
    assert len(twilio.texts) == 1


def signed_post(client, company, params, token="test-auth-token"):  # noqa: S107
    path = f"/hooks/twilio/{company.slug}/sms"
    url = "https://portal.example.test" + path
    signature = RequestValidator(token).compute_signature(url, params)
    return client.post(path, params, HTTP_X_TWILIO_SIGNATURE=signature)


def inbound(word, phone="+15551234567"):
    return {"From": phone, "To": "+15005550006", "Body": word, "MessageSid": "SM" + "9" * 32}


def test_stop_then_start_from_twilio_webhook(texting_customer, twilio):
    company = texting_customer.company
    client = Client(enforce_csrf_checks=True)
    response = signed_post(client, company, inbound("Stop "))
    assert response.status_code == 200 and response["Content-Type"] == "text/xml"
    texting_customer.notification_phone.refresh_from_db()
    assert texting_customer.notification_phone.opted_out_at is not None
    with time_machine.travel(AFTERNOON, tick=True):
        job = on_the_way(texting_customer)
    assert twilio.texts == []  # opt-out honoured
    assert signed_post(client, company, inbound("START")).status_code == 200
    with time_machine.travel(AFTERNOON, tick=True):
        job_change_status(
            company=company, job=job, new_status=JobStatus.TECHNICIAN_ARRIVED, actor=SYSTEM
        )
    assert texting_customer.notification_phone.__class__.objects.get().opted_out_at is None


def test_stop_after_a_text_was_queued_means_it_is_not_sent(texting_customer, twilio):
    with time_machine.travel(NIGHT, tick=True):
        on_the_way(texting_customer)
        signed_post(Client(), texting_customer.company, inbound("STOP"))
    with time_machine.travel(datetime(2026, 6, 3, 9, 0, tzinfo=NY), tick=True):
        notifications_deliver_due()
    assert twilio.texts == []
    assert Notification.objects.get(channel="sms").state == NotificationState.SKIPPED


@pytest.mark.parametrize(
    "how",
    ["no signature", "wrong token", "tampered body", "other host"],
)
def test_webhook_refuses_bad_signatures(texting_customer, how):
    company = texting_customer.company
    client = Client()
    path = f"/hooks/twilio/{company.slug}/sms"
    params = inbound("STOP")
    url = "https://portal.example.test" + path
    headers = {}
    if how == "wrong token":
        headers["HTTP_X_TWILIO_SIGNATURE"] = RequestValidator("nope").compute_signature(url, params)
    elif how == "tampered body":
        headers["HTTP_X_TWILIO_SIGNATURE"] = RequestValidator("test-auth-token").compute_signature(
            url, {**params, "Body": "hello"}
        )
    elif how == "other host":
        headers["HTTP_X_TWILIO_SIGNATURE"] = RequestValidator("test-auth-token").compute_signature(
            "https://evil.test" + path, params
        )
    assert client.post(path, params, **headers).status_code == 403
    texting_customer.notification_phone.refresh_from_db()
    assert texting_customer.notification_phone.opted_out_at is None


def test_webhook_without_a_configured_token_is_refused(db):
    contact = ContactFactory()
    response = Client().post(f"/hooks/twilio/{contact.company.slug}/sms", inbound("STOP"))
    assert response.status_code == 403


def test_stop_from_one_company_number_does_not_touch_another_company(texting_customer, twilio):
    other = ContactFactory()
    sms_ready(other.company)
    verified_phone(other.customer, "+15551234567")
    signed_post(Client(), texting_customer.company, inbound("STOP"))
    other.customer.notification_phone.refresh_from_db()
    assert other.customer.notification_phone.opted_out_at is None
