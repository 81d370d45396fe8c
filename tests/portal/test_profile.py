"""The customer's profile page: details in plain words, the mobile number for texts proved
with a texted code, an email change proved by a link to the new address, a password change,
and "sign out everywhere"."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.test import Client
from django.utils import timezone

from doorstep.access.models import PortalAccount, PortalSession
from doorstep.core.models import AuditEvent
from doorstep.core.verbs import Verb
from doorstep.notifications.models import CustomerPhone, Notification
from doorstep.tenancy.models import SignInMode

from ..access.conftest import csrf_post
from ..factories import (
    CompanyFactory,
    ContactFactory,
    CustomerFactory,
    LocationFactory,
    make_portal_account,
    sms_ready,
)
from ..portal_helpers import sign_in

pytestmark = pytest.mark.django_db(transaction=True)
CHANGE_LINK = re.compile(r"https://portal\.example\.test(/p/[\w-]+/profile/email/[A-Za-z0-9_-]+)")
GOOD = "a long walk by the river"


@pytest.fixture
def account():
    customer = CustomerFactory(name="Pat Smith")
    contact = ContactFactory(customer=customer, name="Pat Smith", email="pat.smith@example.test")
    LocationFactory(customer=customer, label="Home", street="12 Elm Street", city="Springfield")
    return make_portal_account(contact)


def url(company) -> str:
    return f"/p/{company.slug}/profile/"


def signed_in(account) -> Client:
    client = Client(enforce_csrf_checks=True)
    sign_in(client, account)
    return client


def post(client, account, data):
    return csrf_post(client, url(account.company), data)


def texted_code(twilio) -> str:
    return re.search(r"\b(\d{6})\b", twilio.texts[-1].form["Body"]).group(1)


def test_profile_shows_the_details_in_plain_words_and_is_in_the_menu(account):
    client = signed_in(account)
    home = client.get(f"/p/{account.company.slug}/").content.decode()
    assert f'href="{url(account.company)}"' in home and "Your profile" in home
    page = client.get(url(account.company)).content.decode()
    assert "Pat Smith" in page and "pat.smith@example.test" in page
    assert "Home: 12 Elm Street, Springfield" in page
    assert "None: we send you no texts" in page
    assert "Two-step sign-in: filled in by the two-step work" not in page  # a comment only
    assert f'action="/p/{account.company.slug}/sign-out-everywhere"' in page
    assert "signs out every browser and device" in page


def test_two_step_card_is_on_the_profile_where_passwords_are_offered(password_account):
    client = signed_in(password_account)
    page = client.get(url(password_account.company)).content.decode()
    assert "Two-step sign-in" in page and "Set up two-step sign-in" in page
    assert f"/p/{password_account.company.slug}/profile/two-step/" in page


def test_no_two_step_card_when_the_company_uses_links_only(account):
    page = signed_in(account).get(url(account.company)).content.decode()
    assert "Two-step sign-in" not in page


def test_phone_is_verified_with_a_texted_code_and_only_then_used(account, twilio):
    sms_ready(account.company)
    client = signed_in(account)
    assert (
        post(client, account, {"action": "send_code", "phone": "(555) 123-4567"}).status_code == 302
    )
    phone = CustomerPhone.objects.get(customer=account.customer)
    code = texted_code(twilio)
    assert phone.verified_at is None and not phone.can_receive_texts
    assert code not in phone.code_hash  # stored as an HMAC, never as typed
    assert "not verified yet" in client.get(url(account.company)).content.decode()
    assert post(client, account, {"action": "verify", "code": code}).status_code == 302
    phone.refresh_from_db()
    assert phone.can_receive_texts
    assert "+15551234567 (verified)" in client.get(url(account.company)).content.decode()
    assert AuditEvent.objects.filter(verb=Verb.PHONE_VERIFIED, company=account.company).exists()


def test_a_code_expires_after_ten_minutes(account, twilio):
    sms_ready(account.company)
    client = signed_in(account)
    post(client, account, {"action": "send_code", "phone": "+1 555 123 4567"})
    code = texted_code(twilio)
    with time_machine.travel(timezone.now() + timedelta(minutes=10, seconds=5)):
        sign_in(client, account)  # the first session went idle meanwhile
        late = post(client, account, {"action": "verify", "code": code})
    assert late.status_code == 400 and "That code has expired" in late.content.decode()
    assert CustomerPhone.objects.get().verified_at is None


def test_five_wrong_codes_and_the_right_one_no_longer_works(account, twilio):
    sms_ready(account.company)
    client = signed_in(account)
    post(client, account, {"action": "send_code", "phone": "+1 555 123 4567"})
    code = texted_code(twilio)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        refused = post(client, account, {"action": "verify", "code": wrong})
        assert refused.status_code == 400 and "That code is not right" in refused.content.decode()
    locked = post(client, account, {"action": "verify", "code": code})
    assert locked.status_code == 400 and "Too many wrong codes" in locked.content.decode()
    assert CustomerPhone.objects.get().verified_at is None


def test_at_most_three_codes_an_hour(account, twilio):
    sms_ready(account.company)
    client = signed_in(account)
    start = timezone.now()
    for minute in (0, 2, 4):
        with time_machine.travel(start + timedelta(minutes=minute)):
            sent = post(client, account, {"action": "send_code", "phone": "+1 555 123 4567"})
            assert sent.status_code == 302
    with time_machine.travel(start + timedelta(minutes=6)):
        fourth = post(client, account, {"action": "send_code", "phone": "+1 555 123 4567"})
    assert fourth.status_code == 400 and "3 codes in the last hour" in fourth.content.decode()
    assert len(twilio.texts) == 3
    with time_machine.travel(start + timedelta(minutes=61)):
        sign_in(client, account)
        again = post(client, account, {"action": "send_code", "phone": "+1 555 123 4567"})
    assert again.status_code == 302 and len(twilio.texts) == 4


# --- Email ----------------------------------------------------------------------------------


def test_email_changes_only_when_the_link_to_the_new_address_is_confirmed(account, mailbox):
    client = signed_in(account)
    asked = post(client, account, {"action": "change_email", "email": " New@Example.test "})
    assert asked.status_code == 302
    [message] = mailbox.to("new@example.test")
    path = CHANGE_LINK.search(mailbox.text(message)).group(1)
    assert not mailbox.to("pat.smith@example.test")
    # Scanners open links: looking changes nothing.
    opener = Client(enforce_csrf_checks=True)
    for _ in range(3):
        landing = opener.get(path)
        assert landing.status_code == 200 and "Use new@example.test" in landing.content.decode()
    opener.head(path)
    account.refresh_from_db()
    assert account.email == "pat.smith@example.test"
    done = csrf_post(opener, path)
    assert done.status_code == 200 and "now uses" in done.content.decode()
    account.refresh_from_db()
    account.contact.refresh_from_db()
    assert account.email == "new@example.test" == account.contact.email
    [notice] = mailbox.to("pat.smith@example.test")
    assert "your email was changed" in notice["Subject"].lower() or "was changed" in (
        mailbox.text(notice)
    )
    assert "new@example.test" in mailbox.text(notice)
    # Every session ended, the one that asked too; the link works once.
    assert not PortalSession.objects.filter(account=account, ended_at=None).exists()
    assert client.get(url(account.company)).status_code == 302
    again = csrf_post(Client(enforce_csrf_checks=True), path)
    assert again.status_code == 410 and "already been used" in again.content.decode()
    assert AuditEvent.objects.filter(verb=Verb.PORTAL_EMAIL_CHANGED).count() == 1


def test_an_address_of_another_account_of_the_company_is_refused(account, mailbox):
    other = make_portal_account(
        ContactFactory(
            customer=CustomerFactory(company=account.company), email="taken@example.test"
        )
    )
    client = signed_in(account)
    refused = post(client, account, {"action": "change_email", "email": "Taken@example.test"})
    body = refused.content.decode()
    assert refused.status_code == 400 and "already used by another account" in body
    assert not mailbox.to("taken@example.test")
    account.refresh_from_db()
    assert account.email == "pat.smith@example.test" and other.email == "taken@example.test"


def test_the_same_address_at_another_company_is_fine(account, mailbox):
    make_portal_account(ContactFactory(email="elsewhere@example.test"))
    client = signed_in(account)
    assert (
        post(
            client, account, {"action": "change_email", "email": "elsewhere@example.test"}
        ).status_code
        == 302
    )
    assert len(mailbox.to("elsewhere@example.test")) == 1


def test_bad_email_input_changes_nothing(account, mailbox):
    client = signed_in(account)
    for typed, words in [
        ("not-an-address", "Enter an email address"),
        ("pat.smith@example.test", "already your email address"),
    ]:
        refused = post(client, account, {"action": "change_email", "email": typed})
        assert refused.status_code == 400 and words in refused.content.decode()
    assert not Notification.objects.exists()


def test_a_change_link_on_another_companys_portal_is_unknown(account, mailbox):
    client = signed_in(account)
    post(client, account, {"action": "change_email", "email": "new@example.test"})
    path = CHANGE_LINK.search(mailbox.text(mailbox.to("new@example.test")[0])).group(1)
    other = CompanyFactory()
    foreign = path.replace(f"/p/{account.company.slug}/", f"/p/{other.slug}/")
    assert Client().get(foreign).status_code == 404
    assert csrf_post(Client(enforce_csrf_checks=True), foreign).status_code == 404
    account.refresh_from_db()
    assert account.email == "pat.smith@example.test"


def test_a_newer_request_supersedes_the_older_link(account, mailbox):
    client = signed_in(account)
    post(client, account, {"action": "change_email", "email": "first@example.test"})
    post(client, account, {"action": "change_email", "email": "second@example.test"})
    first = CHANGE_LINK.search(mailbox.text(mailbox.to("first@example.test")[0])).group(1)
    assert Client().get(first).status_code == 410


# --- Password -------------------------------------------------------------------------------


@pytest.fixture
def password_account(account):
    settings_ = account.company.settings
    settings_.sign_in_mode = SignInMode.PASSWORD
    settings_.save()
    PortalAccount.objects.filter(pk=account.pk).update(
        password=make_password(GOOD), email_verified_at=timezone.now()
    )
    account.refresh_from_db()
    return account


def test_no_password_section_when_the_company_uses_links_only(account):
    page = signed_in(account).get(url(account.company)).content.decode()
    assert "Change password" not in page and 'type="password"' not in page


def test_change_password_needs_the_current_one_and_refuses_similar_ones(password_account):
    account = password_account
    client = signed_in(account)
    new = "brand new phrase here"
    wrong = post(
        client, account, {"action": "change_password", "current": "nope nope", "password": new}
    )
    assert wrong.status_code == 400 and "not your current password" in wrong.content.decode()
    similar = post(
        client, account, {"action": "change_password", "current": GOOD, "password": "pat.smith1"}
    )
    assert similar.status_code == 400 and "too similar" in similar.content.decode()
    short = post(client, account, {"action": "change_password", "current": GOOD, "password": "x"})
    assert short.status_code == 400 and "too short" in short.content.decode()
    account.refresh_from_db()
    assert check_password(GOOD, account.password)


def test_change_password_signs_out_every_other_session(password_account, mailbox):
    account = password_account
    other_device = Client()
    sign_in(other_device, account)
    client = signed_in(account)
    done = post(
        client, account,
        {"action": "change_password", "current": GOOD, "password": "another long river walk"},
    )  # fmt: skip
    assert done.status_code == 302
    account.refresh_from_db()
    assert check_password("another long river walk", account.password)
    assert client.get(url(account.company)).status_code == 200  # this browser stays in
    assert other_device.get(url(account.company)).status_code == 302
    assert PortalSession.objects.filter(account=account, ended_at=None).count() == 1
    assert AuditEvent.objects.filter(verb=Verb.PORTAL_PASSWORD_CHANGED).count() == 1
    assert any("password was changed" in m["Subject"] for m in mailbox.to(account.email))


# --- Isolation ------------------------------------------------------------------------------


def test_another_companys_session_does_not_open_this_profile(account):
    stranger = make_portal_account(ContactFactory(email="stranger@example.test"))
    client = Client()
    sign_in(client, stranger)
    # The cookie is scoped to the stranger's portal; even sent here it opens nothing.
    client.cookies[settings.PORTAL_SESSION_COOKIE]["path"] = "/"
    response = client.get(url(account.company))
    assert response.status_code == 302 and "pat.smith@example.test" not in response.content.decode()


def test_another_customers_details_never_show(account):
    neighbour_customer = CustomerFactory(company=account.company, name="Nora Neighbour")
    LocationFactory(customer=neighbour_customer, street="99 Hidden Lane")
    neighbour = make_portal_account(ContactFactory(customer=neighbour_customer))
    page = signed_in(neighbour).get(url(account.company)).content.decode()
    assert "12 Elm Street" not in page and "pat.smith@example.test" not in page
    assert "99 Hidden Lane" in page


def test_an_email_change_link_never_signs_anyone_in(account, mailbox):
    client = signed_in(account)
    post(client, account, {"action": "change_email", "email": "new@example.test"})
    [message] = mailbox.to("new@example.test")
    token = CHANGE_LINK.search(mailbox.text(message)).group(1).rsplit("/", 1)[1]
    stranger = Client(enforce_csrf_checks=True)
    landing = f"/p/{account.company.slug}/l/{token}"
    stranger.get(landing)
    csrf_post(stranger, landing, page=landing)
    assert settings.PORTAL_SESSION_COOKIE not in stranger.cookies or not (
        stranger.cookies[settings.PORTAL_SESSION_COOKIE].value
    )
    assert PortalSession.objects.filter(account=account, ended_at=None).count() == 1  # the asker's
    account.refresh_from_db()
    assert account.email == "pat.smith@example.test"
