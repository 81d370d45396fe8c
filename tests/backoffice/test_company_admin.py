from __future__ import annotations

import pytest

from doorstep.billing.models import InvoiceState
from doorstep.tenancy.models import CompanySettings

from ..factories import CustomerFactory, make_invoice, staff_user
from .helpers import errors_of, post_form, staff_client

pytestmark = pytest.mark.django_db


def test_owner_changes_branding_and_settings(company):
    client = staff_client(staff_user(company, role="owner"))
    url = f"/office/admin/tenancy/company/{company.pk}/change/"
    response = post_form(
        client,
        url,
        {"accent_color": "#aa3300", "settings-0-partial_payments_allowed": "on"},
    )
    assert response.status_code == 302, errors_of(response)
    company.refresh_from_db()
    assert company.accent_color == "#aa3300"
    assert CompanySettings.objects.get(company=company).partial_payments_allowed


def test_bad_colour_and_timezone_are_refused_next_to_the_field(company):
    client = staff_client(staff_user(company, role="owner"))
    url = f"/office/admin/tenancy/company/{company.pk}/change/"
    response = post_form(client, url, {"accent_color": "blue", "timezone": "Mars/Olympus"})
    errors = errors_of(response)
    assert errors["accent_color"] == ["Use a colour like #1f6feb."]
    assert errors["timezone"] == ["Choose a time zone such as America/New_York."]


def test_office_staff_see_the_company_but_cannot_change_it(company, other_company):
    client = staff_client(staff_user(company, role="office"))
    listing = client.get("/office/admin/tenancy/company/").content.decode()
    assert company.name in listing and other_company.name not in listing
    page = client.get(f"/office/admin/tenancy/company/{company.pk}/change/")
    assert page.status_code == 200 and 'name="accent_color"' not in page.content.decode()
    response = client.post(
        f"/office/admin/tenancy/company/{company.pk}/change/",
        {"accent_color": "#000000", "csrfmiddlewaretoken": client.cookies["csrftoken"].value},
    )
    assert response.status_code == 403
    company.refresh_from_db()
    assert company.accent_color != "#000000"


def test_extra_fields_in_a_post_change_nothing(company, other_company):
    """SECURITY 14: forms are allow-lists; company, amounts, state and number are never bound."""
    invoice = make_invoice(CustomerFactory(company=company))
    client = staff_client(staff_user(company))
    response = post_form(
        client,
        f"/office/admin/billing/invoice/{invoice.pk}/change/",
        {
            "notes": "Only this changes",
            "company": str(other_company.pk),
            "state": InvoiceState.VOID,
            "amount_paid": "999999",
            "total": "1",
            "number": "77",
        },
    )
    assert response.status_code == 302, errors_of(response)
    invoice.refresh_from_db()
    assert invoice.notes == "Only this changes"
    assert (invoice.company_id, invoice.state, invoice.amount_paid, invoice.number) == (
        company.pk,
        InvoiceState.OPEN,
        0,
        1,
    )


def png() -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "#1f6feb").save(buffer, format="PNG")
    return buffer.getvalue()


def upload_logo(client, company, content: bytes, name: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from .helpers import form_data

    url = f"/office/admin/tenancy/company/{company.pk}/change/"
    data = form_data(client.get(url))
    data["logo"] = SimpleUploadedFile(name, content, content_type="image/png")
    data["csrfmiddlewaretoken"] = client.cookies["csrftoken"].value
    return client.post(url, data)


def test_logo_is_checked_by_content_and_renamed(company):
    client = staff_client(staff_user(company, role="owner"))
    polyglot = png() + b"<html><script>alert(1)</script></html>"
    refused = upload_logo(client, company, polyglot, "logo.png")
    assert errors_of(refused)["logo"]
    company.refresh_from_db()
    assert not company.logo
    response = upload_logo(client, company, png(), "../../evil name.png")
    assert response.status_code == 302, errors_of(response)
    company.refresh_from_db()
    assert company.logo.name.startswith(f"branding/company-{company.pk}-logo-")
    assert company.logo.name.endswith(".png") and "evil" not in company.logo.name
