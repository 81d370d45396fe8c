""" "Add to calendar": the scheduled visit of a customer's own job as an RFC 5545 file."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client
from django.urls import reverse

from doorstep.jobs.models import JobStatus
from doorstep.jobs.services import job_change_status

from ..factories import (
    SYSTEM,
    ContactFactory,
    CustomerFactory,
    LocationFactory,
    make_job,
    make_portal_account,
)
from ..portal_helpers import sign_in

pytestmark = pytest.mark.django_db
START = datetime(2030, 5, 6, 14, 0, tzinfo=UTC)


def unfold(body: str) -> list[str]:
    return body.replace("\r\n ", "").split("\r\n")


def calendar_url(job):
    return reverse("portal:job_calendar", args=[job.company.slug, job.pk])


@pytest.fixture
def visit(alice):
    customer = alice["customer"]
    location = LocationFactory(
        customer=customer, street="12 Elm St, Apt 3; back door", city="Springfield"
    )
    return make_job(
        customer,
        location=location,
        title="Boiler service, annual\\check\nbring ladder",
        description="A very long description " * 8,
        scheduled_start=START,
        scheduled_end=START + timedelta(hours=2),
    )


def test_the_job_page_offers_the_calendar_file(alice, visit):
    client = Client()
    sign_in(client, alice["account"])
    page = client.get(reverse("portal:job_detail", args=[visit.company.slug, visit.pk]))
    assert calendar_url(visit) in page.content.decode()
    assert "Add to calendar" in page.content.decode()


def test_the_file_is_rfc_5545(alice, visit):
    client = Client()
    sign_in(client, alice["account"])
    response = client.get(calendar_url(visit))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="{visit.display_number}.ics"'
    body = response.content.decode("utf-8")
    raw = response.content.split(b"\r\n")
    assert body.endswith("\r\n") and "\n" not in body.replace("\r\n", "")  # CRLF only
    assert all(len(line) <= 75 for line in raw)  # folded at 75 octets
    assert any(line.startswith(b" ") for line in raw)  # the long description was folded
    lines = unfold(body)
    assert lines[0] == "BEGIN:VCALENDAR" and "VERSION:2.0" in lines
    assert f"UID:job-{visit.pk}@{visit.company.slug}.doorstep" in lines
    assert "DTSTART:20300506T140000Z" in lines and "DTEND:20300506T160000Z" in lines
    assert any(line.startswith("DTSTAMP:") and line.endswith("Z") for line in lines)
    assert "LOCATION:12 Elm St\\, Apt 3\\; back door\\, Springfield\\, IL 62701" in lines
    summary = (
        f"SUMMARY:{visit.company.name} visit: Boiler service\\, annual\\\\check\\nbring ladder"
    )
    assert summary in lines


def test_the_uid_stays_when_the_visit_moves(alice, visit):
    client = Client()
    sign_in(client, alice["account"])
    first = unfold(client.get(calendar_url(visit)).content.decode())
    visit.scheduled_start = START + timedelta(days=1)
    visit.scheduled_end = START + timedelta(days=1, hours=1)
    visit.save()
    moved = unfold(client.get(calendar_url(visit)).content.decode())
    uid = [line for line in first if line.startswith("UID:")]
    assert uid == [line for line in moved if line.startswith("UID:")]
    assert "DTSTART:20300507T140000Z" in moved


def test_a_visit_with_no_end_lasts_an_hour(alice):
    job = make_job(alice["customer"], location=alice["location"], scheduled_start=START)
    client = Client()
    sign_in(client, alice["account"])
    assert "DTEND:20300506T150000Z" in unfold(client.get(calendar_url(job)).content.decode())


def test_no_calendar_file_for_unbooked_or_cancelled_jobs(alice, visit):
    client = Client()
    sign_in(client, alice["account"])
    unbooked = make_job(alice["customer"], location=alice["location"])
    assert client.get(calendar_url(unbooked)).status_code == 404
    visit = job_change_status(
        company=visit.company, job=visit, new_status=JobStatus.CANCELLED, actor=SYSTEM
    )
    response = client.get(calendar_url(visit))
    assert response.status_code == 404 and "Jobs" in response.content.decode()  # branded
    page = client.get(reverse("portal:job_detail", args=[visit.company.slug, visit.pk]))
    assert "Add to calendar" not in page.content.decode()


def test_another_customers_visit_is_the_branded_404(alice, visit, company):
    other = CustomerFactory(company=company)
    stranger = make_portal_account(ContactFactory(customer=other, email="x@example.test"))
    client = Client()
    sign_in(client, stranger)
    response = client.get(calendar_url(visit))
    assert response.status_code == 404
    assert "Boiler" not in response.content.decode()
    assert 'class="main-nav"' in response.content.decode()
