"""The office's single sign-on area: identity providers (owners) and "must sign in with SSO"
per customer (confirmed first, audited). docs/access.md, "Identity providers"."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from doorstep.access.models import CustomerSsoRequirement, IdentityProvider
from doorstep.access.oidc import identity_provider_save
from doorstep.core.audit import Actor
from doorstep.core.models import AuditEvent
from doorstep.core.sealed import unseal
from doorstep.core.verbs import Verb
from tests.factories import ContactFactory
from tests.office.helpers import office_client

pytestmark = pytest.mark.django_db

ISSUER = "https://login.example.test"


def provider(company: Any, name: str = "Acme SSO") -> IdentityProvider:
    return identity_provider_save(
        company=company, actor=Actor.system(), name=name, issuer=ISSUER + "/" + name,
        client_id="cid", client_secret="the-secret",
    )  # fmt: skip


def test_an_owner_adds_a_provider_with_a_sealed_write_only_secret(company: Any) -> None:
    owner = office_client(Client(), company, "owner")
    page = owner.get("/office/sso/providers/new/")
    assert page.status_code == 200 and "Client secret" in page.content.decode()
    response = owner.post(
        "/office/sso/providers/new/",
        {"name": "Acme SSO", "issuer": ISSUER, "client_id": "cid", "client_secret": "s3cret",
         "enabled": "on"},
    )  # fmt: skip
    assert response.status_code == 302
    saved = IdentityProvider.objects.get(company=company)
    assert "s3cret" not in saved.sealed_client_secret and unseal(saved.sealed_client_secret)
    assert AuditEvent.objects.filter(verb=Verb.IDENTITYPROVIDER_CREATED).exists()
    edit = owner.get(f"/office/sso/providers/{saved.pk}/").content.decode()
    assert "s3cret" not in edit and "Set — type to replace." in edit
    # A blank secret keeps the one that is set.
    owner.post(
        f"/office/sso/providers/{saved.pk}/",
        {"name": "Acme", "issuer": ISSUER, "client_id": "cid2", "client_secret": "", "enabled": ""},
    )
    saved.refresh_from_db()
    assert unseal(saved.sealed_client_secret) == "s3cret"
    assert (saved.name, saved.client_id, saved.enabled) == ("Acme", "cid2", False)


def test_bad_input_is_answered_next_to_the_field_and_saves_nothing(company: Any) -> None:
    owner = office_client(Client(), company, "owner")
    response = owner.post(
        "/office/sso/providers/new/", {"name": "", "issuer": "ftp://x", "client_id": ""}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert 'id="id_issuer_error"' in body and 'id="id_name_error"' in body
    assert not IdentityProvider.objects.exists()


def test_office_staff_see_but_only_owners_change_providers(company: Any) -> None:
    saved = provider(company)
    office = office_client(Client(), company, "office")
    assert office.get("/office/sso/").status_code == 200
    assert office.get(f"/office/sso/providers/{saved.pk}/").status_code == 403
    billing = office_client(Client(), company, "billing")
    assert billing.get("/office/sso/").status_code == 403


def test_another_companys_provider_and_customer_are_404(company: Any, other_company: Any) -> None:
    theirs = provider(other_company)
    their_customer = ContactFactory(customer__company=other_company).customer
    owner = office_client(Client(), company, "owner")
    assert owner.get(f"/office/sso/providers/{theirs.pk}/").status_code == 404
    assert owner.get(f"/office/sso/customers/{their_customer.pk}/").status_code == 404
    assert (
        owner.post(f"/office/sso/customers/{their_customer.pk}/", {"confirmed": "1"}).status_code
        == 404
    )
    assert not CustomerSsoRequirement.objects.exists()


def test_requiring_sso_is_confirmed_first_and_audited(company: Any) -> None:
    provider(company)
    contact = ContactFactory(customer__company=company, name="Pat", email="pat@example.test")
    customer = contact.customer
    staff = office_client(Client(), company, "office")
    found = staff.get("/office/sso/", {"email": "PAT@example.test"})
    assert found.status_code == 302 and found["Location"] == f"/office/sso/customers/{customer.pk}/"
    confirm = staff.get(found["Location"])
    assert "Require" in confirm.content.decode() and 'name="confirmed"' in confirm.content.decode()
    assert not CustomerSsoRequirement.objects.exists()  # opening the page changes nothing
    staff.post(found["Location"])  # a POST without confirmed=1 changes nothing either
    assert not CustomerSsoRequirement.objects.exists()
    staff.post(found["Location"], {"confirmed": "1"})
    assert CustomerSsoRequirement.objects.filter(customer=customer).exists()
    assert AuditEvent.objects.filter(verb=Verb.SSO_REQUIRED, target_id=customer.pk).exists()
    listed = staff.get("/office/sso/").content.decode()
    assert "Allow links and passwords again" in listed
    staff.post(found["Location"], {"confirmed": "1"})
    assert not CustomerSsoRequirement.objects.exists()
    assert AuditEvent.objects.filter(verb=Verb.SSO_NOT_REQUIRED).exists()


def test_sso_cannot_be_required_without_a_provider(company: Any) -> None:
    customer = ContactFactory(customer__company=company).customer
    staff = office_client(Client(), company, "office")
    response = staff.post(f"/office/sso/customers/{customer.pk}/", {"confirmed": "1"}, follow=True)
    assert "Add an identity provider first" in response.content.decode()
    assert not CustomerSsoRequirement.objects.exists()


def test_unknown_email_is_answered_next_to_the_field(company: Any) -> None:
    staff = office_client(Client(), company, "office")
    response = staff.get("/office/sso/", {"email": "nobody@example.test"})
    assert response.status_code == 200
    assert "No customer of yours has a contact with this address." in response.content.decode()


@pytest.mark.parametrize("size", [1, 12])
def test_query_counts(company: Any, django_assert_num_queries: Any, size: int) -> None:
    for i in range(size):
        provider(company, name=f"P{i}")
        customer = ContactFactory(customer__company=company).customer
        CustomerSsoRequirement.objects.create(company=company, customer=customer)
    owner = office_client(Client(), company, "owner")
    owner.get("/office/sso/")
    with django_assert_num_queries(6):
        assert owner.get("/office/sso/").status_code == 200
    with django_assert_num_queries(6):
        assert owner.get(f"/office/sso/customers/{customer.pk}/").status_code == 200
    with django_assert_num_queries(4):
        assert owner.get("/office/sso/providers/new/").status_code == 200
