"""The invoice PDF: what it says (pypdf), that it is rendered once per version, and that
the invoice email carries the very same file."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from doorstep.billing import pdf, pdf_render
from doorstep.billing.invoices import invoice_recalculate
from doorstep.billing.models import InvoicePdf, LineItem
from doorstep.notifications.services import notification_enqueue
from doorstep.payments.services import payment_record_manual

from ..factories import SYSTEM, ContactFactory, CustomerFactory, make_invoice, make_portal_account
from ..portal_helpers import sign_in

pytestmark = pytest.mark.django_db


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


@pytest.fixture
def invoice(company):
    company.address = "120 Canal Street\nSpringfield"
    company.save()
    customer = CustomerFactory(company=company, name="Dana Whitfield")
    return make_invoice(
        customer,
        lines=[("Tankless heater install", 240000, "1", "8.25"), ("Haul away", 7500, "2", "0")],
        notes="Thank you for your business.",
    )


def test_pdf_shows_the_invoice_with_the_company_branding(company, invoice):
    text = pdf_text(pdf.invoice_pdf_attachment(company, invoice.pk)[1])
    for expected in (
        company.name,
        "120 Canal Street",
        "INVOICE",
        invoice.display_number,
        "Dana Whitfield",
        "Tankless heater install",
        "Haul away",
        "$2,400.00",
        "$75.00",
        "$150.00",
        "$2,550.00",
        "$198.00",
        "$2,748.00",
        "Balance due",
        "Thank you for your business.",
        company.billing_email,
        "Page 1 of 1",
    ):
        assert expected in text, expected
    assert "PAID" not in text.upper().replace("AMOUNT PAID", "")


def test_rendered_once_per_version_and_fresh_after_a_change(company, invoice):
    first = pdf.invoice_pdf_attachment(company, invoice.pk)[1]
    again = pdf.invoice_pdf_attachment(company, invoice.pk)[1]
    assert first == again and InvoicePdf.objects.count() == 1
    payment_record_manual(
        company=company, invoice=invoice, amount=invoice.total, method="card", actor=SYSTEM
    )
    paid = pdf.invoice_pdf_attachment(company, invoice.pk)[1]
    assert paid != first and "PAID" in pdf_text(paid)
    assert InvoicePdf.objects.count() == 1  # the old version is gone
    row = InvoicePdf.objects.get()
    assert row.template_version == pdf.TEMPLATE_VERSION and len(row.checksum) == 64


def test_a_new_line_changes_the_checksum(company, invoice):
    pdf.invoice_pdf_attachment(company, invoice.pk)
    old = InvoicePdf.objects.get().checksum
    LineItem.objects.create(
        company=company, invoice=invoice, description="Extra valve", unit_price=1000
    )
    invoice_recalculate(invoice=invoice)
    text = pdf_text(pdf.invoice_pdf_attachment(company, invoice.pk)[1])
    assert "Extra valve" in text and InvoicePdf.objects.get().checksum != old


def test_portal_download_is_the_same_file_as_the_email_attachment(
    company, invoice, mailbox, django_capture_on_commit_callbacks
):
    account = make_portal_account(ContactFactory(customer=invoice.customer))
    client = Client()
    sign_in(client, account)
    response = client.get(reverse("portal:invoice_pdf", args=[company.slug, invoice.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{invoice.display_number}.pdf"'
    with django_capture_on_commit_callbacks(execute=True):
        notification_enqueue(
            company=company,
            recipient="dana@example.test",
            template="notice",
            context={"subject": "Your invoice", "heading": "Invoice", "body": "Attached."},
            attachments=[{"kind": "invoice_pdf", "id": invoice.pk}],
        )
    [message] = mailbox.to("dana@example.test")
    [attachment] = list(message.iter_attachments())
    assert attachment.get_filename() == f"{invoice.display_number}.pdf"
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_content() == response.content
    assert InvoicePdf.objects.count() == 1


def test_a_logo_is_embedded_and_nothing_is_fetched(company, invoice, tmp_path):
    from django.core.files.base import ContentFile

    png = (
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
        b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff"
        b"\x89\x99=\x1d\x00\x00\x00\x00IEND\xaeB`\x82"
    )
    company.logo.save("logo.png", ContentFile(png), save=True)
    assert pdf_render.logo_data_uri(company).startswith("data:image/png;base64,")
    invoice.notes = '<img src="http://169.254.169.254/latest">'
    invoice.save()
    text = pdf_text(pdf.invoice_pdf_attachment(company, invoice.pk)[1])
    assert "169.254.169.254" in text  # printed as text, never fetched


def test_the_web_process_warms_the_pdf_renderer_once_at_start():
    """config/wsgi.py calls it (not under DEBUG); it renders a tiny document, so WeasyPrint
    and its fonts are loaded before the first customer asks for a PDF."""
    import sys

    pdf_render.pdf_renderer_warm()
    assert "weasyprint" in sys.modules


def test_a_glyph_no_installed_font_has_is_left_out_instead_of_printed_as_a_box(company):
    from doorstep.billing.pdf_glyphs import drawable_code_points

    # No font on the machine has the potable-water emoji: it would print as an empty box.
    assert 0x1F6B0 not in drawable_code_points()
    customer = CustomerFactory(
        company=company, kind="business", name="Zoë O'Brien & Sons Plumbing 🚰"
    )
    invoice = make_invoice(customer, lines=[("Leak fixed 🚰 under the sink", 12000, "1", "0")])
    text = pdf_text(pdf.invoice_pdf_attachment(company, invoice.pk)[1])
    assert "Zoë O'Brien & Sons Plumbing" in text
    assert "Leak fixed under the sink" in text
    assert "\U0001f6b0" not in text
    # Every character in the PDF is one a font on this machine draws.
    assert all(ord(ch) in drawable_code_points() for ch in text if not ch.isspace())
