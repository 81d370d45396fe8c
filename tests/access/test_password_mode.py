"""Password mode (SECURITY 8, 9): invitations, registration, reset, rules and throttling."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.hashers import make_password
from django.test import Client
from django.utils import timezone

from doorstep.access.invitations import portal_account_invite
from doorstep.access.models import (
    PortalAccount,
    PortalAccountState,
    PortalSession,
    RegistrationRequest,
    RegistrationState,
)
from doorstep.access.registrations import registration_approve
from doorstep.core.audit import Actor
from doorstep.tenancy.models import RegistrationPolicy, SignInMode

from ..factories import ContactFactory, CustomerFactory
from ..portal_helpers import sign_in
from .conftest import csrf_post, link_in, new_account, portal_cookie

pytestmark = pytest.mark.django_db(transaction=True)
GOOD = "a long walk by the river"
STAFF = Actor.system("Office")


@pytest.fixture
def pw_company(company):
    company.settings.sign_in_mode = SignInMode.PASSWORD
    company.settings.save()
    return company


def password_sign_in(client, company, email, password):
    return csrf_post(client, f"/p/{company.slug}/sign-in", {"email": email, "password": password})


def test_invitation_is_single_use_and_does_not_sign_in(pw_company, mailbox):
    customer = CustomerFactory(company=pw_company)
    ContactFactory(customer=customer, email="pat@example.test")
    portal_account_invite(company=pw_company, customer=customer, actor=STAFF)
    [message] = mailbox.to("pat@example.test")
    assert "invited" in message["Subject"]
    path = link_in(mailbox, message)
    assert "/password/set/" in path
    browser = Client(enforce_csrf_checks=True)
    for _ in range(2):
        page = browser.get(path)  # scanners: looking changes nothing
        assert page.status_code == 200 and "Choose your password" in page.content.decode()
    assert browser.head(path).status_code == 200
    done = csrf_post(browser, path, {"password": GOOD})
    assert done.status_code == 200 and "Sign in with your email" in done.content.decode()
    assert portal_cookie(browser) is None
    assert csrf_post(Client(enforce_csrf_checks=True), path, {"password": GOOD}).status_code == 410
    signed = Client(enforce_csrf_checks=True)
    assert password_sign_in(signed, pw_company, "pat@example.test", GOOD).status_code == 302
    assert portal_cookie(signed)
    assert PortalAccount.objects.get().state == PortalAccountState.ACTIVE


def test_invitation_expires(pw_company, mailbox):
    customer = CustomerFactory(company=pw_company)
    ContactFactory(customer=customer, email="pat@example.test")
    portal_account_invite(company=pw_company, customer=customer, actor=STAFF)
    path = link_in(mailbox, mailbox.messages[-1])
    with time_machine.travel(timezone.now() + timedelta(hours=73)):
        response = csrf_post(Client(enforce_csrf_checks=True), path, {"password": GOOD})
    assert response.status_code == 410 and "expired" in response.content.decode()


@pytest.mark.parametrize(
    ("password", "words"),
    [("short1", "too short"), ("password123", "too common"), ("12345678", "too common")],
)
def test_password_rules(pw_company, mailbox, password, words):
    customer = CustomerFactory(company=pw_company)
    ContactFactory(customer=customer, email="pat@example.test")
    portal_account_invite(company=pw_company, customer=customer, actor=STAFF)
    path = link_in(mailbox, mailbox.messages[-1])
    response = csrf_post(Client(enforce_csrf_checks=True), path, {"password": password})
    assert response.status_code == 400 and words in response.content.decode()
    long_phrase = "correct horse battery staple " * 4  # 116 characters, no composition rules
    assert (
        csrf_post(Client(enforce_csrf_checks=True), path, {"password": long_phrase}).status_code
        == 200
    )


@pytest.mark.parametrize("password", ["ahmed.jones", "Ahmed.Jones1"])
def test_a_password_like_the_email_address_is_refused(pw_company, mailbox, password):
    customer = CustomerFactory(company=pw_company)
    ContactFactory(customer=customer, email="ahmed.jones@example.com", name="Ahmed Jones")
    portal_account_invite(company=pw_company, customer=customer, actor=STAFF)
    path = link_in(mailbox, mailbox.messages[-1])
    response = csrf_post(Client(enforce_csrf_checks=True), path, {"password": password})
    assert response.status_code == 400
    assert "too similar to your email address" in response.content.decode()
    assert not PortalAccount.objects.get().password


def test_registration_with_a_known_but_unverified_email_sees_nothing(pw_company, mailbox):
    customer = CustomerFactory(company=pw_company)
    ContactFactory(customer=customer, email="pat@example.test")
    browser = Client(enforce_csrf_checks=True)
    response = csrf_post(
        browser,
        f"/p/{pw_company.slug}/register",
        {"name": "Pat", "email": "pat@example.test", "phone": ""},
    )
    assert response.status_code == 200 and "Check your email" in response.content.decode()
    account = PortalAccount.objects.get()
    assert account.state == PortalAccountState.INVITED and not account.password
    # Not verified yet: no password works and no session exists.
    assert password_sign_in(browser, pw_company, "pat@example.test", GOOD).status_code == 400
    assert not PortalSession.objects.exists()
    path = link_in(mailbox, mailbox.to("pat@example.test")[-1])
    assert csrf_post(Client(enforce_csrf_checks=True), path, {"password": GOOD}).status_code == 200
    assert password_sign_in(browser, pw_company, "pat@example.test", GOOD).status_code == 302


def test_registration_with_an_unknown_email_is_rejected_quietly(pw_company, mailbox):
    response = csrf_post(
        Client(enforce_csrf_checks=True),
        f"/p/{pw_company.slug}/register",
        {"name": "Mallory", "email": "victim@example.test", "phone": ""},
    )
    assert response.status_code == 200 and "Check your email" in response.content.decode()
    assert mailbox.messages == []
    assert not PortalAccount.objects.exists() and not RegistrationRequest.objects.exists()


def test_registration_queued_for_staff_grants_nothing_until_approved(pw_company, mailbox):
    pw_company.settings.registration_policy = RegistrationPolicy.STAFF_APPROVAL
    pw_company.settings.save()
    browser = Client(enforce_csrf_checks=True)
    csrf_post(
        browser,
        f"/p/{pw_company.slug}/register",
        {"name": "Robin New", "email": "robin@example.test", "phone": "555"},
    )
    path = link_in(mailbox, mailbox.to("robin@example.test")[-1])
    assert "/register/verify/" in path
    assert Client().get(path).status_code == 200  # looking does not verify
    assert RegistrationRequest.objects.get().state == RegistrationState.UNVERIFIED
    done = csrf_post(browser, path)
    assert done.status_code == 200 and "will check your details" in done.content.decode()
    request = RegistrationRequest.objects.get()
    assert request.state == RegistrationState.PENDING
    assert not PortalAccount.objects.exists()
    assert password_sign_in(browser, pw_company, "robin@example.test", GOOD).status_code == 400

    customer = CustomerFactory(company=pw_company, name="Robin New")
    registration_approve(company=pw_company, request=request, customer=customer, actor=STAFF)
    invitation = link_in(mailbox, mailbox.to("robin@example.test")[-1])
    assert "/password/set/" in invitation
    csrf_post(Client(enforce_csrf_checks=True), invitation, {"password": GOOD})
    assert password_sign_in(browser, pw_company, "robin@example.test", GOOD).status_code == 302


def test_password_reset_flow(pw_company, mailbox):
    account = new_account(
        pw_company, password=make_password("old password here"), email_verified_at=timezone.now()
    )
    elsewhere = Client()
    sign_in(elsewhere, account)
    browser = Client(enforce_csrf_checks=True)
    response = csrf_post(browser, f"/p/{pw_company.slug}/password/forgot", {"email": account.email})
    assert response.status_code == 200 and "Check your email" in response.content.decode()
    path = link_in(mailbox, mailbox.to(account.email)[-1])
    done = csrf_post(browser, path, {"password": GOOD})  # sign-out box left unticked
    assert done.status_code == 200
    assert "Sign out everywhere" in done.content.decode()
    assert portal_cookie(browser) is None  # no automatic sign-in after a reset
    notice = mailbox.to(account.email)[-1]
    assert "password was changed" in notice["Subject"]
    assert (
        password_sign_in(browser, pw_company, account.email, "old password here").status_code == 400
    )
    assert password_sign_in(browser, pw_company, account.email, GOOD).status_code == 302
    assert elsewhere.get(f"/p/{pw_company.slug}/").status_code == 200  # until they choose


def test_unknown_address_reset_answers_the_same(pw_company, mailbox):
    response = csrf_post(
        Client(enforce_csrf_checks=True),
        f"/p/{pw_company.slug}/password/forgot",
        {"email": "nobody@example.test"},
    )
    assert response.status_code == 200 and "Check your email" in response.content.decode()
    assert mailbox.messages == []


def test_wrong_passwords_are_throttled_per_account(pw_company):
    account = new_account(
        pw_company, password=make_password(GOOD), email_verified_at=timezone.now()
    )
    browser = Client(enforce_csrf_checks=True)
    for _ in range(5):
        response = password_sign_in(browser, pw_company, account.email, "wrong guess here")
        assert response.status_code == 400 and "do not match" in response.content.decode()
    blocked = password_sign_in(browser, pw_company, account.email, GOOD)
    assert blocked.status_code == 400 and "Too many attempts" in blocked.content.decode()
    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        assert password_sign_in(browser, pw_company, account.email, GOOD).status_code == 302


def test_deactivated_account_cannot_sign_in_with_its_password(pw_company):
    account = new_account(
        pw_company,
        password=make_password(GOOD),
        email_verified_at=timezone.now(),
        state=PortalAccountState.DEACTIVATED,
    )
    response = password_sign_in(Client(enforce_csrf_checks=True), pw_company, account.email, GOOD)
    assert response.status_code == 400


def test_passwordless_company_offers_no_password_pages(company, account):
    browser = Client(enforce_csrf_checks=True)
    assert password_sign_in(browser, company, account.email, GOOD).status_code == 400
    assert browser.get(f"/p/{company.slug}/password/forgot").status_code == 404
    assert browser.get(f"/p/{company.slug}/register").status_code == 404
    page = browser.get(f"/p/{company.slug}/sign-in").content.decode()
    assert "Email me a sign-in link" in page and 'type="password"' not in page


def test_password_company_offers_no_links(pw_company, account, mailbox):
    page = Client().get(f"/p/{pw_company.slug}/sign-in").content.decode()
    assert "Email me a sign-in link" not in page and "Forgot your password" in page
    response = csrf_post(
        Client(enforce_csrf_checks=True),
        f"/p/{pw_company.slug}/sign-in/link",
        {"email": account.email},
        page=f"/p/{pw_company.slug}/sign-in",
    )
    assert response.status_code == 400 and mailbox.messages == []


def test_reset_can_sign_out_every_other_device(pw_company, mailbox):
    account = new_account(
        pw_company, password=make_password("old password here"), email_verified_at=timezone.now()
    )
    elsewhere = Client()
    sign_in(elsewhere, account)
    browser = Client(enforce_csrf_checks=True)
    csrf_post(browser, f"/p/{pw_company.slug}/password/forgot", {"email": account.email})
    path = link_in(mailbox, mailbox.to(account.email)[-1])
    assert "sign me out on every other device" in browser.get(path).content.decode()
    done = csrf_post(browser, path, {"password": GOOD, "sign_out_everywhere": "on"})
    assert "has been signed out" in done.content.decode()
    assert elsewhere.get(f"/p/{pw_company.slug}/").status_code == 302
