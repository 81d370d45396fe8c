"""The office's Integrations page: owners create (key shown once), rotate and revoke API keys;
rotate and revoke ask first; other roles get the 403 page."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from doorstep.core.models import AuditEvent
from doorstep.integrations.models import ApiKey

from ..helpers import office_client

pytestmark = pytest.mark.django_db


def _create(client: Client, **data):
    return client.post(
        reverse("office:integrations:new"),
        {
            "name": "FieldPro sync",
            "scopes": ["customers:write", "invoices:write"],
            **data,
        },
    )


def test_an_owner_creates_a_key_sees_it_once_and_it_works(company):
    client = office_client(Client(enforce_csrf_checks=False), company, "owner")
    response = _create(client)
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    raw = response.context["raw"]
    assert raw in response.content.decode()
    key = ApiKey.objects.get()
    assert (key.company, key.name, key.created_by) == (company, "FieldPro sync", client.staff_user)
    assert (
        Client().get("/api/v1/customers/", headers={"Authorization": f"Bearer {raw}"}).status_code
        == 200
    )
    listing = client.get(reverse("office:integrations:list")).content.decode()
    assert key.prefix in listing and raw not in listing
    assert AuditEvent.objects.filter(verb="api_key.created", actor_user=client.staff_user).exists()


def test_bad_input_is_shown_next_to_the_field_and_nothing_is_saved(company):
    client = office_client(Client(), company, "owner")
    response = client.post(reverse("office:integrations:new"), {"name": "", "scopes": []})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Choose at least one thing this key may do." in page
    assert "This field is required." in page
    response = _create(client, expires_on="2000-01-01")
    assert "Choose a day after today." in response.content.decode()
    assert not ApiKey.objects.exists()


def test_revoke_asks_first_then_the_key_stops_working(company):
    client = office_client(Client(), company, "owner")
    raw = _create(client).context["raw"]
    key = ApiKey.objects.get()
    url = reverse("office:integrations:revoke", args=[key.pk])
    question = client.get(url)
    assert "Revoke the key" in question.content.decode()
    assert client.post(url).status_code == 200  # a POST without confirmed=1 asks again
    ApiKey.objects.get(pk=key.pk, revoked_at=None)
    done = client.post(url, {"confirmed": "1"})
    assert done.status_code == 302
    assert (
        Client().get("/api/v1/customers/", headers={"Authorization": f"Bearer {raw}"}).status_code
        == 401
    )


def test_rotate_asks_first_and_shows_the_new_key_once(company):
    client = office_client(Client(), company, "owner")
    _create(client)
    key = ApiKey.objects.get()
    url = reverse("office:integrations:rotate", args=[key.pk])
    assert "Replace the key" in client.get(url).content.decode()
    response = client.post(url, {"confirmed": "1"})
    new_raw = response.context["raw"]
    assert ApiKey.objects.count() == 2
    assert (
        Client()
        .get("/api/v1/customers/", headers={"Authorization": f"Bearer {new_raw}"})
        .status_code
        == 200
    )


@pytest.mark.parametrize("role", ["office", "billing", "technician"])
def test_only_owners_manage_keys(company, role):
    client = office_client(Client(), company, role)
    assert client.get(reverse("office:integrations:list")).status_code == 403
    assert _create(client).status_code == 403
    assert not ApiKey.objects.exists()


def test_another_companys_key_is_404(company, other_company):
    theirs = office_client(Client(), other_company, "owner")
    _create(theirs)
    key = ApiKey.objects.get()
    mine = office_client(Client(), company, "owner")
    for name in ("rotate", "revoke"):
        url = reverse(f"office:integrations:{name}", args=[key.pk])
        assert mine.get(url).status_code == 404
        assert mine.post(url, {"confirmed": "1"}).status_code == 404
    assert ApiKey.objects.get().revoked_at is None


@pytest.mark.parametrize("count", [1, 8])
def test_the_list_costs_the_same_queries_whatever_the_number_of_keys(
    company, count, django_assert_num_queries
):
    from doorstep.core.audit import Actor
    from doorstep.integrations.keys import api_key_create

    client = office_client(Client(), company, "owner")
    for n in range(count):
        api_key_create(company=company, name=f"k{n}", scopes=["jobs:read"], actor=Actor.system("t"))
    client.get(reverse("office:integrations:list"))  # warm the session
    # session, user, memberships, company, the keys (with who created them)
    with django_assert_num_queries(5):
        response = client.get(reverse("office:integrations:list"))
    assert response.content.decode().count("Revoke<span") == count
