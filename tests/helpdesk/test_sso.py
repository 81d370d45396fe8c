"""Single sign-on portal <-> help site (SECURITY.md 26; docs/help-site.md "Single sign-on").

Each refusal is asserted three ways: the help site does not sign in, the audit trail has an
`access.denied` row with the reason, and the reason is logged. The clock is frozen with
time_machine at exactly the edges."""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
import pytest
import time_machine
from django.conf import settings
from django.test import Client

from doorstep.access.help_handoff import (
    help_site_audience,
    help_site_secret,
    portal_issuer,
)
from doorstep.access.models import HelpHandoff
from doorstep.core.models import AuditEvent
from doorstep.core.verbs import Verb
from doorstep.helpdesk.identity import help_identity
from tests.factories import ContactFactory, make_portal_account
from tests.portal_helpers import sign_in

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 6, 1, 12, 0, 0, tzinfo=UTC)
TOKEN_RE = re.compile(r'name="token" value="([^"]+)"')


@pytest.fixture
def account(company: Any) -> Any:
    contact = ContactFactory(customer__company=company, name="Carlos Williams", email="c@x.test")
    return make_portal_account(contact)


def portal_token(company: Any, account: Any, *, return_to: str = "") -> str:
    """What the portal's "Get help" page hands the browser (read from the page itself)."""
    portal = Client()
    sign_in(portal, account)
    query = {"return_to": return_to} if return_to else {}
    page = portal.get(f"/p/{company.slug}/help-site/", query)
    assert page.status_code == 200
    assert page["Cache-Control"] == "no-store"
    match = TOKEN_RE.search(page.content.decode())
    assert match, page.content.decode()
    return match.group(1)


def post_token(company: Any, token: str, help_browser: Client | None = None) -> Any:
    browser = help_browser or Client(enforce_csrf_checks=True)
    response = browser.post(f"/h/{company.slug}/sso/", {"token": token})
    response.browser = browser
    return response


def signed_in_on_help(response: Any, company: Any) -> Any:
    request = response.wsgi_request
    return help_identity(request, company)


def refusal_reasons(company: Any) -> list[str]:
    rows = AuditEvent.objects.filter(company=company, verb=Verb.ACCESS_DENIED).order_by("pk")
    return [row.data["reason"] for row in rows]


def assert_refused(response: Any, company: Any, reason: str, caplog: Any) -> None:
    assert response.status_code == 400
    assert signed_in_on_help(response, company) is None
    assert reason in refusal_reasons(company)
    assert any(reason in record.getMessage() for record in caplog.records), caplog.text


def mint(company: Any, account: Any, **overrides: Any) -> str:
    """A token signed with the company's real secret but with chosen claims (an attacker who
    somehow tweaks claims, or a buggy issuer), recorded as issued so only the tweak differs."""
    now = int(datetime.now(tz=UTC).timestamp())
    claims = {
        "iss": portal_issuer(company),
        "aud": help_site_audience(company),
        "sub": str(account.pk),
        "company": company.slug,
        "email": account.email,
        "name": "Carlos",
        "iat": now,
        "exp": now + 120,
        "jti": f"jti-{len(overrides)}-{now}-{sorted(overrides)}",
        "return_to": "",
    }
    claims.update(overrides)
    HelpHandoff.objects.create(
        company=company,
        jti=claims["jti"],
        account=account,
        expires_at=datetime.fromtimestamp(claims["exp"], tz=UTC),
    )
    return jwt.encode(claims, help_site_secret(company), algorithm="HS256")


@pytest.fixture(autouse=True)
def _log_warnings(caplog: Any) -> None:
    caplog.set_level(logging.WARNING, logger="doorstep")


# --- accepted -------------------------------------------------------------------------------


