"""Companies write their own wording in the back office: plain text with {placeholders} from
an allow-list, a preview, and never template code."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from doorstep.core.models import AuditEvent
from doorstep.jobs.models import JobStatus
from doorstep.jobs.services import job_change_status
from doorstep.notifications.models import MessageTemplate
from doorstep.notifications.templating import placeholders_fill

from ..factories import (
    SYSTEM,
    ContactFactory,
    TechnicianFactory,
    make_job,
    sms_ready,
    staff_user,
    verified_phone,
)
from ..servicerequests.helpers import csrf_post

pytestmark = pytest.mark.django_db(transaction=True)
NY = ZoneInfo("America/New_York")


@pytest.fixture
def contact():
    return ContactFactory()


@pytest.fixture
def office(contact):
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff_user(contact.company))
    return client


def template_url(company, event):
    row = MessageTemplate.objects.get(company=company, event=event)
    return f"/office/admin/notifications/messagetemplate/{row.pk}/change/"


def test_company_starts_from_friendly_defaults_and_edits_with_preview(
    office, contact, twilio, mailbox
):
    company = contact.company
    listing = office.get("/office/admin/notifications/messagetemplate/").content.decode()
    assert "Technician on the way" in listing  # defaults were copied for editing
    url = template_url(company, "job_on_the_way")
    page = office.get(url).content.decode()
    assert "{technician_name}" in page and "Your technician Sam is on the way" in page
    response = csrf_post(
        office,
        url,
        {
            "email_subject": "{technician_name} from {company_name} is coming!",
            "email_body": "Hello {customer_name}, put the kettle on. <b>{technician_name}</b>",
            "sms_body": "{company_name}: {technician_name} is heading to you now.",
            "_continue": "1",
        },
    )
    assert response.status_code == 302
    preview = office.get(url).content.decode()
    assert "Sam from " in preview and "is heading to you now." in preview
    assert "&lt;b&gt;Sam&lt;/b&gt;" in preview  # shown as text, not markup
    [changed] = AuditEvent.objects.filter(company=company, verb="message_template.changed")
    assert changed.actor_type == "staff" and "Technician on the way" in changed.message

    sms_ready(company)
    verified_phone(contact.customer)
    tech = TechnicianFactory(company=company, name="Robin Lee")
    job = make_job(
        contact.customer, technician=tech, scheduled_start=datetime(2026, 6, 2, tzinfo=NY)
    )
    with time_machine.travel(datetime(2026, 6, 2, 10, tzinfo=NY), tick=True):
        for status in (JobStatus.SCHEDULED, JobStatus.TECHNICIAN_ASSIGNED, JobStatus.ON_THE_WAY):
            job = job_change_status(company=company, job=job, new_status=status, actor=SYSTEM)
    [text] = twilio.texts
    assert text.form["Body"] == f"{company.name}: Robin is heading to you now."
    email = next(m for m in mailbox.to(contact.email) if "is coming" in m["Subject"])
    assert email["Subject"] == f"Robin from {company.name} is coming!"
    assert "&lt;b&gt;Robin&lt;/b&gt;" in mailbox.html(email)


@pytest.mark.parametrize(
    "text",
    [
        "Your token: {twilio_auth_token}",
        "Hi {customer.company.settings}",
    ],
)
def test_unknown_placeholders_are_refused_with_the_allowed_list(office, contact, text):
    url = template_url_after_listing(office, contact.company, "job_completed")
    response = csrf_post(office, url, {"email_subject": "Done", "email_body": text, "sms_body": ""})
    assert response.status_code == 200  # the admin re-shows the form with the error
    page = response.content.decode()
    assert "Unknown placeholder" in page and "{job_title}" in page
    row = MessageTemplate.objects.get(company=contact.company, event="job_completed")
    assert text not in row.email_body


def template_url_after_listing(office, company, event):
    office.get("/office/admin/notifications/messagetemplate/")
    return template_url(company, event)


def test_template_code_in_company_text_is_never_run():
    secret_bearing = "{{ company.settings.twilio_auth_token }} {% debug %} {customer_name}"
    out = placeholders_fill(secret_bearing, {"customer_name": "Pat"}, ["customer_name"])
    assert out == "{{ company.settings.twilio_auth_token }} {% debug %} Pat"


def test_another_companys_templates_are_not_reachable(office, contact):
    other = ContactFactory()
    stranger = Client()
    stranger.force_login(staff_user(other.company, username="eve"))
    url = template_url_after_listing(office, contact.company, "job_completed")
    assert stranger.get(url).status_code in (302, 404)
    assert (
        contact.company.name
        not in stranger.get("/office/admin/notifications/messagetemplate/").content.decode()
    )


def test_the_verification_text_must_keep_the_code(office, contact):
    url = template_url_after_listing(office, contact.company, "phone_verification")
    response = csrf_post(
        office, url, {"email_subject": "", "email_body": "", "sms_body": "Your code is ready"}
    )
    assert "must include {code}" in response.content.decode()
    row = MessageTemplate.objects.get(company=contact.company, event="phone_verification")
    assert "{code}" in row.sms_body
