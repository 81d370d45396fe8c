"""Emailed sign-in links (SECURITY 1-7): scanners, single use, expiry, supersession, tenants."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from doorstep.access.models import LoginLink, PortalAccountState, PortalSession
from doorstep.core.audit import Actor
from doorstep.core.models import AuditEvent

from .conftest import code_in, csrf_post, link_in, new_account, portal_cookie, request_link

pytestmark = pytest.mark.django_db(transaction=True)


def denial_reasons(company):
    return [
        e.data.get("reason")
        for e in AuditEvent.objects.for_company(company).filter(verb="access.denied")
    ]


def test_requested_link_arrives_branded_with_link_and_code(csrf_client, company, account, mailbox):
    page = request_link(csrf_client, company, "PAT@example.test")
    assert page.status_code == 200
    assert "Check your email" in page.content.decode()
    [message] = mailbox.to("pat@example.test")
    assert company.name in message["Subject"] and company.name in message["From"]
    text = mailbox.text(message)
    assert link_in(mailbox, message).startswith(f"/p/{company.slug}/l/")
    assert len(code_in(mailbox, message)) == 6
    assert "15 minutes" in text
    assert company.accent_color in mailbox.html(message)


def test_scanner_get_and_head_do_not_consume(csrf_client, company, account, mailbox):
    """SECURITY 1: 3 GETs + 1 HEAD leave the link valid and set no session; a POST signs in."""
    request_link(csrf_client, company, account.email)
    path = link_in(mailbox, mailbox.messages[-1])
    scanner = Client()
    for _ in range(3):
        page = scanner.get(path)
        assert page.status_code == 200
        assert "Continue to your portal" in page.content.decode()
        assert page["Referrer-Policy"] == "strict-origin"
    assert scanner.head(path).status_code == 200
    assert portal_cookie(scanner) is None
    assert not PortalSession.objects.exists()
    assert LoginLink.objects.get().used_at is None

    browser = Client(enforce_csrf_checks=True)
    response = csrf_post(browser, path)
    assert response.status_code == 302 and response["Location"] == f"/p/{company.slug}/"
    assert portal_cookie(browser)
    assert browser.get(f"/p/{company.slug}/").status_code == 200
    account.refresh_from_db()
    assert account.state == PortalAccountState.ACTIVE and account.last_sign_in_at
    assert AuditEvent.objects.filter(verb="portal.signed_in", target_id=account.pk).exists()


def test_link_works_once(csrf_client, company, account, mailbox):
    request_link(csrf_client, company, account.email)
    path = link_in(mailbox, mailbox.messages[-1])
    assert csrf_post(csrf_client, path).status_code == 302
    again = csrf_post(Client(enforce_csrf_checks=True), path)
    assert again.status_code == 410
    body = again.content.decode()
    assert "already been used" in body and "Email me a fresh link" in body
    assert "used" in denial_reasons(company)
    assert PortalSession.objects.count() == 1


def test_link_expires_after_the_company_lifetime(csrf_client, company, account, mailbox):
    company.settings.login_link_minutes = 5
    company.settings.save()
    request_link(csrf_client, company, account.email)
    path = link_in(mailbox, mailbox.messages[-1])
    assert "5 minutes" in mailbox.text(mailbox.messages[-1])
    with time_machine.travel(timezone.now() + timedelta(minutes=5, seconds=1)):
        browser = Client(enforce_csrf_checks=True)
        response = csrf_post(browser, path)
        assert response.status_code == 410
        assert "expired" in response.content.decode()
        assert portal_cookie(browser) is None
        assert "expired" in denial_reasons(company)
        # One click on "Email me a fresh link" sends a new link to the address on file.
        mailbox.clear()
        fresh = csrf_post(browser, f"{path}/fresh")
        assert fresh.status_code == 200
        [message] = mailbox.to(account.email)
        assert (
            csrf_post(Client(enforce_csrf_checks=True), link_in(mailbox, message)).status_code
            == 302
        )


def test_lifetime_is_capped_at_an_hour(company, account):
    from doorstep.access.models import LinkPurpose
    from doorstep.access.services import login_link_issue

    company.settings.login_link_minutes = 240  # past the validator, e.g. a bad import
    company.settings.save()
    issued = login_link_issue(account=account, purpose=LinkPurpose.SIGN_IN)
    assert issued.link.expires_at - issued.link.created_at <= timedelta(minutes=60, seconds=1)


def test_newer_link_supersedes_older(csrf_client, company, account, mailbox):
    """SECURITY 4: issue A then B -> A fails."""
    request_link(csrf_client, company, account.email)
    first = link_in(mailbox, mailbox.messages[-1])
    with time_machine.travel(timezone.now() + timedelta(seconds=61)):
        request_link(csrf_client, company, account.email)
        second = link_in(mailbox, mailbox.messages[-1])
        assert first != second
        old = csrf_post(Client(enforce_csrf_checks=True), first)
        assert old.status_code == 410 and "newer link" in old.content.decode()
        assert csrf_post(Client(enforce_csrf_checks=True), second).status_code == 302
    assert "superseded" in denial_reasons(company)


def test_link_of_company_x_fails_on_company_y(csrf_client, company, other_company, mailbox):
    """SECURITY 4: company X's link on company Y's portal fails; the same email at both
    companies is two independent accounts."""
    mine = new_account(company, "shared@example.test")
    theirs = new_account(other_company, "shared@example.test")
    assert mine.pk != theirs.pk
    request_link(csrf_client, company, "shared@example.test")
    path = link_in(mailbox, mailbox.messages[-1])
    wrong = path.replace(f"/p/{company.slug}/", f"/p/{other_company.slug}/")
    response = csrf_post(Client(enforce_csrf_checks=True), wrong)
    assert response.status_code == 404
    assert "recognise this link" in response.content.decode()
    assert "wrong_company" in denial_reasons(other_company)
    assert not PortalSession.objects.exists()
    # Nothing changed: the link still works where it belongs, for company X's account only.
    browser = Client(enforce_csrf_checks=True)
    assert csrf_post(browser, path).status_code == 302
    assert PortalSession.objects.get().account == mine
    assert browser.get(f"/p/{other_company.slug}/").status_code == 302


@pytest.mark.parametrize(
    "token", ["abc", "x" * 43 + "!", "A" * 43, "%00%27or%201=1--" + "a" * 40, "a" * 300]
)
def test_malformed_or_unknown_tokens_get_a_plain_page(company, token):
    response = Client().get(f"/p/{company.slug}/l/{token}")
    assert response.status_code == 404
    body = response.content.decode()
    assert "Email me a sign-in link" in body and "Traceback" not in body
    assert denial_reasons(company)


def test_deactivation_kills_links_and_sessions(csrf_client, company, account, mailbox):
    from doorstep.access.services import portal_account_deactivate, portal_account_reactivate

    request_link(csrf_client, company, account.email)
    path = link_in(mailbox, mailbox.messages[-1])
    signed_in = Client()
    from ..portal_helpers import sign_in

    sign_in(signed_in, account)
    portal_account_deactivate(company=company, account=account, actor=Actor.system())
    assert signed_in.get(f"/p/{company.slug}/").status_code == 302
    response = csrf_post(Client(enforce_csrf_checks=True), path)
    assert response.status_code == 410
    assert "Email me a fresh link" not in response.content.decode()
    portal_account_reactivate(company=company, account=account, actor=Actor.system())
    assert csrf_post(Client(enforce_csrf_checks=True), path).status_code == 410  # stays dead


def test_email_change_kills_links(csrf_client, company, account, mailbox):
    request_link(csrf_client, company, account.email)
    path = link_in(mailbox, mailbox.messages[-1])
    account.contact.email = "new-address@example.test"
    account.contact.save()
    response = csrf_post(Client(enforce_csrf_checks=True), path)
    assert response.status_code == 410
    assert "email_changed" in denial_reasons(company)


def test_code_signs_in_on_another_device(csrf_client, company, account, mailbox):
    request_link(csrf_client, company, account.email)
    message = mailbox.messages[-1]
    code, path = code_in(mailbox, message), link_in(mailbox, message)
    phone = Client(enforce_csrf_checks=True)
    response = csrf_post(
        phone, f"/p/{company.slug}/sign-in/code", {"email": account.email, "code": code}
    )
    assert response.status_code == 302 and portal_cookie(phone)
    # The code and the link are one: using one uses both.
    assert csrf_post(Client(enforce_csrf_checks=True), path).status_code == 410


def test_wrong_codes_kill_the_link_after_five(csrf_client, company, account, mailbox):
    request_link(csrf_client, company, account.email)
    code = code_in(mailbox, mailbox.messages[-1])
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    phone = Client(enforce_csrf_checks=True)
    url = f"/p/{company.slug}/sign-in/code"
    for _ in range(5):
        response = csrf_post(phone, url, {"email": account.email, "code": wrong})
        assert response.status_code == 400
        assert "code does not work" in response.content.decode()
    response = csrf_post(phone, url, {"email": account.email, "code": code})
    assert response.status_code == 400 and portal_cookie(phone) is None
    assert "code_wrong" in denial_reasons(company)


@pytest.mark.parametrize("code", ["12345", "abcdef", "1234567", "", "12 34 5x"])
def test_tampered_codes_are_refused_plainly(csrf_client, company, account, code):
    response = csrf_post(
        csrf_client, f"/p/{company.slug}/sign-in/code", {"email": account.email, "code": code}
    )
    assert response.status_code == 400
    assert (
        "6 digits" in response.content.decode() or "Enter the 6-digit" in response.content.decode()
    )
    assert not PortalSession.objects.exists()
    assert denial_reasons(company) == ["code_malformed"]


def test_wrong_company_slug_is_a_plain_404(csrf_client, company, account, mailbox):
    request_link(csrf_client, company, account.email)
    path = link_in(mailbox, mailbox.messages[-1])
    response = Client().get(path.replace(company.slug, "no-such-company"))
    assert response.status_code == 404
    assert "Traceback" not in response.content.decode()


def test_email_change_ends_sessions(company, account):
    from ..portal_helpers import sign_in

    browser = Client()
    sign_in(browser, account)
    assert browser.get(f"/p/{company.slug}/").status_code == 200
    account.contact.email = "someone-else@example.test"
    account.contact.save()
    assert browser.get(f"/p/{company.slug}/").status_code == 302


def test_new_address_of_a_contact_can_ask_for_a_link(csrf_client, company, account, mailbox):
    account.contact.email = "pat.new@example.test"
    account.contact.save()
    request_link(csrf_client, company, "pat.new@example.test")
    [message] = mailbox.to("pat.new@example.test")
    account.refresh_from_db()
    assert account.email == "pat.new@example.test"
    assert csrf_post(Client(enforce_csrf_checks=True), link_in(mailbox, message)).status_code == 302


def test_address_shared_by_two_customers_gets_no_link(csrf_client, company, mailbox):
    from ..factories import ContactFactory, CustomerFactory

    for name in ["Pat Smith", "Pat's Bakery"]:
        ContactFactory(customer=CustomerFactory(company=company, name=name), email="pat@x.test")
    assert request_link(csrf_client, company, "pat@x.test").status_code == 200
    assert mailbox.messages == []


def test_links_come_from_base_url_not_the_host_header(company, account, mailbox):
    browser = Client(enforce_csrf_checks=True, HTTP_HOST="localhost")
    request_link(browser, company, account.email)
    text = mailbox.text(mailbox.messages[-1])
    assert "https://portal.example.test/p/" in text and "localhost" not in text


@pytest.mark.parametrize(
    ("minutes", "words"),
    [
        (1, "1 minute"),
        (15, "15 minutes"),
        (60, "60 minutes"),
        (120, "2 hours"),
        (1440, "24 hours"),
        (60 * 24 * 3, "3 days"),
        (60 * 24 * 2, "2 days"),
    ],
)
def test_how_long_a_link_works_is_said_in_good_english(minutes, words):
    from datetime import timedelta

    from doorstep.access.services import lifetime_words

    assert lifetime_words(timedelta(minutes=minutes)) == words