def test_get_help_signs_the_customer_in_on_the_help_site_with_a_new_session(
    company: Any, account: Any
) -> None:
    help_browser = Client(enforce_csrf_checks=True)
    # A session key planted in the browser beforehand (fixation) is not the one signed in.
    help_browser.cookies[settings.HELP_SESSION_COOKIE_NAME] = "planted0key0of0an0attacker00000"
    token = portal_token(company, account, return_to=f"/h/{company.slug}/sign-in/")
    response = post_token(company, token, help_browser)
    assert response.status_code == 302
    assert response["Location"] == f"/h/{company.slug}/sign-in/"
    identity = signed_in_on_help(response, company)
    assert identity is not None and identity.account == account and identity.via == "sso"
    new_key = help_browser.cookies[settings.HELP_SESSION_COOKIE_NAME].value
    assert new_key and new_key != "planted0key0of0an0attacker00000"
    home = help_browser.get(f"/h/{company.slug}/")
    assert "Carlos Williams" in home.content.decode()
    assert AuditEvent.objects.filter(verb=Verb.SSO_HELP_SIGNED_IN, target_id=account.pk).exists()


def test_the_token_holds_the_claims_and_lives_two_minutes(company: Any, account: Any) -> None:
    with time_machine.travel(T0, tick=False):
        token = portal_token(company, account)
    claims = jwt.decode(token, options={"verify_signature": False})
    assert jwt.get_unverified_header(token)["alg"] == "HS256"
    assert claims["aud"] == help_site_audience(company)
    assert claims["iss"] == portal_issuer(company)
    assert (claims["sub"], claims["company"], claims["email"], claims["name"]) == (
        str(account.pk),
        company.slug,
        account.email,
        "Carlos Williams",
    )
    assert claims["iat"] == int(T0.timestamp())
    assert claims["exp"] - claims["iat"] == 120
    assert HelpHandoff.objects.filter(jti=claims["jti"], used_at__isnull=True).exists()


def test_get_help_needs_a_signed_in_customer(company: Any) -> None:
    response = Client().get(f"/p/{company.slug}/help-site/")
    assert response.status_code == 302
    assert response["Location"].startswith(f"/p/{company.slug}/sign-in")


# --- the clock, at exactly the edges ---------------------------------------------------------


def test_one_second_before_expiry_is_accepted(company: Any, account: Any) -> None:
    with time_machine.travel(T0, tick=False):
        token = portal_token(company, account)
    with time_machine.travel(T0 + timedelta(seconds=119), tick=False):
        response = post_token(company, token)
    assert response.status_code == 302
    assert signed_in_on_help(response, company) is not None


def test_expiry_plus_leeway_minus_one_second_is_accepted(company: Any, account: Any) -> None:
    with time_machine.travel(T0, tick=False):
        token = portal_token(company, account)
    with time_machine.travel(T0 + timedelta(seconds=120 + 59), tick=False):
        response = post_token(company, token)
    assert signed_in_on_help(response, company) is not None


def test_expiry_plus_leeway_plus_one_second_is_refused_with_a_sign_in_again_page(
    company: Any, account: Any, caplog: Any
) -> None:
    with time_machine.travel(T0, tick=False):
        token = portal_token(company, account)
    with time_machine.travel(T0 + timedelta(seconds=120 + 60 + 1), tick=False):
        response = post_token(company, token)
    assert_refused(response, company, "sso_expired", caplog)
    page = response.content.decode()
    assert "Sign in again" in page
    assert f'action="/h/{company.slug}/sso/again"' in page
    assert "Location" not in response  # no bounce back to the portal


def test_iat_in_the_future_beyond_the_leeway_is_refused(
    company: Any, account: Any, caplog: Any
) -> None:
    # The portal's clock runs 61 s ahead of the help site's.
    with time_machine.travel(T0, tick=False):
        token = portal_token(company, account)
    with time_machine.travel(T0 - timedelta(seconds=61), tick=False):
        response = post_token(company, token)
    assert_refused(response, company, "sso_issued_in_future", caplog)
    assert "Sign in again" in response.content.decode()


def test_iat_in_the_future_within_the_leeway_is_accepted(company: Any, account: Any) -> None:
    with time_machine.travel(T0, tick=False):
        token = portal_token(company, account)
    with time_machine.travel(T0 - timedelta(seconds=59), tick=False):
        response = post_token(company, token)
    assert signed_in_on_help(response, company) is not None


