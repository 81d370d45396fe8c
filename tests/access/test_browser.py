"""The sign-in link in real Chromium: the button's POST must pass Django's CSRF Origin check
(with Referrer-Policy "no-referrer" Chromium sends "Origin: null" and every button fails)."""

from __future__ import annotations

import re

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_email_link_confirm_and_code_pages_in_chromium(
    page, live_server, settings, account, mailbox
):
    settings.BASE_URL = live_server.url
    company = account.company
    page.goto(f"{live_server.url}/p/{company.slug}/sign-in")
    page.fill("input[name=email]", account.email)
    page.click("button:has-text('Email me a sign-in link')")
    assert "Check your email" in page.content()
    [message] = mailbox.to(account.email)
    link = re.search(r"http://\S+/l/[A-Za-z0-9_-]+", mailbox.text(message)).group(0)
    page.goto(link)
    assert page.evaluate("document.referrer") == ""
    page.click("button:has-text('Continue to your portal')")
    assert page.url == f"{live_server.url}/p/{company.slug}/"
    assert "Hello" in page.content()
    page.click("button:has-text('Sign out')")  # a POST from portal/base.html's header
    assert page.url == f"{live_server.url}/p/{company.slug}/sign-in"
    page.goto(link)  # used now: the friendly page, and its one-click fresh link works
    assert "already been used" in page.content()
    page.click("button:has-text('Email me a fresh link')")
    assert "Check your email" in page.content()
