"""Completion photos: the office uploads them through the upload checks; the customer sees
them on the portal's job page, and nobody else can fetch them."""

import pytest
from django.test import Client
from django.urls import reverse

from doorstep.core.audit import audit_for
from doorstep.core.errors import DomainError
from doorstep.core.verbs import Verb
from doorstep.jobs.models import JobPhoto
from doorstep.jobs.services import job_photos_add

from ..factories import SYSTEM, ContactFactory, CustomerFactory, make_job, make_portal_account
from ..portal_helpers import sign_in
from ..servicerequests.helpers import PNG, png

pytestmark = pytest.mark.django_db


def test_the_customer_sees_the_photos_on_the_job_page(company):
    customer = CustomerFactory(company=company)
    account = make_portal_account(ContactFactory(customer=customer))
    job = make_job(customer, title="Water heater swap")
    stored = job_photos_add(
        company=company, job=job, photos=[png("before.png"), png("after.png")], actor=SYSTEM
    )
    client = Client()
    sign_in(client, account)
    page = client.get(reverse("portal:job_detail", args=[company.slug, job.pk])).content.decode()
    assert "Completion photos" in page
    for photo in stored:
        url = reverse("portal:job_photo", args=[company.slug, job.pk, photo.pk])
        # A thumbnail linking to the full photo.
        assert f'<a href="{url}"><img src="{url}/thumb" alt="Photo ' in page
        assert f'for job {job.display_number}" width="4" height="4"' in page
        assert client.get(f"{url}/thumb")["Content-Type"] == "image/jpeg"
        response = client.get(url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == PNG
        assert response["X-Content-Type-Options"] == "nosniff"
    [event] = audit_for(company=company, target=job).filter(verb=Verb.JOB_PHOTOS_ADDED)
    assert event.message == "2 completion photo(s) added"


def test_another_customer_cannot_fetch_the_photo(company):
    job = make_job(CustomerFactory(company=company))
    [photo] = job_photos_add(company=company, job=job, photos=[png()], actor=SYSTEM)
    other = make_portal_account(ContactFactory(customer=CustomerFactory(company=company)))
    client = Client()
    sign_in(client, other)
    url = reverse("portal:job_photo", args=[company.slug, job.pk, photo.pk])
    assert client.get(url).status_code == 404
    assert client.get(f"{url}/thumb").status_code == 404


def test_a_disguised_file_stores_nothing(company):
    job = make_job(CustomerFactory(company=company))
    polyglot = png("fine.png", PNG + b"<script>alert(1)</script>")
    with pytest.raises(DomainError) as caught:
        job_photos_add(company=company, job=job, photos=[png(), polyglot], actor=SYSTEM)
    assert caught.value.field == "photos"
    assert "not accepted" in caught.value.message
    assert not JobPhoto.objects.exists()


def test_no_photo_is_refused_next_to_the_field(company):
    job = make_job(CustomerFactory(company=company))
    with pytest.raises(DomainError, match="at least one photo") as caught:
        job_photos_add(company=company, job=job, photos=[], actor=SYSTEM)
    assert caught.value.field == "photos"
