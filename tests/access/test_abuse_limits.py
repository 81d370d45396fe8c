"""Abuse limits that work behind a load balancer (issue 9, items 11-13 and the access rules of
item 17): the client address comes from the trusted proxies, guessing limits are keyed on
what is guessed as well as on the address, and one client cannot lock others out."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.test import Client, RequestFactory
from django.utils import timezone

from doorstep.access.models import LinkPurpose, LoginLink, PortalAccountState, PortalSession
from doorstep.access.portal_sessions import client_ip
from doorstep.access.services import (
    LinkRefused,
    login_link_consume,
    login_link_find,
    login_link_issue,
    portal_account_deactivate,
)
from doorstep.core.audit import Actor
from doorstep.notifications.send_time import resolve
from doorstep.tenancy.models import SignInMode

from ..factories import make_invoice
from .conftest import csrf_post, link_in, new_account, portal_cookie, request_link

pytestmark = pytest.mark.django_db(transaction=True)  # emails go after commit

BASE = "https://portal.example.test"
BALANCER = "10.0.0.1"  # REMOTE_ADDR of every request that comes through the load balancer
UNKNOWN = "A" * 43  # token-shaped, matches no link


def browser(ip: str, *, forwarded: str = "", remote: str = "") -> Client:
    """A browser at `ip`: directly (REMOTE_ADDR) or, with `forwarded`, behind the balancer."""
    extra = {"REMOTE_ADDR": remote or ip}
    if forwarded:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return Client(enforce_csrf_checks=True, **extra)


def code_post(client: Client, company, email: str, code: str):
    return csrf_post(client, f"/p/{company.slug}/sign-in/code", {"email": email, "code": code})


# --- Item 11: the client address --------------------------------------------------------------


@pytest.mark.parametrize(
    ("hops", "forwarded", "expected"),
    [
        (0, "203.0.113.5", BALANCER),  # no proxy trusted: the header is the client's own words
        (1, "203.0.113.5", "203.0.113.5"),
        (1, "6.6.6.6, 203.0.113.5", "203.0.113.5"),  # a forged left-most entry is ignored
        (2, "6.6.6.6, 203.0.113.5, 198.51.100.9", "203.0.113.5"),  # CDN + balancer
        (1, "203.0.113.5:51234", "203.0.113.5"),
        (1, "[2001:db8::7]:443", "2001:db8::7"),
        (1, "unknown", BALANCER),  # garbage never reaches an IP address column
        (1, "", BALANCER),
    ],
)
def test_client_address_is_taken_that_many_hops_from_the_right(settings, hops, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = hops
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    request = RequestFactory().get("/", REMOTE_ADDR=BALANCER, **extra)
    assert client_ip(request) == expected


def test_behind_the_balancer_one_clients_link_requests_do_not_block_customers(
    settings, company, account, mailbox
):
    """20 link requests from one client used to block every customer (they all had the
    balancer's address). A forged, changing left-most entry does not escape the limit."""
    settings.TRUSTED_PROXY_COUNT = 1
    for n in range(20):
        spammer = browser("198.51.100.66", forwarded=f"9.9.9.{n}, 198.51.100.66", remote=BALANCER)
        assert request_link(spammer, company, f"person{n}@example.test").status_code == 200
    spammer = browser("198.51.100.66", forwarded="1.1.1.1, 198.51.100.66", remote=BALANCER)
    assert request_link(spammer, company, "one-more@example.test").status_code == 429
    customer = browser("203.0.113.5", forwarded="203.0.113.5", remote=BALANCER)
    assert request_link(customer, company, account.email).status_code == 200
    assert len(mailbox.to(account.email)) == 1


def test_a_bad_token_flood_does_not_lock_the_owner_out_of_a_valid_link(company, account, mailbox):
    """30 unknown tokens from one address: the 31st is refused with 429 (the scanning limit),
    other addresses are not affected, and a live link still opens from that same address."""
    flooded = "192.0.2.10"
    request_link(browser("203.0.113.5"), company, account.email)
    link = link_in(mailbox, mailbox.messages[-1])
    for _ in range(30):
        assert browser(flooded).get(f"/p/{company.slug}/l/{UNKNOWN}").status_code == 404
    assert browser(flooded).get(f"/p/{company.slug}/l/{UNKNOWN}").status_code == 429
    assert browser(flooded).get(f"/p/{company.slug}/i/{UNKNOWN}").status_code == 429
    assert browser("192.0.2.11").get(f"/p/{company.slug}/l/{UNKNOWN}").status_code == 404
    # The owner shares the flooded address (an office network, a misconfigured proxy count).
    owner = browser(flooded)
    assert owner.get(link).status_code == 200
    response = csrf_post(owner, link)
    assert response.status_code == 302 and portal_cookie(owner)


def test_a_bad_token_flood_does_not_lock_the_owner_out_of_an_invoice_link(
    company, account, mailbox
):
    from doorstep.access.invoice_sending import invoice_send

    invoice_send(company=company, invoice=make_invoice(account.customer), actor=Actor.system())
    link = link_in(mailbox, mailbox.messages[-1])
    for _ in range(31):
        browser("192.0.2.10").get(f"/p/{company.slug}/i/{UNKNOWN}")
    owner = browser("192.0.2.10")
    assert owner.get(link).status_code == 200
    assert csrf_post(owner, link).status_code == 302 and portal_cookie(owner)


def test_wrong_codes_from_one_address_are_limited_across_email_addresses(company):
    """One wrong code for each of 20 accounts (no per-account limit is reached) from one
    address: the 21st attempt from it is refused even with the right code; elsewhere it works."""
    attacker = "192.0.2.20"
    for n in range(20):
        victim = new_account(company, f"victim{n}@example.test")
        login_link_issue(account=victim, purpose=LinkPurpose.SIGN_IN)
        assert code_post(browser(attacker), company, victim.email, "000000").status_code == 400
    target = new_account(company, "target@example.test")
    issued = login_link_issue(account=target, purpose=LinkPurpose.SIGN_IN)
    assert code_post(browser(attacker), company, target.email, issued.code).status_code == 429
    elsewhere = browser("203.0.113.5")
    assert code_post(elsewhere, company, target.email, issued.code).status_code == 302
    assert portal_cookie(elsewhere)


# --- Item 12: codes guessed across re-issued links --------------------------------------------


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def test_wrong_codes_are_capped_per_address_per_day_across_links(company, account):
    """A new link each minute brought 5 new guesses. Now 10 wrong codes a day, whatever the
    links and whichever addresses they come from; then even the right code is refused (the
    button in the email still works), and the next day codes work again."""
    for round_ in range(2):
        issued = login_link_issue(account=account, purpose=LinkPurpose.SIGN_IN)
        for n in range(5):
            response = code_post(
                browser(f"198.51.100.{round_ * 5 + n}"), company, account.email, wrong(issued.code)
            )
            assert response.status_code == 400
    issued = login_link_issue(account=account, purpose=LinkPurpose.SIGN_IN)
    refused = code_post(browser("203.0.113.5"), company, account.email, issued.code)
    assert refused.status_code == 429
    assert "Too many wrong codes" in refused.content.decode()
    assert PortalSession.objects.count() == 0
    owner = browser("203.0.113.5")
    assert csrf_post(owner, issued.url.removeprefix(BASE)).status_code == 302  # the link works
    with time_machine.travel(timezone.now() + timedelta(days=1, minutes=1)):
        issued = login_link_issue(account=account, purpose=LinkPurpose.SIGN_IN)
        other = browser("203.0.113.6")
        assert code_post(other, company, account.email, issued.code).status_code == 302


def test_the_code_cap_answers_the_same_for_unknown_addresses(company, account):
    pages = {}
    for email in (account.email, "nobody@example.test"):
        for n in range(10):
            code_post(browser(f"198.51.100.{n}"), company, email, "123456")
        response = code_post(browser("203.0.113.9"), company, email, "123456")
        page = re.sub(r'value="[^"]{32,}"', "", response.content.decode())  # CSRF tokens
        pages[email] = (response.status_code, page.replace(email, "E"))
    assert pages[account.email] == pages["nobody@example.test"]
    assert pages[account.email][0] == 429


# --- Item 13: password mode does not tell which addresses have accounts -----------------------


def test_the_sixth_wrong_password_answers_the_same_for_known_and_unknown_addresses(company):
    company.settings.sign_in_mode = SignInMode.PASSWORD
    company.settings.save()
    known = new_account(
        company, "known@example.test", password=make_password("a good long pass 1"),
        email_verified_at=timezone.now(),
    )  # fmt: skip
    answers = {}
    for email in (known.email, "unknown@example.test"):
        client = browser("203.0.113.30")
        replies = []
        for _ in range(6):
            response = csrf_post(
                client,
                f"/p/{company.slug}/sign-in",
                {"email": email, "password": "wrong guess here"},
            )
            replies.append((response.status_code, "Too many attempts" in response.content.decode()))
        answers[email] = replies
    assert answers[known.email] == answers["unknown@example.test"]
    assert answers[known.email][-1] == (400, True)


# --- Item 17: rules that could be deleted with the suite green --------------------------------


def test_consume_refuses_a_link_that_expired_after_it_was_found(company, account):
    """The landing page found the link live; the POST that uses it comes after expiry."""
    issued = login_link_issue(account=account, purpose=LinkPurpose.SIGN_IN)
    found = login_link_find(
        company=company, raw=issued.url.rsplit("/", 1)[1], purposes={LinkPurpose.SIGN_IN}
    )
    with time_machine.travel(found.expires_at + timedelta(seconds=1)), pytest.raises(LinkRefused):
        login_link_consume(link=found)
    assert LoginLink.objects.get(pk=found.pk).used_at is None


def test_the_portal_cookie_is_http_only(company, account):
    client = browser("203.0.113.40")
    issued = login_link_issue(account=account, purpose=LinkPurpose.SIGN_IN)
    response = csrf_post(client, issued.url.removeprefix(BASE))
    morsel = response.cookies[settings.PORTAL_SESSION_COOKIE]
    assert morsel["httponly"] is True
    assert morsel["samesite"] == "Lax"


def test_an_invoice_link_of_a_deactivated_account_is_refused(company, account):
    from doorstep.access.invoice_links import invoice_link_create

    invoice = make_invoice(account.customer)
    path = resolve(invoice_link_create(invoice=invoice, account=account), company=company)
    path = path.removeprefix(BASE)
    portal_account_deactivate(company=company, account=account, actor=Actor.system())
    client = browser("203.0.113.41")
    page = client.get(path)
    assert page.status_code == 410
    assert "Online access to your account is paused" in page.content.decode()
    assert csrf_post(client, path).status_code == 410
    assert not portal_cookie(client)
    assert account.__class__.objects.get(pk=account.pk).state == PortalAccountState.DEACTIVATED
