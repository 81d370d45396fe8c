"""Two-step sign-in (TOTP + recovery codes) for password accounts: docs/access.md."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.hashers import make_password
from django.test import Client
from django.utils import timezone

from doorstep.access import two_step as ts
from doorstep.access.models import PortalSession, RecoveryCode, TwoStep, TwoStepChallenge
from doorstep.core.models import AuditEvent
from doorstep.tenancy.models import SignInMode

from ..portal_helpers import sign_in
from .conftest import csrf_post, link_in, new_account, portal_cookie, request_link

pytestmark = pytest.mark.django_db(transaction=True)
GOOD = "a long walk by the river"
EMAIL = "pat@example.test"


# --- RFC 4226 / RFC 6238 test vectors --------------------------------------------------------


def test_hotp_matches_rfc_4226_appendix_d():
    key = b"12345678901234567890"
    expected = ["755224", "287082", "359152", "969429", "338314"]
    expected += ["254676", "287922", "162583", "399871", "520489"]
    assert [ts.hotp(key, counter) for counter in range(10)] == expected


@pytest.mark.parametrize(
    ("at", "sha1", "sha256", "sha512"),
    [
        (59, "94287082", "46119246", "90693936"),
        (1111111109, "07081804", "68084774", "25091201"),
        (1111111111, "14050471", "67062674", "99943326"),
        (1234567890, "89005924", "91819424", "93441116"),
        (2000000000, "69279037", "90698825", "38618901"),
        (20000000000, "65353130", "77737706", "47863826"),
    ],
)
def test_totp_matches_rfc_6238_appendix_b(at, sha1, sha256, sha512):
    assert ts.totp(b"12345678901234567890", at, digits=8) == sha1
    assert ts.totp(b"1234567890" * 3 + b"12", at, digits=8, digest="sha256") == sha256
    assert ts.totp(b"1234567890" * 6 + b"1234", at, digits=8, digest="sha512") == sha512


def test_secret_round_trips_through_base32():
    secret = ts.new_secret()
    assert len(ts.secret_key(secret)) == 20 and "=" not in secret


# --- helpers ---------------------------------------------------------------------------------


@pytest.fixture
def pw_company(company):
    company.settings.sign_in_mode = SignInMode.PASSWORD
    company.settings.save()
    return company


@pytest.fixture
def account(pw_company):
    return new_account(
        pw_company, EMAIL, password=make_password(GOOD), email_verified_at=timezone.now()
    )


def code_now(secret: str, shift: int = 0) -> str:
    return ts.totp(ts.secret_key(secret), timezone.now().timestamp() + shift)


def secret_on_page(html: str) -> str:
    match = re.search(r'id="secret">([A-Z2-7 ]+)<', html)
    assert match, html
    return match.group(1).replace(" ", "")


def codes_on_page(html: str) -> list[str]:
    return re.findall(r"<li><code>([a-z0-9]{5}-[a-z0-9]{5})</code></li>", html)


def enrol(client: Client, company, account) -> tuple[str, list[str]]:
    base = f"/p/{company.slug}/profile/two-step/"
    csrf_post(client, base + "enable", {"action": "start"}, page=base)
    secret = secret_on_page(client.get(base + "enable").content.decode())
    done = csrf_post(client, base + "enable", {"action": "confirm", "code": code_now(secret)})
    assert done.status_code == 200, done.content.decode()
    return secret, codes_on_page(done.content.decode())


def password_sign_in(client, company, password=GOOD):
    return csrf_post(client, f"/p/{company.slug}/sign-in", {"email": EMAIL, "password": password})


def second_step(client, company, code):
    return csrf_post(client, f"/p/{company.slug}/sign-in/two-step", {"code": code})


@pytest.fixture
def enrolled(pw_company, account, mailbox):
    """Two-step on (set up through the pages), then signed out; 30 s later."""
    browser = Client(enforce_csrf_checks=True)
    sign_in(browser, account)
    secret, codes = enrol(browser, pw_company, account)
    PortalSession.objects.all().delete()
    return secret, codes


# --- setting up ------------------------------------------------------------------------------


def test_setting_up_needs_a_current_code_then_shows_ten_codes_once(pw_company, account, mailbox):
    browser = Client(enforce_csrf_checks=True)
    sign_in(browser, account)
    base = f"/p/{pw_company.slug}/profile/two-step/"
    page = browser.get(base).content.decode()
    assert "Off." in page and "Set up two-step sign-in" in page
    csrf_post(browser, base + "enable", {"action": "start"})
    html = browser.get(base + "enable").content.decode()
    secret = secret_on_page(html)
    assert "otpauth://totp/" in html and f"secret={secret}" in html
    # The QR code to scan is the page's own otpauth:// link, drawn inline (no image request).
    import html as html_lib
    import re

    import segno

    link = html_lib.unescape(re.search(r'href="(otpauth://[^"]+)"', html).group(1))
    assert f"secret={secret}" in link
    drawn = segno.make(link, error="m").svg_inline(scale=5, border=2, omitsize=False)
    assert drawn in html and 'role="img"' in html
    # The secret is sealed at rest.
    assert secret not in TwoStep.objects.get().sealed_secret
    wrong = csrf_post(browser, base + "enable", {"action": "confirm", "code": "000000"})
    assert wrong.status_code == 400 and "does not work" in wrong.content.decode()
    assert not ts.two_step_is_on(company=pw_company, account=account)
    done = csrf_post(browser, base + "enable", {"action": "confirm", "code": code_now(secret)})
    codes = codes_on_page(done.content.decode())
    assert len(set(codes)) == 10
    assert 'download="' in done.content.decode() and codes[0] in done.content.decode()
    assert ts.two_step_is_on(company=pw_company, account=account)
    stored = list(RecoveryCode.objects.values_list("code_hash", flat=True))
    assert len(stored) == 10 and not set(codes) & set(stored)
    # Shown once: the status page does not show them again.
    assert codes[0] not in browser.get(base).content.decode()
    [notice] = mailbox.to(EMAIL)
    assert "Two-step sign-in is on" in notice["Subject"]


def test_customer_without_a_password_cannot_set_it_up(pw_company, mailbox):
    linkonly = new_account(pw_company, "lee@example.test")
    browser = Client(enforce_csrf_checks=True)
    sign_in(browser, linkonly)
    base = f"/p/{pw_company.slug}/profile/two-step/"
    assert "Set up two-step" not in browser.get(base).content.decode()
    csrf_post(browser, base + "enable", {"action": "start"})
    assert not TwoStep.objects.exists()


# --- signing in ------------------------------------------------------------------------------


def test_password_sign_in_asks_for_the_code_before_any_session(pw_company, account, enrolled):
    secret, _ = enrolled
    browser = Client(enforce_csrf_checks=True)
    with time_machine.travel(timezone.now() + timedelta(seconds=60)):
        first = password_sign_in(browser, pw_company)
        assert first.status_code == 302 and first["Location"].endswith("/sign-in/two-step")
        assert portal_cookie(browser) is None and not PortalSession.objects.exists()
        # Half signed in sees nothing of the portal.
        assert browser.get(f"/p/{pw_company.slug}/invoices/").status_code == 302
        assert "One more step" in browser.get(first["Location"]).content.decode()
        code = code_now(secret)
        done = second_step(browser, pw_company, code)
        assert done.status_code == 302 and portal_cookie(browser)
        assert PortalSession.objects.count() == 1
        # The office's history says how, in words.
        from doorstep.core.models import AuditEvent

        assert AuditEvent.objects.filter(
            company=pw_company, message="Signed in with a password and a two-step code"
        ).exists()
        # The same code again (another browser, same 30 s window): refused.
        other = Client(enforce_csrf_checks=True)
        password_sign_in(other, pw_company)
        again = second_step(other, pw_company, code)
        assert again.status_code == 400 and portal_cookie(other) is None
    assert PortalSession.objects.count() == 1


def test_recovery_code_works_once_and_emails_a_notice(pw_company, account, enrolled, mailbox):
    _, codes = enrolled
    mailbox.clear()
    browser = Client(enforce_csrf_checks=True)
    password_sign_in(browser, pw_company)
    assert second_step(browser, pw_company, codes[3].upper()).status_code == 302
    assert portal_cookie(browser)
    [notice] = mailbox.to(EMAIL)
    assert "recovery code was used" in notice["Subject"]
    assert "9 unused codes" in mailbox.text(notice)
    other = Client(enforce_csrf_checks=True)
    password_sign_in(other, pw_company)
    assert second_step(other, pw_company, codes[3]).status_code == 400
    assert portal_cookie(other) is None


def test_five_wrong_codes_lock_the_attempt(pw_company, account, enrolled):
    secret, _ = enrolled
    browser = Client(enforce_csrf_checks=True)
    with time_machine.travel(timezone.now() + timedelta(seconds=60)):
        password_sign_in(browser, pw_company)
        for _ in range(4):
            assert second_step(browser, pw_company, "123456").status_code == 400
        last = second_step(browser, pw_company, "123456")
        assert "Too many wrong codes" in last.content.decode()
        locked = second_step(browser, pw_company, code_now(secret))
        assert locked.status_code == 400 and portal_cookie(browser) is None
    assert TwoStepChallenge.objects.get().attempts == 5
    assert not PortalSession.objects.exists()
    assert AuditEvent.objects.filter(data__reason="two_step_locked").exists()


def test_the_half_signed_in_state_expires_after_five_minutes(pw_company, account, enrolled):
    secret, _ = enrolled
    browser = Client(enforce_csrf_checks=True)
    password_sign_in(browser, pw_company)
    with time_machine.travel(timezone.now() + timedelta(minutes=5, seconds=1)):
        late = second_step(browser, pw_company, code_now(secret))
    assert late.status_code == 400 and "more than 5 minutes" in late.content.decode()
    assert portal_cookie(browser) is None and not PortalSession.objects.exists()


def test_a_challenge_of_one_company_is_nothing_at_another(
    pw_company, account, enrolled, other_company
):
    secret, _ = enrolled
    other_company.settings.sign_in_mode = SignInMode.PASSWORD
    other_company.settings.save()
    browser = Client(enforce_csrf_checks=True)
    with time_machine.travel(timezone.now() + timedelta(seconds=60)):
        password_sign_in(browser, pw_company)
        key = browser.cookies["doorstep_two_step"].value
        thief = Client(enforce_csrf_checks=True)
        thief.cookies["doorstep_two_step"] = key
        thief.cookies["doorstep_two_step"]["path"] = f"/p/{other_company.slug}/"
        assert second_step(thief, other_company, code_now(secret)).status_code == 400
    assert not PortalSession.objects.exists()


def test_a_sign_in_link_does_not_ask_for_the_code(pw_company, account, enrolled, mailbox):
    pw_company.settings.sign_in_mode = SignInMode.BOTH
    pw_company.settings.save()
    browser = Client(enforce_csrf_checks=True)
    request_link(browser, pw_company, EMAIL)
    path = link_in(mailbox, mailbox.to(EMAIL)[-1])
    assert csrf_post(browser, path).status_code == 302
    assert portal_cookie(browser)


# --- codes and turning off -------------------------------------------------------------------


def test_new_recovery_codes_void_the_old_ones(pw_company, account, enrolled):
    _, old = enrolled
    browser = Client(enforce_csrf_checks=True)
    sign_in(browser, account)
    base = f"/p/{pw_company.slug}/profile/two-step/"
    ask = browser.get(base + "codes")
    assert "stop working" in ask.content.decode() and RecoveryCode.objects.count() == 10
    new = codes_on_page(csrf_post(browser, base + "codes").content.decode())
    assert len(new) == 10 and not set(new) & set(old)
    other = Client(enforce_csrf_checks=True)
    password_sign_in(other, pw_company)
    assert second_step(other, pw_company, old[0]).status_code == 400
    assert second_step(other, pw_company, new[0]).status_code == 302


def test_turning_off_asks_for_the_password_and_emails(pw_company, account, enrolled, mailbox):
    browser = Client(enforce_csrf_checks=True)
    sign_in(browser, account)
    base = f"/p/{pw_company.slug}/profile/two-step/"
    assert "Turn off two-step sign-in?" in browser.get(base + "disable").content.decode()
    mailbox.clear()
    wrong = csrf_post(browser, base + "disable", {"proof": "not my password"})
    assert wrong.status_code == 400 and "Nothing was changed" in wrong.content.decode()
    assert ts.two_step_is_on(company=pw_company, account=account)
    assert csrf_post(browser, base + "disable", {"proof": GOOD}).status_code == 302
    assert not TwoStep.objects.exists() and not RecoveryCode.objects.exists()
    [notice] = mailbox.to(EMAIL)
    assert "Two-step sign-in is off" in notice["Subject"]
    # And the password alone signs in again.
    again = Client(enforce_csrf_checks=True)
    assert password_sign_in(again, pw_company).status_code == 302 and portal_cookie(again)


def test_another_customers_two_step_is_untouched(pw_company, account, enrolled):
    intruder = new_account(pw_company, "eve@example.test", password=make_password(GOOD))
    browser = Client(enforce_csrf_checks=True)
    sign_in(browser, intruder)
    base = f"/p/{pw_company.slug}/profile/two-step/"
    page = browser.get(base).content.decode()
    assert "Off." in page
    assert csrf_post(browser, base + "disable", {"proof": GOOD}).status_code == 302
    assert browser.get(base + "codes").status_code == 302
    assert ts.two_step_is_on(company=pw_company, account=account)
    assert RecoveryCode.objects.filter(account=account).count() == 10


def test_status_page_query_count(
    pw_company, account, enrolled, django_assert_num_queries, request_transaction
):
    browser = Client()
    sign_in(browser, account)
    url = f"/p/{pw_company.slug}/profile/two-step/"
    browser.get(url)
    # The session, the two-step state, the recovery codes left (+ the tenant transaction's
    # BEGIN/COMMIT where the gate opens one: conftest.request_transaction).
    with django_assert_num_queries(3 + request_transaction):
        assert browser.get(url).status_code == 200


# --- the office ------------------------------------------------------------------------------


def test_office_resets_two_step_after_asking_and_it_is_audited(
    pw_company, account, enrolled, mailbox
):
    from ..office.helpers import office_client

    staff = Client()
    office_client(staff, pw_company, role="office")
    page = staff.get(f"/office/customers/{account.customer_id}/").content.decode()
    assert "Reset two-step sign-in" in page
    url = f"/office/customers/{account.customer_id}/access/reset-two-step/"
    asked = staff.post(url)
    assert asked.status_code == 200 and "Turn off this customer" in asked.content.decode()
    assert ts.two_step_is_on(company=pw_company, account=account)  # nothing happened yet
    mailbox.clear()
    assert staff.post(url, {"confirmed": "1"}).status_code == 302
    assert not ts.two_step_is_on(company=pw_company, account=account)
    assert AuditEvent.objects.filter(verb="portal.two_step_reset").count() == 1
    assert "reset" in mailbox.to(EMAIL)[0]["Subject"]
    page = staff.get(f"/office/customers/{account.customer_id}/").content.decode()
    assert "Reset two-step sign-in" not in page


def test_office_of_another_company_cannot_reset(pw_company, account, enrolled, other_company):
    from ..office.helpers import office_client

    staff = Client()
    office_client(staff, other_company, role="office")
    url = f"/office/customers/{account.customer_id}/access/reset-two-step/"
    assert staff.post(url, {"confirmed": "1"}).status_code == 404
    assert ts.two_step_is_on(company=pw_company, account=account)


def test_wrong_codes_across_attempts_are_capped_per_account(pw_company, account, enrolled):
    secret, _ = enrolled
    with time_machine.travel(timezone.now() + timedelta(seconds=60)):
        for _ in range(4):  # 4 attempts x 5 wrong codes = 20, the daily cap
            browser = Client(enforce_csrf_checks=True)
            password_sign_in(browser, pw_company)
            for _ in range(5):
                second_step(browser, pw_company, "123456")
        fresh = Client(enforce_csrf_checks=True)
        password_sign_in(fresh, pw_company)
        refused = second_step(fresh, pw_company, code_now(secret))
    assert refused.status_code == 400 and "Too many wrong codes" in refused.content.decode()
    assert not PortalSession.objects.exists()


def test_the_status_page_counts_codes_left_and_says_when_none_are(pw_company, account, enrolled):
    browser = Client()
    sign_in(browser, account)
    url = f"/p/{pw_company.slug}/profile/two-step/"
    assert "10 of 10 recovery codes unused" in browser.get(url).content.decode()
    RecoveryCode.objects.filter(account=account).update(used_at=timezone.now())
    page = browser.get(url).content.decode()
    assert "No recovery codes left" in page and "0 of 10" not in page
