"""The office's service-request queue: emergencies first, approve into a prefilled job or
decline with a reason, each after a confirmation; a double click acts once."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from doorstep.jobs.models import Job
from doorstep.servicerequests.models import RequestStatus, Urgency

from ...factories import LocationFactory, make_service_request, make_service_type
from ...servicerequests.helpers import csrf_post, png
from ..helpers import office_client
from .world import customer_with_contact, grow

pytestmark = pytest.mark.django_db


@pytest.fixture
def carla(company):
    return customer_with_contact(company, "Carla Diaz", "carla@example.com")


def detail(sr):
    return reverse("office:requests:detail", args=[sr.pk])


def test_the_queue_puts_emergencies_first_then_the_newest(company, other_company, carla):
    kind = make_service_type(company, name="Leak repair")
    older = make_service_request(carla, location=carla.locations.first(), service_type=kind)
    emergency = make_service_request(
        carla, location=carla.locations.first(), service_type=kind, urgency=Urgency.EMERGENCY
    )
    newer = make_service_request(carla, location=carla.locations.first(), service_type=kind)
    theirs = make_service_request(customer_with_contact(other_company, "Otto Other"))
    page = office_client(Client(), company, "office").get(reverse("office:requests:list"))
    text = page.content.decode()
    positions = [text.index(sr.display_number + "<") for sr in (emergency, newer, older)]
    assert positions == sorted(positions)
    assert "Otto Other" not in text  # another company's queue stays out
    assert office_client(Client(), company, "office").get(detail(theirs)).status_code == 404


def test_approving_asks_first_then_creates_the_prefilled_job_once(
    company, carla, mailbox, django_capture_on_commit_callbacks
):
    kind = make_service_type(company, name="Leak repair")
    sr = make_service_request(
        carla,
        location=carla.locations.first(),
        service_type=kind,
        description="Water under the sink.",
        photos=[png()],
    )
    second_address = LocationFactory(customer=carla, street="99 Lake Drive")
    client = office_client(Client(enforce_csrf_checks=True), company, "office")
    page = client.get(detail(sr)).content.decode()
    assert 'value="Leak repair for Carla Diaz"' in page  # the job is prefilled
    assert "Water under the sink." in page
    assert reverse("office:requests:photo", args=[sr.pk, sr.photos.get().pk]) in page
    data = {
        "title": "Fix the leak under the sink",
        "location": second_address.pk,
        "description": "Bring a new trap.",
    }
    url = reverse("office:requests:approve", args=[sr.pk])
    confirm = csrf_post(client, detail(sr), data, url)
    assert confirm.status_code == 200
    text = confirm.content.decode()
    assert (
        "Approve REQ-" in text and "99 Lake Drive" in text and 'name="confirmed" value="1"' in text
    )
    assert not Job.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        done = csrf_post(client, detail(sr), {**data, "confirmed": "1"}, url)
        again = csrf_post(client, detail(sr), {**data, "confirmed": "1"}, url)
    job = Job.objects.get()
    assert done.status_code == 302 and done["Location"] == reverse(
        "office:jobs:detail", args=[job.pk]
    )
    assert again.status_code == 302  # the second click finds it approved: nothing more
    assert (job.title, job.location, job.description) == (
        "Fix the leak under the sink",
        second_address,
        "Bring a new trap.",
    )
    sr.refresh_from_db()
    assert sr.status == RequestStatus.APPROVED and sr.job == job
    assert len(mailbox.to("carla@example.com")) == 1


def test_declining_needs_a_reason_next_to_the_field_and_asks_first(company, carla):
    sr = make_service_request(carla, location=carla.locations.first())
    client = office_client(Client(enforce_csrf_checks=True), company, "office")
    url = reverse("office:requests:decline", args=[sr.pk])
    empty = csrf_post(client, detail(sr), {"reason": "  "}, url)
    assert empty.status_code == 400
    assert (
        'id="id_reason_error">Tell the customer why: a reason is required.'
        in empty.content.decode()
    )
    confirm = csrf_post(client, detail(sr), {"reason": "We do not serve that area."}, url)
    assert (
        "Decline REQ-" in confirm.content.decode()
        and "We do not serve that area." in confirm.content.decode()
    )
    sr.refresh_from_db()
    assert sr.status == RequestStatus.PENDING
    done = csrf_post(
        client, detail(sr), {"reason": "We do not serve that area.", "confirmed": "1"}, url
    )
    assert done.status_code == 302
    sr.refresh_from_db()
    assert (sr.status, sr.decline_reason) == (RequestStatus.DECLINED, "We do not serve that area.")


def test_an_address_of_another_customer_is_refused(company, carla):
    sr = make_service_request(carla, location=carla.locations.first())
    stranger = LocationFactory(customer=customer_with_contact(company, "Bo Other"))
    client = office_client(Client(enforce_csrf_checks=True), company, "office")
    response = csrf_post(
        client,
        detail(sr),
        {"title": "Job", "location": stranger.pk, "confirmed": "1"},
        reverse("office:requests:approve", args=[sr.pk]),
    )
    assert response.status_code == 400
    assert "Choose one of the customer&#x27;s addresses." in response.content.decode()
    assert not Job.objects.exists()


@pytest.mark.parametrize("role", ["billing", "technician"])
def test_roles_without_review_requests_get_the_403_page(company, carla, role):
    sr = make_service_request(carla, location=carla.locations.first())
    client = office_client(Client(), company, role)
    assert client.get(reverse("office:requests:list")).status_code == 403
    assert client.get(detail(sr)).status_code == 403


# 4 of them are the office's frame (session, user, memberships, company).
QUERIES = {"list": 5, "detail": 7}


def test_request_pages_cost_the_same_for_a_small_and_a_big_company(
    company, carla, django_assert_num_queries
):
    sr = make_service_request(carla, location=carla.locations.first(), photos=[png()])
    client = office_client(Client(), company, "office")
    urls = {"list": reverse("office:requests:list"), "detail": detail(sr)}
    for _ in range(2):
        for name, url in urls.items():
            client.get(url)
            with django_assert_num_queries(QUERIES[name]):
                assert client.get(url).status_code == 200
        grow(company, 25)
