"""The office's jobs: list and board, a job's page, status changes that tell the customer (or
not), technicians, completion photos, bulk moves; technicians see their own jobs, no money."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from doorstep.core.audit import audit_for
from doorstep.core.verbs import Verb
from doorstep.jobs.models import Job, JobPhoto, JobStatus
from doorstep.jobs.services import job_photos_add
from doorstep.notifications.models import Notification

from ...factories import SYSTEM, TechnicianFactory, make_invoice, make_job, make_portal_account
from ...portal_helpers import sign_in
from ...servicerequests.helpers import PNG, csrf_post, png
from ..helpers import office_client
from .world import customer_with_contact, grow, job_assigned

pytestmark = pytest.mark.django_db


@pytest.fixture
def carla(company):
    return customer_with_contact(company, "Carla Diaz", "carla@example.com")


@pytest.fixture
def sam(company):
    return TechnicianFactory(company=company, name="Sam Rivera")


def detail(job):
    return reverse("office:jobs:detail", args=[job.pk])


def told_carla(company):
    return Notification.objects.filter(company=company, recipient="carla@example.com")


def test_the_list_and_the_board_show_the_companys_jobs(company, other_company, carla, sam):
    job = job_assigned(carla, sam)
    theirs = make_job(customer_with_contact(other_company, "Otto Other"), title="Not ours at all")
    office = office_client(Client(), company, "office")
    page = office.get(reverse("office:jobs:list")).content.decode()
    assert job.display_number in page and "Carla Diaz" in page and "Sam Rivera" in page
    assert theirs.title not in page
    board = office.get(reverse("office:jobs:list") + "?view=board").content.decode()
    assert "Technician assigned" in board and job.title in board
    assert office.get(detail(theirs)).status_code == 404


def test_a_live_status_change_tells_the_customer_by_default(
    company, carla, sam, mailbox, django_capture_on_commit_callbacks
):
    job = job_assigned(carla, sam)
    client = office_client(Client(enforce_csrf_checks=True), company, "office")
    page = client.get(detail(job)).content.decode()
    [checkbox] = re.findall(r'<input type="checkbox" name="tell_customer"[^>]*>', page)
    assert "checked" in checkbox  # on by default for a live change
    with django_capture_on_commit_callbacks(execute=True):
        response = csrf_post(
            client,
            detail(job),
            {"new_status": "on_the_way", "tell_customer": "on"},
            reverse("office:jobs:change_status", args=[job.pk]),
        )
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == JobStatus.ON_THE_WAY
    [email] = mailbox.to("carla@example.com")
    assert "on the way" in email["Subject"].lower()
    shown = client.get(detail(job)).content.decode()
    assert "is now on the way. The customer is being told." in shown


def test_unticking_tell_the_customer_sends_nothing(
    company, carla, sam, django_capture_on_commit_callbacks
):
    job = job_assigned(carla, sam)
    client = office_client(Client(enforce_csrf_checks=True), company, "office")
    with django_capture_on_commit_callbacks(execute=True):
        csrf_post(
            client,
            detail(job),
            {"new_status": "on_the_way"},
            reverse("office:jobs:change_status", args=[job.pk]),
        )
    job.refresh_from_db()
    assert job.status == JobStatus.ON_THE_WAY
    assert not told_carla(company).exists()
    [event] = audit_for(company=company, target=job).filter(verb=Verb.JOB_STATUS_CHANGED)[:1]
    assert event.data["told_customer"] is False


def test_a_back_dated_change_is_recorded_in_company_time_and_tells_nobody(
    company, carla, sam, django_capture_on_commit_callbacks
):
    job = job_assigned(carla, sam)
    Job.objects.filter(pk=job.pk).update(status_changed_at=timezone.now() - timedelta(days=3))
    client = office_client(Client(enforce_csrf_checks=True), company, "office")
    yesterday = (timezone.now() - timedelta(days=1)).astimezone(ZoneInfo(company.timezone))
    with django_capture_on_commit_callbacks(execute=True):
        response = csrf_post(
            client,
            detail(job),
            {
                "new_status": "in_progress",
                "tell_customer": "on",
                "happened_at": yesterday.strftime("%Y-%m-%dT%H:%M"),
            },
            reverse("office:jobs:change_status", args=[job.pk]),
        )
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == JobStatus.IN_PROGRESS
    assert job.status_changed_at == yesterday.replace(second=0, microsecond=0)
    assert not told_carla(company).exists()
    assert "The customer was not told." in client.get(detail(job)).content.decode()


def test_a_move_the_job_does_not_allow_is_refused_next_to_the_field(company, carla):
    job = make_job(carla)  # unscheduled, no technician
    client = office_client(Client(enforce_csrf_checks=True), company, "office")
    response = csrf_post(
        client,
        detail(job),
        {"new_status": "completed", "tell_customer": "on"},
        reverse("office:jobs:change_status", args=[job.pk]),
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="id_new_status_error"' in page and "Choose one of the moves offered" in page
    future = (timezone.now() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    response = csrf_post(
        client,
        detail(job),
        {"new_status": "cancelled", "happened_at": future},
        reverse("office:jobs:change_status", args=[job.pk]),
    )
    assert response.status_code == 400
    assert 'id="id_happened_at_error">That time is in the future.' in response.content.decode()
    job.refresh_from_db()
    assert job.status == JobStatus.UNSCHEDULED


def test_planning_the_visit_is_audited_and_bad_input_is_refused_next_to_the_field(
    company, other_company, carla, sam
):
    job = make_job(carla)
    stranger = TechnicianFactory(company=other_company, name="Not Ours")
    client = office_client(Client(enforce_csrf_checks=True), company, "office")
    url = reverse("office:jobs:plan", args=[job.pk])
    refused = csrf_post(client, detail(job), {"technician": stranger.pk}, url)
    assert refused.status_code == 400
    assert 'id="id_technician_error">Choose one of your technicians.' in refused.content.decode()
    backwards = csrf_post(
        client,
        detail(job),
        {
            "technician": sam.pk,
            "scheduled_start": "2026-05-04T14:00",
            "scheduled_end": "2026-05-04T12:00",
        },
        url,
    )
    assert backwards.status_code == 400
    assert 'id="id_scheduled_end_error">The visit cannot end before it starts.' in (
        backwards.content.decode()
    )
    job.refresh_from_db()
    assert job.technician is None and job.scheduled_start is None
    saved = csrf_post(
        client,
        detail(job),
        {
            "technician": sam.pk,
            "scheduled_start": "2026-05-04T14:00",
            "scheduled_end": "2026-05-04T16:00",
        },
        url,
    )
    assert saved.status_code == 302
    job.refresh_from_db()
    assert job.technician == sam
    # Typed in the company's zone (New York): 14:00 EDT is 18:00 UTC.
    assert job.scheduled_start == datetime(2026, 5, 4, 18, tzinfo=UTC)
    [event] = audit_for(company=company, target=job).filter(verb=Verb.JOB_VISIT_PLANNED)
    assert event.message == "Visit planned: technician: nobody → Sam Rivera; visit time changed"


def test_completion_photos_are_checked_stored_and_shown(company, carla, sam):
    job = job_assigned(carla, sam)
    client = office_client(Client(enforce_csrf_checks=True), company, "office")
    url = reverse("office:jobs:add_photos", args=[job.pk])
    bad = csrf_post(client, detail(job), {"photos": [png("x.png", PNG + b"<html><script>")]}, url)
    assert bad.status_code == 400
    assert 'id="id_photos_error"' in bad.content.decode()
    assert not JobPhoto.objects.exists()
    good = csrf_post(client, detail(job), {"photos": [png("a.png"), png("b.png")]}, url)
    assert good.status_code == 302
    [first, _second] = JobPhoto.objects.filter(job=job)
    page = client.get(detail(job)).content.decode()
    photo_url = reverse("office:jobs:photo", args=[job.pk, first.pk])
    assert f'<img src="{photo_url}"' in page
    assert b"".join(client.get(photo_url).streaming_content) == PNG


def test_a_bulk_move_asks_first_and_tells_no_customer(
    company, carla, sam, django_capture_on_commit_callbacks
):
    jobs = [job_assigned(carla, sam, title=f"Old job {i}") for i in range(3)]
    client = office_client(Client(enforce_csrf_checks=True), company, "office")
    url = reverse("office:jobs:bulk_move")
    data = {"jobs": [j.pk for j in jobs], "new_status": "on_the_way"}
    confirm = csrf_post(client, reverse("office:jobs:list"), data, url)
    assert confirm.status_code == 200
    text = confirm.content.decode()
    assert "Move 3 job(s) to “On the way”?" in text and "not</strong> told" in text
    assert Job.objects.filter(status=JobStatus.ON_THE_WAY).count() == 0  # nothing yet
    with django_capture_on_commit_callbacks(execute=True):
        done = csrf_post(client, reverse("office:jobs:list"), {**data, "confirmed": "1"}, url)
    assert done.status_code == 302
    assert Job.objects.filter(status=JobStatus.ON_THE_WAY).count() == 3
    assert not told_carla(company).exists()


def test_a_technician_sees_only_their_own_jobs_and_never_money(company, carla, sam):
    tech_client = office_client(Client(enforce_csrf_checks=True), company, "technician")
    sam.user = tech_client.staff_user
    sam.save()
    mine = job_assigned(carla, sam, title="Sam's own job")
    other = job_assigned(carla, TechnicianFactory(company=company), title="Someone else's job")
    make_invoice(carla, job=mine, lines=[("Water heater", 123456, "1", "0")])
    page = tech_client.get(reverse("office:jobs:list")).content.decode()
    assert "Sam&#x27;s own job" in page and "Someone else" not in page
    assert tech_client.get(detail(other)).status_code == 404
    own = tech_client.get(detail(mine)).content.decode()
    assert "Change the status" in own and "Upload photos" in own
    assert "INV-" not in own and "1,234.56" not in own and "Save the visit" not in own
    # A technician moves their job along, but neither reassigns nor bulk-moves.
    assign = csrf_post(
        tech_client, detail(mine), {"technician": ""}, reverse("office:jobs:plan", args=[mine.pk])
    )
    assert assign.status_code == 403
    bulk = csrf_post(
        tech_client,
        detail(mine),
        {"jobs": [other.pk], "new_status": "cancelled", "confirmed": "1"},
        reverse("office:jobs:bulk_move"),
    )
    assert bulk.status_code == 403
    other.refresh_from_db()
    assert other.status == JobStatus.TECHNICIAN_ASSIGNED
    moved = csrf_post(
        tech_client,
        detail(mine),
        {"new_status": "on_the_way", "tell_customer": "on"},
        reverse("office:jobs:change_status", args=[mine.pk]),
    )
    assert moved.status_code == 302


def test_the_office_role_sees_the_jobs_invoices(company, carla, sam):
    job = job_assigned(carla, sam)
    invoice = make_invoice(carla, job=job, lines=[("Water heater", 123456, "1", "0")])
    page = office_client(Client(), company, "office").get(detail(job)).content.decode()
    assert invoice.display_number in page


def test_billing_may_look_but_not_move_jobs(company, carla, sam):
    job = job_assigned(carla, sam)
    client = office_client(Client(enforce_csrf_checks=True), company, "billing")
    page = client.get(detail(job)).content.decode()
    assert "Change the status" not in page
    response = csrf_post(
        client,
        detail(job),
        {"new_status": "on_the_way"},
        reverse("office:jobs:change_status", args=[job.pk]),
    )
    assert response.status_code == 403


# 4 of them are the office's frame (session, user, memberships, company).
QUERIES = {"list": 6, "board": 7, "detail": 10}


def measure(client, urls, django_assert_num_queries):
    for name, url in urls.items():
        client.get(url)
        with django_assert_num_queries(QUERIES[name]):
            assert client.get(url).status_code == 200, name


def test_job_pages_cost_the_same_for_a_small_and_a_big_company(
    company, carla, sam, django_assert_num_queries
):
    job = job_assigned(carla, sam)
    client = office_client(Client(), company, "office")
    urls = {
        "list": reverse("office:jobs:list"),
        "board": reverse("office:jobs:list") + "?view=board",
        "detail": detail(job),
    }
    measure(client, urls, django_assert_num_queries)
    grow(company, 25)
    measure(client, urls, django_assert_num_queries)


def test_a_wrong_completion_photo_is_removed_after_a_confirmation(
    company, carla, sam, django_capture_on_commit_callbacks
):
    job = job_assigned(carla, sam)
    [kept, wrong] = job_photos_add(company=company, job=job, photos=[png(), png()], actor=SYSTEM)
    stored_name, storage = wrong.file.name, wrong.file.storage
    account = make_portal_account(carla.contacts.get())
    customer = Client()
    sign_in(customer, account)
    portal_url = reverse("portal:job_photo", args=[company.slug, job.pk, wrong.pk])
    assert customer.get(portal_url).status_code == 200

    client = office_client(Client(enforce_csrf_checks=True), company, "office")
    url = reverse("office:jobs:remove_photo", args=[job.pk, wrong.pk])
    assert f'action="{url}"' in client.get(detail(job)).content.decode()
    ask = csrf_post(client, detail(job), {}, url)
    assert ask.status_code == 200
    assert "Remove this completion photo from" in ask.content.decode()
    assert JobPhoto.objects.filter(pk=wrong.pk).exists()  # nothing before the confirmation

    with django_capture_on_commit_callbacks(execute=True):
        done = csrf_post(client, detail(job), {"confirmed": "1"}, url)
    assert done.status_code == 302
    assert list(JobPhoto.objects.filter(job=job)) == [kept]
    assert not storage.exists(stored_name)
    [event] = audit_for(company=company, target=job).filter(verb=Verb.JOB_PHOTO_REMOVED)
    assert (
        event.data == {"photo_id": wrong.pk} and event.message == "A completion photo was removed"
    )
    assert customer.get(portal_url).status_code == 404
    page = customer.get(reverse("portal:job_detail", args=[company.slug, job.pk])).content.decode()
    assert f"/photos/{wrong.pk}" not in page and f"/photos/{kept.pk}" in page


def test_a_photo_is_removed_only_from_its_own_job(company, carla, sam):
    job, other = job_assigned(carla, sam), job_assigned(carla, sam, title="Another")
    [photo] = job_photos_add(company=company, job=other, photos=[png()], actor=SYSTEM)
    client = office_client(Client(), company, "office")
    url = reverse("office:jobs:remove_photo", args=[job.pk, photo.pk])
    assert client.post(url, {"confirmed": "1"}).status_code == 404
    assert JobPhoto.objects.filter(pk=photo.pk).exists()
