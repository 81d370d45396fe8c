import pytest
from django.test import Client

from doorstep.access.portal_sessions import portal_sessions_end_all

from ..factories import CompanyFactory, ContactFactory, make_portal_account
from ..portal_helpers import sign_in

pytestmark = pytest.mark.django_db


def test_home_needs_a_session_of_this_company():
    account = make_portal_account(ContactFactory())
    client = Client()
    company = account.company
    assert client.get(f"/p/{company.slug}/").status_code == 302
    sign_in(client, account)
    page = client.get(f"/p/{company.slug}/")
    assert page.status_code == 200 and account.customer.first_name in page.content.decode()
    other = CompanyFactory()
    assert client.get(f"/p/{other.slug}/").status_code == 302
    portal_sessions_end_all(account=account)
    assert client.get(f"/p/{company.slug}/").status_code == 302


def test_portal_switched_off_shows_unavailable_page():
    account = make_portal_account(ContactFactory())
    client = Client()
    sign_in(client, account)
    account.company.settings.portal_enabled = False
    account.company.settings.save()
    page = client.get(f"/p/{account.company.slug}/")
    assert page.status_code == 503
    assert "The portal is currently unavailable" in page.content.decode()
