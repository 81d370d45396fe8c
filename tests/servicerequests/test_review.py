"""Staff review requests in the back office: approve into exactly one job, or decline with a
reason; the customer is emailed either way and every step is in the request's history."""

import pytest
from django.test import Client

from doorstep.core.audit import audit_for
from doorstep.jobs.models import Job
from doorstep.servicerequests.models import ServiceRequest

from ..factories import (
    CompanyFactory,
    ContactFactory,
    LocationFactory,
    make_service_request,
    staff_user,
)
from .helpers import PNG, csrf_post, png

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def contact():
    return ContactFactory()


@pytest.fixture
def pending(contact):
    return make_service_request(
        contact.customer, description="Water heater makes a banging noise", photos=[png()]
    )


@pytest.fixture
def office(contact):
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff_user(contact.company, username="dana", first_name="Dana"))
    return client


def admin_url(sr, rest=""):
    return f"/office/admin/servicerequests/servicerequest/{sr.pk}/{rest}"


def test_queue_lists_pending_requests_by_default(office, pending, contact):
    declined = make_service_request(contact.customer)
    ServiceRequest.objects.filter(pk=declined.pk).update(status="declined", decline_reason="x")
    page = office.get("/office/admin/servicerequests/servicerequest/").content.decode()
    assert pending.display_number in page and declined.display_number not in page
    page = office.get("/office/admin/servicerequests/servicerequest/?status=all").content.decode()
    assert declined.display_number in page


def test_approve_prefills_the_job_and_creates_exactly_one_on_double_click(
    office, pending, contact, mailbox
):
    form_page = office.get(admin_url(pending, "approve/")).content.decode()
    assert f'name="title" value="{pending.service_type.name}"' in form_page  # the type only
    assert "Water heater makes a banging noise" in form_page
    assert f'value="{pending.location_id}" selected' in form_page
    other_home = LocationFactory(customer=contact.customer, street="5 Lake Road")
    data = {
        "title": "Inspect water heater",
        "description": "Banging noise; bring a flush kit.",
        "location": str(other_home.pk),
    }
    first = csrf_post(office, admin_url(pending, "approve/"), data)
    assert first.status_code == 302
    second = csrf_post(office, admin_url(pending, "approve/"), data)  # the double click
    assert second.status_code == 302
    [job] = Job.objects.all()
    assert (job.title, job.location, job.customer) == (
        "Inspect water heater",
        other_home,
        contact.customer,
    )
    pending.refresh_from_db()
    assert pending.status == "approved" and pending.job == job
    [email] = mailbox.to(contact.email)
    assert pending.display_number in email["Subject"] and "approved" in email["Subject"]
    assert job.display_number in mailbox.text(email)
    verbs = [e.verb for e in audit_for(company=contact.company, target=pending)]
    assert sorted(verbs) == ["service_request.approved", "service_request.submitted"]
    history = office.get(admin_url(pending, "change/")).content.decode()
    assert "Dana" in history and f"job {job.display_number} created" in history


def test_decline_needs_a_reason_then_tells_the_customer(office, pending, contact, mailbox):
    refused = csrf_post(office, admin_url(pending, "decline/"), {"reason": "   "})
    assert refused.status_code == 400
    assert "a reason is required" in refused.content.decode()
    pending.refresh_from_db()
    assert pending.status == "pending" and mailbox.to(contact.email) == []
    done = csrf_post(
        office, admin_url(pending, "decline/"), {"reason": "We don't service that area."}
    )
    assert done.status_code == 302
    pending.refresh_from_db()
    assert pending.status == "declined" and pending.decline_reason == "We don't service that area."
    [email] = mailbox.to(contact.email)
    assert "We don't service that area." in mailbox.text(email)
    assert not Job.objects.exists()
    # Declined stays declined: approving afterwards is refused with a message.
    late = csrf_post(
        office,
        admin_url(pending, "approve/"),
        {"title": "x", "description": "", "location": str(pending.location_id)},
    )
    assert late.status_code == 400 and "was declined" in late.content.decode()


def test_staff_see_photos_as_attachments_and_only_of_their_company(office, pending):
    photo = pending.photos.get()
    response = office.get(admin_url(pending, f"photos/{photo.pk}/"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PNG
    stranger = Client()
    stranger.force_login(staff_user(CompanyFactory(), username="eve"))
    for rest in ("change/", "approve/", "decline/", f"photos/{photo.pk}/"):
        assert stranger.get(admin_url(pending, rest)).status_code in (302, 404)
    assert stranger.get(admin_url(pending, f"photos/{photo.pk}/")).status_code == 404
    assert stranger.get(admin_url(pending, "approve/")).status_code == 404


def test_the_service_type_filter_names_only_this_companys_types(office, pending):
    from ..factories import make_service_type

    make_service_type(CompanyFactory(), name="Rival company secret service")
    page = office.get("/office/admin/servicerequests/servicerequest/").content.decode()
    assert pending.service_type.name in page
    assert "Rival company secret service" not in page


def test_the_history_is_in_the_companys_time(office, pending):
    page = office.get(admin_url(pending, "change/")).content.decode()
    assert " EST · " in page or " EDT · " in page  # New York, like the rest of the office


def test_the_request_page_offers_approve_and_decline_not_save(office, pending):
    page = office.get(admin_url(pending, "change/")).content.decode()
    assert 'name="_save"' not in page and 'name="_continue"' not in page
    assert "Approve" in page and "Decline" in page
