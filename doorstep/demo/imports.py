"""Demo data for the office's Import page: Bluewater has uploaded the sample customers file
(docs/examples/import-customers.csv) and not confirmed it yet, so a newcomer opening
Import sees a preview with rows to create and rows with problems, and can press
"Import N rows" themselves."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from doorstep.imports.services import import_preview
from doorstep.tenancy.models import Company

SAMPLE = (
    "name,external_id,kind,email,phone,street,city,region,postal_code\r\n"
    "Rosa Alvarez,OLD-C-101,person,rosa.alvarez@example.com,555-0142,48 Birch Lane,"
    "Springfield,IL,62704\r\n"
    "Maple Court Apartments,OLD-C-102,business,office@maplecourt.example,555-0199,"
    "300 Maple Court,Springfield,IL,62702\r\n"
    "Tom Becker,OLD-C-103,person,tom.becker@example,555-0110,9 Elm Street,Springfield,IL,62701\r\n"
)


def import_preview_create(company: Company) -> None:
    if company.slug != "bluewater":
        return
    upload = SimpleUploadedFile("customers-from-old-software.csv", SAMPLE.encode(), "text/csv")
    import_preview(company=company, kind="customers", upload=upload, user=None)
