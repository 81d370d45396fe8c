"""Every office page an owner opens (each URL the office mounts, with a real record of each
kind), in Chromium at 768 and 1,280 px: nothing scrolls sideways. The areas' own browser tests
run axe-core and the keyboard on their pages; this walk makes sure no page is forgotten."""

from __future__ import annotations

import pytest
from django.test import Client

from ..browser import chromium_available
from .helpers import horizontal_overflow, office_client, share_session
from .test_role_matrix import UNGATED, office_patterns, record_level, records, url_for

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.browser,
    pytest.mark.skipif(
        not chromium_available(), reason="needs Debian's chromium (/usr/bin/chromium)"
    ),
]


def test_no_office_page_scrolls_sideways_at_768_or_1280(page, live_server, company):
    ids = records(company)
    staff = office_client(Client(), company, "owner")
    pages = []
    for name, route, _view in office_patterns():
        if name in UNGATED or name == "office:switch_company":
            continue
        url = url_for(route, name, ids)
        response = staff.get(url)
        is_page = response.status_code == 200 and response.content.lstrip()[:15].lower() == (
            b"<!doctype html>"
        )
        if is_page:
            pages.append(url)
        elif response.status_code == 404:
            assert record_level("owner", name, route), (name, url)
    assert len(pages) >= 40
    share_session(page, staff, live_server.url)
    wide = []
    for width in (768, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        for url in pages:
            page.goto(live_server.url + url)
            if horizontal_overflow(page) > 0:
                wide.append((width, url, horizontal_overflow(page)))
    assert not wide, wide
