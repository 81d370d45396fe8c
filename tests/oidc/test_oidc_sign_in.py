"""Portal sign-in with an OpenID Connect provider, end to end against a real provider
(django-oauth-toolkit in its own process, tests/oidc/provider_server.py): discovery, PKCE,
login form, code exchange, RS256 ID token checked against the JWKS. docs/access.md."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.test import Client

from doorstep.access.models import IdentityLink, PortalAccount, PortalSession
from doorstep.access.oidc import identity_provider_save
from doorstep.access.sso_requirement import sso_requirement_set
from doorstep.core.audit import Actor
from doorstep.core.models import AuditEvent
from doorstep.core.verbs import Verb
from tests.factories import CompanyFactory, ContactFactory, make_portal_account

from .conftest import Provider

pytestmark = pytest.mark.django_db

PASSWORD = "provider-pass-1"


@pytest.fixture
def sso_company(oidc_provider: Provider) -> Any:
    company = CompanyFactory(slug="oidc-co", name="Bluewater Plumbing")
    callback = f"{settings.BASE_URL}/p/{company.slug}/sign-in/sso/callback"
    oidc_provider.setup(
        client_id="doorstep-test",
        secret="s3cret-of-the-client",
        redirect_uris=[callback],
        users=[
            {"username": "carlos", "password": PASSWORD, "email": "Carlos@Example.com",
             "name": "Carlos W"},
            {"username": "mallory", "password": PASSWORD, "email": "carlos@example.com",
             "email_verified": False},
            {"username": "nobody", "password": PASSWORD, "email": "nobody@example.com"},
        ],
    )  # fmt: skip
    identity_provider_save(
        company=company,
        actor=Actor.system(),
        name="Acme SSO",
        issuer=oidc_provider.issuer,
        client_id="doorstep-test",
        client_secret="s3cret-of-the-client",
    )
    return company


@pytest.fixture
def carlos(sso_company: Any) -> Any:
    return ContactFactory(
        customer__company=sso_company, name="Carlos Williams", email="carlos@example.com"
    )


def start(client: Client, company: Any) -> str:
    page = client.get(f"/p/{company.slug}/sign-in")
    html = page.content.decode()
    assert "Sign in with Acme SSO" in html
    provider_id = company.identityprovider_set.get().pk
    response = client.post(
        f"/p/{company.slug}/sign-in/sso/{provider_id}",
        {"csrfmiddlewaretoken": client.cookies["csrftoken"].value},
    )
    assert response.status_code == 302, response.content.decode()[:400]
    return response["Location"]


def come_back(client: Client, location: str) -> Any:
    parts = urlsplit(location)
    assert f"{parts.scheme}://{parts.netloc}" == settings.BASE_URL
    return client.get(parts.path, parse_qs(parts.query))


def via_provider(client: Client, company: Any, provider: Provider, username: str) -> Any:
    return come_back(client, provider.log_in(start(client, company), username, PASSWORD))


def test_a_verified_email_on_file_signs_in_and_links_the_contact(
    sso_company: Any, carlos: Any, oidc_provider: Provider
) -> None:
    client = Client(enforce_csrf_checks=True)
    authorize = start(client, sso_company)
    query = parse_qs(urlsplit(authorize).query)
    assert query["code_challenge_method"] == ["S256"] and query["nonce"] and query["state"]
    assert "openid" in query["scope"][0]
    back = oidc_provider.log_in(authorize, "carlos", PASSWORD)
    response = come_back(client, back)
    assert response.status_code == 302, response.content.decode()[:600]
    assert response["Location"] == f"/p/{sso_company.slug}/"
    home = client.get(f"/p/{sso_company.slug}/")
    assert home.status_code == 200 and "Sign out" in home.content.decode()
    account = PortalAccount.objects.get(contact=carlos)
    assert PortalSession.objects.filter(account=account, ended_at__isnull=True).count() == 1
    link = IdentityLink.objects.get(account=account)
    assert link.subject and link.provider.name == "Acme SSO"
    signed_in = AuditEvent.objects.filter(verb=Verb.PORTAL_SIGNED_IN, target_id=account.pk).get()
    assert signed_in.data["method"] == "oidc"
    # The same provider account later signs in through the link, one session each time.
    again = Client(enforce_csrf_checks=True)
    assert (
        come_back(again, oidc_provider.log_in(start(again, sso_company), "carlos", PASSWORD))[
            "Location"
        ]
        == f"/p/{sso_company.slug}/"
    )
    assert IdentityLink.objects.count() == 1


def test_an_unverified_email_signs_nobody_in(
    sso_company: Any, carlos: Any, oidc_provider: Provider
) -> None:
    client = Client(enforce_csrf_checks=True)
    response = come_back(
        client, oidc_provider.log_in(start(client, sso_company), "mallory", PASSWORD)
    )
    assert response.status_code == 400
    assert "has not verified your email address" in response.content.decode()
    assert not client.cookies.get(settings.PORTAL_SESSION_COOKIE)
    assert not PortalSession.objects.exists() and not IdentityLink.objects.exists()
    denied = AuditEvent.objects.get(verb=Verb.ACCESS_DENIED)
    assert denied.data["reason"] == "oidc_unverified_email"


def test_an_email_not_on_file_signs_nobody_in(
    sso_company: Any, carlos: Any, oidc_provider: Provider
) -> None:
    client = Client(enforce_csrf_checks=True)
    response = come_back(
        client, oidc_provider.log_in(start(client, sso_company), "nobody", PASSWORD)
    )
    assert response.status_code == 400
    assert "nobody@example.com is not on file" in response.content.decode()
    assert not PortalSession.objects.exists()
    assert AuditEvent.objects.get(verb=Verb.ACCESS_DENIED).data["reason"] == "oidc_no_contact"


def test_the_answer_works_once_and_only_in_the_browser_that_started(
    sso_company: Any, carlos: Any, oidc_provider: Provider
) -> None:
    client = Client(enforce_csrf_checks=True)
    back = oidc_provider.log_in(start(client, sso_company), "carlos", PASSWORD)
    # Another browser (an attacker who had the victim open the callback) gets nothing.
    stranger = Client()
    assert come_back(stranger, back).status_code == 400
    assert come_back(client, back).status_code == 302
    assert come_back(client, back).status_code == 400  # replayed
    reasons = list(
        AuditEvent.objects.filter(verb=Verb.ACCESS_DENIED).values_list("data__reason", flat=True)
    )
    assert reasons == ["oidc_failed", "oidc_failed"]


def test_a_tampered_state_or_code_is_refused(
    sso_company: Any, carlos: Any, oidc_provider: Provider
) -> None:
    client = Client(enforce_csrf_checks=True)
    back = oidc_provider.log_in(start(client, sso_company), "carlos", PASSWORD)
    parts = urlsplit(back)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    wrong_code = client.get(parts.path, {**query, "code": "not-the-code"})
    assert wrong_code.status_code == 400
    assert not PortalSession.objects.exists()


def test_must_sign_in_with_sso_refuses_links_codes_and_passwords_but_not_the_provider(
    sso_company: Any, carlos: Any, oidc_provider: Provider, mailbox: Any
) -> None:
    from doorstep.access.services import login_link_issue
    from doorstep.tenancy.models import SignInMode

    account = make_portal_account(carlos)
    sso_requirement_set(
        company=sso_company, customer=carlos.customer, required=True, actor=Actor.system()
    )
    # A sign-in link issued earlier (or by staff) no longer opens the portal.
    issued = login_link_issue(account=account, purpose="sign_in", ip_address=None)
    client = Client(enforce_csrf_checks=True)
    path = urlsplit(issued.url).path
    landing = client.get(path)
    assert landing.status_code == 410
    assert "single sign-on" in landing.content.decode()
    assert not client.cookies.get(settings.PORTAL_SESSION_COOKIE)
    # Passwords: refused even when right.
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    sso_company.settings.sign_in_mode = SignInMode.BOTH
    sso_company.settings.save()
    PortalAccount.objects.filter(pk=account.pk).update(
        password=make_password("right-password-9"), email_verified_at=timezone.now()
    )
    page = client.get(f"/p/{sso_company.slug}/sign-in")
    assert page.status_code == 200
    answer = client.post(
        f"/p/{sso_company.slug}/sign-in",
        {
            "email": "carlos@example.com",
            "password": "right-password-9",
            "csrfmiddlewaretoken": client.cookies["csrftoken"].value,
        },
    )
    assert answer.status_code == 400 and "single sign-on" in answer.content.decode()
    assert not PortalSession.objects.exists()
    reasons = set(
        AuditEvent.objects.filter(verb=Verb.ACCESS_DENIED).values_list("data__reason", flat=True)
    )
    assert reasons == {"sso_required"}
    # The provider still signs them in.
    response = come_back(
        client, oidc_provider.log_in(start(client, sso_company), "carlos", PASSWORD)
    )
    assert response.status_code == 302
    assert PortalSession.objects.filter(account=account).count() == 1
