"""Customers request service in the portal; bad input changes nothing."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from doorstep.customers.models import Location
from doorstep.servicerequests.models import ServiceRequest, ServiceRequestPhoto

from ..factories import (
    CompanyFactory,
    ContactFactory,
    CustomerFactory,
    LocationFactory,
    make_portal_account,
    make_service_request,
    make_service_type,
)
from ..portal_helpers import sign_in
from .helpers import JPEG, PNG, csrf_post, png

pytestmark = pytest.mark.django_db


@pytest.fixture
def account():
    return make_portal_account(ContactFactory())


@pytest.fixture
def home(account):
    return LocationFactory(customer=account.customer, street="12 Elm Street")


@pytest.fixture
def plumbing(account):
    return make_service_type(account.company, "Plumbing repair")


def url(company, rest=""):
    return f"/p/{company.slug}/requests/{rest}"


def stored_files():
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def form(home, plumbing, **overrides):
    data = {
        "location": str(home.pk),
        "service_type": str(plumbing.pk),
        "description": "The kitchen tap drips all night.",
        "preferred_date": "",
        "preferred_window": "morning",
        "urgency": "soon",
    }
    data.update(overrides)
    return data


def test_submit_with_photos_then_see_it_pending(
    csrf_client, account, home, plumbing, mailbox, django_capture_on_commit_callbacks
):
    company = account.company
    sign_in(csrf_client, account)
    listing = csrf_client.get(url(company))
    assert "Request Service" in listing.content.decode()
    tomorrow = (timezone.localdate() + timedelta(days=2)).isoformat()
    with django_capture_on_commit_callbacks(execute=True):
        response = csrf_post(
            csrf_client,
            url(company, "new"),
            form(home, plumbing, preferred_date=tomorrow, photos=[png(), png("b.jpg", JPEG)]),
        )
    assert response.status_code == 302
    sr = ServiceRequest.objects.get()
    assert (sr.customer, sr.location, sr.service_type) == (account.customer, home, plumbing)
    assert sr.status == "pending" and sr.submitted_by == account
    photos = list(sr.photos.all())
    assert [p.extension for p in photos] == ["png", "jpg"]
    for photo in photos:
        assert photo.file.name.startswith(f"company-{company.pk}/requests/")
        assert "leak" not in photo.file.name
    page = csrf_client.get(response["Location"]).content.decode()
    assert "Thank you! We received your request" in page and "Pending" in page
    listing = csrf_client.get(url(company)).content.decode()
    assert "Plumbing repair" in listing and "Pending" in listing and "2 photos" in listing
    download = csrf_client.get(url(company, f"{sr.pk}/photos/{photos[0].pk}"))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content) == PNG
    [office] = mailbox.to(company.support_email)
    assert f"New service request {sr.display_number}" in office["Subject"]


def test_a_new_address_becomes_one_of_the_customers_locations(csrf_client, account, plumbing):
    sign_in(csrf_client, account)
    response = csrf_post(
        csrf_client,
        url(account.company, "new"),
        {
            "location": "new",
            "street": "99 Harbor Road",
            "city": "Portland",
            "region": "ME",
            "postal_code": "04101",
            "service_type": str(plumbing.pk),
            "description": "Gutter overflowing",
        },
    )
    assert response.status_code == 302
    location = ServiceRequest.objects.get().location
    assert location.customer == account.customer and location.street == "99 Harbor Road"


@pytest.mark.parametrize(
    ("case", "field_message"),
    [
        ("empty description", "Please describe what you need."),
        ("past date", "Choose today or a later date."),
        ("another customer's location", "Choose one of your addresses."),
        ("another company's service type", "Choose a type of service"),
        ("six photos", "You can attach up to 5 photos."),
        ("eleven photos", "You can attach up to 5 photos."),
        ("50 MB file", "too large"),
        ("PNG header followed by HTML", "not accepted"),
        ("wrong type", "not accepted"),
        ("new address without a street", "Enter the street address."),
    ],
)
def test_bad_input_is_refused_next_to_the_field_and_nothing_is_stored(
    csrf_client, account, home, plumbing, case, field_message
):
    company = account.company
    sign_in(csrf_client, account)
    data = form(home, plumbing)
    if case == "empty description":
        data["description"] = "   "
    elif case == "past date":
        data["preferred_date"] = (timezone.localdate() - timedelta(days=3)).isoformat()
    elif case == "another customer's location":
        neighbour = LocationFactory(customer=CustomerFactory(company=company))
        data["location"] = str(neighbour.pk)
    elif case == "another company's service type":
        data["service_type"] = str(make_service_type(CompanyFactory(), "Roofing").pk)
    elif case == "six photos":
        data["photos"] = [png(f"{n}.png") for n in range(6)]
    elif case == "eleven photos":
        data["photos"] = [png(f"{n}.png") for n in range(11)]
    elif case == "50 MB file":
        data["photos"] = [png("huge.png", PNG + b"\x00" * (50 * 1024 * 1024))]
    elif case == "PNG header followed by HTML":
        data["photos"] = [png("x.png", PNG + b"<html><script>alert(1)</script></html>")]
    elif case == "wrong type":
        data["photos"] = [png("doc.png", b"%PDF-1.7\n" + b"0" * 64)]
    elif case == "new address without a street":
        data.update(location="new", city="Portland")
    locations_before = Location.objects.count()
    response = csrf_post(csrf_client, url(company, "new"), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert field_message in page and 'class="field-error"' in page
    assert not ServiceRequest.objects.exists()
    assert not ServiceRequestPhoto.objects.exists()
    assert Location.objects.count() == locations_before
    assert stored_files() == []


def test_extra_fields_cannot_set_status_company_or_customer(csrf_client, account, home, plumbing):
    other = CustomerFactory(company=account.company)
    sign_in(csrf_client, account)
    data = form(home, plumbing, status="approved", customer=str(other.pk), company="999")
    assert csrf_post(csrf_client, url(account.company, "new"), data).status_code == 302
    sr = ServiceRequest.objects.get()
    assert sr.status == "pending" and sr.customer == account.customer


def test_text_is_always_shown_escaped(csrf_client, account, home, plumbing):
    sign_in(csrf_client, account)
    data = form(home, plumbing, description="<script>alert('x')</script> leaking")
    response = csrf_post(csrf_client, url(account.company, "new"), data)
    for page_url in (response["Location"], url(account.company)):
        page = csrf_client.get(page_url).content.decode()
        assert "<script>alert(" not in page
        assert "&lt;script&gt;alert(" in page


def test_switching_requests_off_hides_the_form_but_keeps_history(
    csrf_client, account, home, plumbing
):
    company = account.company
    existing = make_service_request(account.customer, location=home, service_type=plumbing)
    settings_row = company.settings
    settings_row.service_requests_enabled = False
    settings_row.save()
    sign_in(csrf_client, account)
    listing = csrf_client.get(url(company)).content.decode()
    assert "Request Service" not in listing.split("</h1>", 1)[1].split("</div>", 1)[0]
    assert f'href="/p/{company.slug}/requests/new"' not in listing
    assert existing.display_number in listing
    closed = csrf_client.get(url(company, "new"))
    assert closed.status_code == 403
    assert "not taking service requests online" in closed.content.decode()
    refused = csrf_post(csrf_client, url(company, "new"), form(home, plumbing))
    assert refused.status_code == 403
    assert ServiceRequest.objects.count() == 1
    settings_row.service_requests_enabled = True
    settings_row.save()
    listing = csrf_client.get(url(company)).content.decode()
    assert f'href="/p/{company.slug}/requests/new"' in listing
    assert existing.display_number in listing
    assert csrf_post(csrf_client, url(company, "new"), form(home, plumbing)).status_code == 302


def test_a_company_without_a_list_starts_from_plain_defaults(csrf_client, account, home):
    sign_in(csrf_client, account)
    page = csrf_client.get(url(account.company, "new")).content.decode()
    assert ">Repair</option>" in page and ">Something else</option>" in page
