"""The help site's session contract (doorstep/helpdesk/identity.py)."""

from __future__ import annotations

from typing import Any

import pytest
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import reverse

from doorstep.access.models import PortalAccountState
from doorstep.helpdesk.identity import (
    HelpSite,
    help_identity,
    help_page,
    help_session_end,
    help_session_start,
)
from tests.factories import ContactFactory, make_portal_account

pytestmark = pytest.mark.django_db


def _request_with_session() -> Any:
    from django.contrib.sessions.backends.db import SessionStore

    request = RequestFactory().get("/h/x/")
    request.session = SessionStore()
    request.session["unrelated"] = 1
    request.session.save()
    return request


def test_start_gives_a_new_session_key_and_identity_of_that_company_only(
    company: Any, other_company: Any
) -> None:
    account = make_portal_account(ContactFactory(customer__company=company))
    request = _request_with_session()
    old_key = request.session.session_key
    help_session_start(request, company=company, account=account, via="sso")
    assert request.session.session_key != old_key
    identity = help_identity(request, company)
    assert identity is not None
    assert (identity.account, identity.customer, identity.contact) == (
        account,
        account.customer,
        account.contact,
    )
    assert identity.via == "sso"
    assert help_identity(request, other_company) is None


def test_an_account_of_another_company_cannot_be_started(company: Any, other_company: Any) -> None:
    account = make_portal_account(ContactFactory(customer__company=other_company))
    with pytest.raises(ValueError):
        help_session_start(_request_with_session(), company=company, account=account, via="sso")


def test_deactivated_account_or_changed_email_ends_the_help_session(company: Any) -> None:
    account = make_portal_account(ContactFactory(customer__company=company))
    request = _request_with_session()
    help_session_start(request, company=company, account=account, via="sso")
    account.contact.email = "new@example.com"
    account.contact.save()
    assert help_identity(request, company) is None
    account2 = make_portal_account(ContactFactory(customer__company=company))
    help_session_start(request, company=company, account=account2, via="sso")
    account2.state = PortalAccountState.DEACTIVATED
    account2.save()
    assert help_identity(request, company) is None


def test_end_signs_out_and_changes_the_key(company: Any) -> None:
    account = make_portal_account(ContactFactory(customer__company=company))
    request = _request_with_session()
    help_session_start(request, company=company, account=account, via="sso")
    key = request.session.session_key
    help_session_end(request)
    assert help_identity(request, company) is None
    assert request.session.session_key != key


def test_help_page_gate_redirects_a_visitor_to_sign_in(company: Any, client: Client) -> None:
    @help_page(signed_in=True)
    def view(request: Any, site: HelpSite) -> HttpResponse:
        return HttpResponse("ok")

    request = _request_with_session()
    response = view(request, company_slug=company.slug)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("helpdesk:sign_in", args=[company.slug]))


def test_help_pages_use_their_own_session_cookie_never_the_staff_one(
    company: Any, client: Client, settings: Any
) -> None:
    client.cookies[settings.SESSION_COOKIE_NAME] = "staff-session-key"
    response = client.get(reverse("helpdesk:home", args=[company.slug]))
    assert response.status_code == 200
    account = make_portal_account(ContactFactory(customer__company=company))
    # A session written on the help site is stored under the help cookie name only.
    from doorstep.helpdesk import identity

    def start(request: Any, company_slug: str) -> HttpResponse:
        help_session_start(request, company=company, account=account, via="test")
        return HttpResponse("signed in")

    request = RequestFactory().get(f"/h/{company.slug}/")
    request.COOKIES[settings.SESSION_COOKIE_NAME] = "staff-session-key"
    from django.contrib.sessions.middleware import SessionMiddleware

    chain = identity.HelpSessionCookieMiddleware(
        SessionMiddleware(lambda r: start(r, company.slug))
    )
    response = chain(request)
    assert settings.HELP_SESSION_COOKIE_NAME in response.cookies
    assert settings.SESSION_COOKIE_NAME not in response.cookies
    # The staff cookie was not handed to the session: the help session is a fresh one.
    assert response.cookies[settings.HELP_SESSION_COOKIE_NAME].value != "staff-session-key"
    assert response.cookies[settings.HELP_SESSION_COOKIE_NAME]["httponly"]


def test_help_host_serves_only_the_help_site(company: Any, client: Client, settings: Any) -> None:
    settings.HELP_BASE_URL = "http://help.example.test:8105"
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "help.example.test"]
    home = reverse("helpdesk:home", args=[company.slug])
    assert client.get(home, HTTP_HOST="help.example.test:8105").status_code == 200
    assert client.get("/office/", HTTP_HOST="help.example.test:8105").status_code == 404
    assert (
        client.get(f"/p/{company.slug}/sign-in", HTTP_HOST="help.example.test:8105").status_code
        == 404
    )
