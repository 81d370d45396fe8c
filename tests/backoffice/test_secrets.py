"""Secrets stored on a company (the Twilio auth token) are write-only in every form: no role,
not even a superuser, reads one back; blank keeps it, typing replaces it."""

from __future__ import annotations

import pytest

from doorstep.tenancy.models import CompanySettings

from ..factories import UserFactory, staff_user
from .helpers import errors_of, form_data, staff_client

pytestmark = pytest.mark.django_db

TOKEN = "tw-auth-0123456789abcdef0123456789ab"


@pytest.fixture
def with_token(company):
    CompanySettings.objects.filter(company=company).update(
        twilio_account_sid="AC123", twilio_auth_token=TOKEN
    )
    return company


@pytest.mark.parametrize("role", ["owner", "office", "billing", "technician", "superuser"])
def test_no_role_sees_the_token(with_token, role):
    user = (
        UserFactory(is_superuser=True) if role == "superuser" else staff_user(with_token, role=role)
    )
    page = staff_client(user).get(f"/office/admin/tenancy/company/{with_token.pk}/change/")
    body = page.content.decode()
    assert page.status_code == 200
    assert TOKEN not in body
    if role in ("owner", "superuser"):
        assert 'name="settings-0-twilio_auth_token"' in body
        assert "Set — type to replace." in body
    else:
        assert "twilio_auth_token" not in body.replace("twilio_auth_token_state", "")
        assert "Twilio auth token" in body and "Set" in body


def post_settings(client, company, changes):
    url = f"/office/admin/tenancy/company/{company.pk}/change/"
    data = form_data(client.get(url))
    data.update(changes)
    data["csrfmiddlewaretoken"] = client.cookies["csrftoken"].value
    return client.post(url, data)


def test_blank_keeps_the_token_and_typing_replaces_it(with_token):
    client = staff_client(staff_user(with_token, role="owner"))
    response = post_settings(client, with_token, {"settings-0-sms_enabled": "on"})
    assert response.status_code == 302, errors_of(response)
    stored = CompanySettings.objects.get(company=with_token)
    assert stored.sms_enabled and stored.twilio_auth_token == TOKEN
    response = post_settings(client, with_token, {"settings-0-twilio_auth_token": "new-token-42"})
    assert response.status_code == 302, errors_of(response)
    assert CompanySettings.objects.get(company=with_token).twilio_auth_token == "new-token-42"
    body = client.get(f"/office/admin/tenancy/company/{with_token.pk}/change/").content.decode()
    assert "new-token-42" not in body


def test_an_unset_token_says_so(company):
    body = (
        staff_client(staff_user(company, role="owner"))
        .get(f"/office/admin/tenancy/company/{company.pk}/change/")
        .content.decode()
    )
    assert "Not set." in body
