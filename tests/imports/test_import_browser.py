"""The import pages in real Chromium: upload a file, read the preview (axe-core finds no
serious or critical violation, nothing scrolls sideways at 768 and 1,280 px), import it."""

from __future__ import annotations

import pytest
from django.test import Client

from doorstep.customers.models import Customer

from ..browser import chromium_available
from ..office.helpers import (
    assert_no_serious_axe,
    horizontal_overflow,
    office_client,
    share_session,
)

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.browser,
    pytest.mark.skipif(
        not chromium_available(), reason="needs Debian's chromium (/usr/bin/chromium)"
    ),
]

CSV = (
    "name,external_id,email,street,city\n"
    "Carla Diaz,C-1,carla@example.com,12 Oak Street,Springfield\n"
    "Bad Row,C-2,bad@,,\n"
)


def test_upload_preview_and_import_by_keyboard_at_768_and_1280(
    page, live_server, company, tmp_path
):
    staff = office_client(Client(), company, "office")
    share_session(page, staff, live_server.url)
    sheet = tmp_path / "customers.csv"
    sheet.write_text(CSV)
    page.set_viewport_size({"width": 768, "height": 900})
    page.goto(f"{live_server.url}/office/import/")
    for width in (768, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        assert_no_serious_axe(page)
        assert horizontal_overflow(page) == 0, width
    page.get_by_label("What the file holds").select_option("customers")
    page.get_by_label("CSV file").set_input_files(str(sheet))
    page.get_by_role("button", name="Check the file").press("Enter")
    page.wait_for_selector("text=Nothing is saved yet")
    assert page.get_by_text("“bad@” is not an email address.").is_visible()
    for width in (768, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        assert_no_serious_axe(page)
        assert horizontal_overflow(page) == 0, width
    assert not Customer.objects.exists()
    page.get_by_role("button", name="Import 1 row").focus()
    page.keyboard.press("Enter")
    page.wait_for_selector("text=Imported on")
    page.screenshot(path=str(tmp_path / "import-done.png"))
    assert list(Customer.objects.values_list("name", flat=True)) == ["Carla Diaz"]
