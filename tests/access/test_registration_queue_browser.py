"""The registration queue's pages in real Chromium: axe-core finds no serious or critical
violation at 390 px and 1,280 px, and the approve flow works by keyboard-reachable controls."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from ..browser import chromium_available
from ..factories import ContactFactory, CustomerFactory, staff_user
from .test_registration_queue import QUEUE, register

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.browser,
    pytest.mark.skipif(
        not chromium_available(), reason="needs Debian's chromium (/usr/bin/chromium)"
    ),
]

AXE_JS = (Path(__import__("axe_playwright_python").__file__).parent / "axe.min.js").read_text()
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def serious_violations(page) -> list[str]:
    page.add_script_tag(content=AXE_JS)
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})", TAGS
    )
    return [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in {"serious", "critical"}
    ]


def test_the_queue_pages_pass_axe_at_both_widths(page, live_server, company, mailbox, tmp_path):
    from doorstep.tenancy.models import RegistrationPolicy, SignInMode

    company.settings.sign_in_mode = SignInMode.PASSWORD
    company.settings.registration_policy = RegistrationPolicy.STAFF_APPROVAL
    company.settings.save()
    harbor = CustomerFactory(company=company, name="Harborview Property Management")
    ContactFactory(customer=harbor, email="accounts@harborview.test")
    registration = register(company, mailbox)
    office = Client()
    office.force_login(staff_user(company, role="office"))
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": office.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    pages = {
        "queue": f"{QUEUE}/",
        "choose": f"{QUEUE}/{registration.pk}/approve/",
        "decline": f"{QUEUE}/{registration.pk}/decline/",
    }
    found: dict[str, list[str]] = {}
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        for name, path in pages.items():
            page.goto(live_server.url + path)
            found[f"{name}@{width}"] = serious_violations(page)
            page.screenshot(path=str(tmp_path / f"{name}-{width}.png"), full_page=True)
        # The confirmation step, reached by choosing the suggested customer.
        page.goto(live_server.url + pages["choose"])
        page.get_by_label("Harborview Property Management", exact=False).first.check()
        page.get_by_role("button", name="Continue").click()
        page.wait_for_load_state()
        assert "becomes a contact of" in page.content()
        found[f"confirm@{width}"] = serious_violations(page)
    assert {k: v for k, v in found.items() if v} == {}
