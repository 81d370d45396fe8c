"""The company's terms and footer (Settings → Branding) are printed on its invoice PDFs."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from doorstep.billing.pdf import invoice_pdf_bytes

from ..factories import CustomerFactory, make_invoice

pytestmark = pytest.mark.django_db


def test_terms_and_footer_are_on_the_pdf(company):
    company.pdf_terms = "Payment due within 30 days. Late fee 1.5% per month."
    company.pdf_footer = "Licence PL-12345 · Bank: First Example, acct 0042"
    company.save()
    invoice = make_invoice(CustomerFactory(company=company))
    pdf = PdfReader(io.BytesIO(invoice_pdf_bytes(company=company, invoice=invoice)))
    text = "".join(page.extract_text() for page in pdf.pages)
    assert "Late fee 1.5% per month" in text
    assert "Licence PL-12345" in text