# --- every other refusal --------------------------------------------------------------------


def test_a_replayed_token_is_refused(company: Any, account: Any, caplog: Any) -> None:
    token = portal_token(company, account)
    assert signed_in_on_help(post_token(company, token), company) is not None
    replay = post_token(company, token)
    assert_refused(replay, company, "sso_replayed", caplog)
    assert "already used" in replay.content.decode()


def test_a_token_for_another_audience_is_refused(company: Any, account: Any, caplog: Any) -> None:
    token = mint(company, account, aud="https://help.elsewhere.test/h/x/")
    assert_refused(post_token(company, token), company, "sso_wrong_audience", caplog)


def test_a_tampered_signature_is_refused(company: Any, account: Any, caplog: Any) -> None:
    token = portal_token(company, account)
    head, body, signature = token.split(".")
    flipped = ("A" if signature[0] != "A" else "B") + signature[1:]
    assert_refused(
        post_token(company, f"{head}.{body}.{flipped}"), company, "sso_bad_signature", caplog
    )


def test_tampered_claims_are_refused(company: Any, account: Any, caplog: Any) -> None:
    other = make_portal_account(ContactFactory(customer__company=company, email="o@x.test"))
    token = portal_token(company, account)
    head, _, signature = token.split(".")
    claims = jwt.decode(token, options={"verify_signature": False})
    claims["sub"] = str(other.pk)
    forged_body = jwt.encode(claims, "x", algorithm="HS256").split(".")[1]
    response = post_token(company, f"{head}.{forged_body}.{signature}")
    assert_refused(response, company, "sso_bad_signature", caplog)


def test_another_companys_token_is_refused(
    company: Any, other_company: Any, account: Any, caplog: Any
) -> None:
    theirs = make_portal_account(ContactFactory(customer__company=other_company))
    token = portal_token(other_company, theirs)
    response = post_token(company, token)
    assert_refused(response, company, "sso_wrong_company", caplog)
    assert help_identity(response.wsgi_request, other_company) is None


def test_the_none_algorithm_and_others_are_refused(company: Any, account: Any, caplog: Any) -> None:
    good = jwt.decode(portal_token(company, account), options={"verify_signature": False})
    unsigned = jwt.encode(good, None, algorithm="none")
    assert_refused(post_token(company, unsigned), company, "sso_algorithm", caplog)
    hs512 = jwt.encode(good, help_site_secret(company), algorithm="HS512")
    assert_refused(post_token(company, hs512), company, "sso_algorithm", caplog)


def test_a_token_living_longer_than_two_minutes_is_refused(
    company: Any, account: Any, caplog: Any
) -> None:
    now = int(datetime.now(tz=UTC).timestamp())
    token = mint(company, account, iat=now, exp=now + 121)
    assert_refused(post_token(company, token), company, "sso_lifetime", caplog)


def test_return_to_another_host_is_refused(company: Any, account: Any, caplog: Any) -> None:
    for target in (
        "https://evil.example/h/x/",
        "//evil.example/",
        f"/\\evil.example/h/{company.slug}/",
        "/p/other/",
    ):
        token = mint(company, account, return_to=target, jti=f"rt-{target}")
        assert_refused(post_token(company, token), company, "sso_return_to", caplog)


def test_the_portal_never_puts_another_host_into_return_to(company: Any, account: Any) -> None:
    token = portal_token(company, account, return_to="https://evil.example/")
    claims = jwt.decode(token, options={"verify_signature": False})
    assert claims["return_to"] == f"/h/{company.slug}/"
    response = post_token(company, token)
    assert response["Location"] == f"/h/{company.slug}/"


def test_a_token_never_issued_is_refused(company: Any, account: Any, caplog: Any) -> None:
    now = int(datetime.now(tz=UTC).timestamp())
    claims = {
        "iss": portal_issuer(company),
        "aud": help_site_audience(company),
        "sub": str(account.pk),
        "company": company.slug,
        "iat": now,
        "exp": now + 60,
        "jti": "never-issued",
    }
    token = jwt.encode(claims, help_site_secret(company), algorithm="HS256")
    assert_refused(post_token(company, token), company, "sso_unknown_jti", caplog)


