"""Shared documents: checked by content, stored privately, downloaded only by their customer."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from doorstep.core.errors import DomainError
from doorstep.documents.models import Document
from doorstep.documents.services import document_share

from ..factories import (
    SYSTEM,
    ContactFactory,
    CustomerFactory,
    LocationFactory,
    make_job,
    make_portal_account,
    staff_user,
)
from ..portal.story import TINY_PDF
from ..portal_helpers import sign_in

pytestmark = pytest.mark.django_db


def share(customer, data=TINY_PDF, name="manual.pdf", **kwargs):
    return document_share(
        company=customer.company,
        customer=customer,
        title=kwargs.pop("title", "Furnace manual"),
        upload=SimpleUploadedFile(name, data, content_type="application/pdf"),
        actor=SYSTEM,
        **kwargs,
    )


def test_download_is_an_attachment_with_a_clean_name(company):
    customer = CustomerFactory(company=company)
    location = LocationFactory(customer=customer)
    job = make_job(customer, location=location, title="Furnace install")
    document = share(
        customer, name="../../etc/passwd.exe", location=location, job=job, kind="manual"
    )
    assert document.file.name.startswith(f"company-{company.pk}/documents/")
    assert document.file.name.endswith(".pdf") and "passwd" not in document.file.name
    client = Client()
    sign_in(client, make_portal_account(ContactFactory(customer=customer)))
    page = client.get(reverse("portal:documents", args=[company.slug])).content.decode()
    assert "Furnace manual" in page and "Manual" in page and "Furnace install" in page
    response = client.get(reverse("portal:document_download", args=[company.slug, document.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="furnace-manual.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content) == TINY_PDF


def test_uploads_are_checked_by_content(company):
    customer = CustomerFactory(company=company)
    with pytest.raises(DomainError, match="not accepted"):
        share(customer, data=b"<html><script>alert(1)</script></html>", name="x.pdf")
    with pytest.raises(DomainError, match="empty"):
        share(customer, data=b"", name="x.pdf")
    other = CustomerFactory(company=company)
    with pytest.raises(DomainError, match="another customer"):
        share(customer, location=LocationFactory(customer=other))
    assert not Document.objects.exists()


def test_a_missing_file_is_a_404_not_a_crash(company):
    customer = CustomerFactory(company=company)
    document = share(customer)
    document.file.storage.delete(document.file.name)
    client = Client()
    sign_in(client, make_portal_account(ContactFactory(customer=customer)))
    url = reverse("portal:document_download", args=[company.slug, document.pk])
    assert client.get(url).status_code == 404


def test_staff_share_a_document_in_the_back_office(company):
    customer = CustomerFactory(company=company, name="Ari Stone")
    from django.contrib.auth.models import Permission

    user = staff_user(company)
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="documents"))
    client = Client()
    client.force_login(user)
    add = reverse("admin:documents_document_add")
    assert client.get(add).status_code == 200
    bad = client.post(
        add,
        {
            "customer": customer.pk,
            "title": "Bad",
            "kind": "other",
            "file": SimpleUploadedFile("x.pdf", b"MZ\x90\x00 not a pdf"),
        },
    )
    assert bad.status_code == 200 and "not accepted" in bad.content.decode()
    response = client.post(
        add,
        {
            "customer": customer.pk,
            "title": "Warranty",
            "kind": "warranty",
            "file": SimpleUploadedFile("w.pdf", TINY_PDF),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    document = Document.objects.get()
    assert document.company == company and document.shared_by == user
    assert document.extension == "pdf" and document.size == len(TINY_PDF)