def test_garbage_is_refused_plainly(company: Any, caplog: Any) -> None:
    for junk in ("", "abc", "a.b.c", "x" * 5000):
        assert_refused(post_token(company, junk), company, "sso_malformed", caplog)


def test_the_signing_secret_is_sealed_at_rest(company: Any) -> None:
    from doorstep.access.models import HelpSiteKey

    secret = help_site_secret(company)
    stored = HelpSiteKey.objects.get(company=company).sealed_secret
    assert secret not in stored and len(secret) >= 40
    assert help_site_secret(company) == secret  # stable


# --- help site -> portal ("View my invoices") and the clock-free sign-in ---------------------


def help_signed_in(company: Any, account: Any) -> Client:
    browser = Client(enforce_csrf_checks=True)
    assert post_token(company, portal_token(company, account), browser).status_code == 302
    return browser


def help_csrf_post(browser: Client, url: str, page: str) -> Any:
    browser.get(page)
    return browser.post(url, {"csrfmiddlewaretoken": browser.cookies["csrftoken"].value})


def nonce_of(location: str) -> str:
    return location.split("n=", 1)[1]


def test_view_my_invoices_brings_a_portal_customer_back_to_their_invoices(
    company: Any, account: Any
) -> None:
    help_browser = help_signed_in(company, account)
    home = f"/h/{company.slug}/"
    assert "View my invoices" in help_browser.get(home).content.decode()
    response = help_csrf_post(help_browser, f"/h/{company.slug}/sso/portal", home)
    assert response.status_code == 302
    location = response["Location"]
    assert location.startswith(f"https://portal.example.test/p/{company.slug}/from-help?n=")
    portal = Client()
    sign_in(portal, account)
    back = portal.get(location.removeprefix("https://portal.example.test"))
    assert back.status_code == 302 and back["Location"] == f"/p/{company.slug}/invoices/"
    assert AuditEvent.objects.filter(verb=Verb.SSO_RETURNED_TO_PORTAL).count() == 1
    # Single use: the same nonce again is refused (logged), the customer stays signed in.
    again = portal.get(location.removeprefix("https://portal.example.test"))
    assert again.status_code == 400
    assert "nonce_used" in refusal_reasons(company)


def test_view_my_invoices_without_a_portal_session_offers_the_normal_sign_in(
    company: Any, account: Any
) -> None:
    help_browser = help_signed_in(company, account)
    home = f"/h/{company.slug}/"
    location = help_csrf_post(help_browser, f"/h/{company.slug}/sso/portal", home)["Location"]
    stranger = Client()
    response = stranger.get(location.removeprefix("https://portal.example.test"))
    assert response.status_code == 302
    assert response["Location"].startswith(f"/p/{company.slug}/sign-in?next=")
    assert not stranger.cookies.get(settings.PORTAL_SESSION_COOKIE)
    page = stranger.get(response["Location"])
    assert "Email me a sign-in link" in page.content.decode()


def test_a_nonce_of_another_customer_is_refused_on_the_portal(company: Any, account: Any) -> None:
    help_browser = help_signed_in(company, account)
    home = f"/h/{company.slug}/"
    location = help_csrf_post(help_browser, f"/h/{company.slug}/sso/portal", home)["Location"]
    other = make_portal_account(ContactFactory(customer__company=company, email="o@x.test"))
    portal = Client()
    sign_in(portal, other)
    response = portal.get(location.removeprefix("https://portal.example.test"))
    assert response.status_code == 400
    assert "nonce_other_account" in refusal_reasons(company)


def test_a_nonce_expires_after_ten_minutes(company: Any, account: Any) -> None:
    with time_machine.travel(T0, tick=False):
        help_browser = help_signed_in(company, account)
        home = f"/h/{company.slug}/"
        location = help_csrf_post(help_browser, f"/h/{company.slug}/sso/portal", home)["Location"]
    with time_machine.travel(T0 + timedelta(minutes=10, seconds=1), tick=False):
        portal = Client()
        sign_in(portal, account)
        response = portal.get(location.removeprefix("https://portal.example.test"))
    assert response.status_code == 400
    assert "nonce_expired" in refusal_reasons(company)


def test_sign_in_again_after_a_clock_refusal_needs_no_clock_and_a_confirmation(
    company: Any, account: Any
) -> None:
    with time_machine.travel(T0, tick=False):
        token = portal_token(company, account)
    help_browser = Client(enforce_csrf_checks=True)
    # The portal's clock is 5 minutes fast: the token is refused as issued in the future...
    with time_machine.travel(T0 - timedelta(minutes=5), tick=False):
        refused = post_token(company, token, help_browser)
        assert refused.status_code == 400
        again = help_browser.post(
            f"/h/{company.slug}/sso/again",
            {"csrfmiddlewaretoken": help_browser.cookies["csrftoken"].value},
        )
    assert again.status_code == 302
    approve = again["Location"].removeprefix("https://portal.example.test")
    assert approve.startswith(f"/p/{company.slug}/help-site/approve?n=")
    # ...and the clock-free trip works whatever the clocks say: one server compares its own rows.
    with time_machine.travel(T0 - timedelta(minutes=5, seconds=-30), tick=False):
        portal = Client(enforce_csrf_checks=True)
        sign_in(portal, account)
        page = portal.get(approve)
        assert page.status_code == 200 and "Carlos Williams" in page.content.decode()
        # Opening the page approves nothing: a link alone must never sign a browser in.
        early = help_browser.get(f"/h/{company.slug}/sso/approved?n={nonce_of(approve)}")
        assert early.status_code == 400 and "nonce_not_approved" in refusal_reasons(company)
        confirmed = portal.post(approve, {"csrfmiddlewaretoken": portal.cookies["csrftoken"].value})
        assert confirmed.status_code == 302
        back = confirmed["Location"].removeprefix("https://portal.example.test")
        # Another browser (the one that did not ask) cannot use the approval.
        thief = Client().get(back)
        assert thief.status_code == 400 and "nonce_other_browser" in refusal_reasons(company)
        done = help_browser.get(back)
        assert done.status_code == 302
        assert signed_in_on_help(done, company).account == account
        # Used once.
        assert help_browser.get(back).status_code == 400


def test_sign_in_again_without_a_portal_session_goes_to_the_portal_sign_in(
    company: Any, account: Any
) -> None:
    help_browser = Client()
    again = help_browser.post(f"/h/{company.slug}/sso/again")
    approve = again["Location"].removeprefix("https://portal.example.test")
    response = Client().get(approve)
    assert response.status_code == 302
    assert response["Location"].startswith(f"/p/{company.slug}/sign-in?next=")


# --- exact query counts (they do not grow with the customer's history) ----------------------


@pytest.mark.parametrize("invoices", [1, 8])
def test_single_sign_on_pages_query_counts(
    company: Any, account: Any, django_assert_num_queries: Any, invoices: int
) -> None:
    from tests.factories import make_invoice

    for _ in range(invoices):
        make_invoice(account.customer)
    help_site_secret(company)  # made once per company, on the first ever "Get help"
    portal = Client()
    sign_in(portal, account)
    # gate (session + company) + old jti pruned + jti stored + audit row + the company's key
    with django_assert_num_queries(5):
        page = portal.get(f"/p/{company.slug}/help-site/")
    token = TOKEN_RE.search(page.content.decode()).group(1)
    help_browser = Client()
    # company + key + jti row (with account, contact, customer) + single-use UPDATE + audit
    # + the new help session: Django's cycle_key (exists check, insert, update, savepoints)
    with django_assert_num_queries(12):
        assert post_token(company, token, help_browser).status_code == 302
    # help session + company + account (help_identity) + old nonces pruned + nonce stored
    with django_assert_num_queries(5):
        nonce = help_browser.post(f"/h/{company.slug}/sso/portal")["Location"]
    with django_assert_num_queries(5):
        assert portal.get(nonce.removeprefix("https://portal.example.test")).status_code == 302
