"""A section the company switches off, or its plan lacks, leaves the portal's menu and its
pages answer with the branded "not available" page (tenancy/features.py decides)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from ..portal_helpers import sign_in

pytestmark = pytest.mark.django_db


def switch(company, **values):
    for name, value in values.items():
        setattr(company.settings, name, value)
    company.settings.save()


def test_switched_off_estimates_leave_the_menu_and_their_pages(client, alice):
    account, company = alice["account"], alice["account"].company
    sign_in(client, account)
    estimates = reverse("portal:estimates", args=[company.slug])
    detail = reverse("portal:estimate_detail", args=[company.slug, alice["estimate"].pk])
    home = client.get(reverse("portal:home", args=[company.slug])).content.decode()
    assert f'href="{estimates}"' in home
    assert client.get(estimates).status_code == 200

    switch(company, estimates_section_enabled=False)
    home = client.get(reverse("portal:home", args=[company.slug])).content.decode()
    assert f'href="{estimates}"' not in home
    assert "awaiting your decision" not in home
    for url in (estimates, detail):
        response = client.get(url)
        assert response.status_code == 404
        page = response.content.decode()
        assert "Estimates: not available" in page
        assert company.support_phone in page  # branded, with a way to reach the office
        assert "Alice estimate" not in page
    # The rest of the portal is untouched.
    assert client.get(reverse("portal:invoices", args=[company.slug])).status_code == 200


def test_a_feature_outside_the_plan_is_hidden_even_when_switched_on(client, alice, settings):
    account, company = alice["account"], alice["account"].company
    company.plan = "starter"
    company.save()
    sign_in(client, account)
    home = client.get(reverse("portal:home", args=[company.slug])).content.decode()
    for name in ("messaging:list", "servicerequests:list", "portal:estimates"):
        assert f'href="{reverse(name, args=[company.slug])}"' not in home
    assert f'href="{reverse("portal:invoices", args=[company.slug])}"' in home
    assert client.get(reverse("messaging:list", args=[company.slug])).status_code == 404
    assert client.get(reverse("servicerequests:new", args=[company.slug])).status_code == 404
    settings.DOORSTEP_DEFAULT_PLAN = "everything"
    company.plan = ""
    company.save()
    assert client.get(reverse("messaging:list", args=[company.slug])).status_code == 200


def test_the_not_available_page_costs_the_gate_only(client, alice, django_assert_num_queries):
    account, company = alice["account"], alice["account"].company
    switch(company, documents_section_enabled=False)
    sign_in(client, account)
    url = reverse("portal:documents", args=[company.slug])
    client.get(url)
    with django_assert_num_queries(1):  # the session joined with its company and settings
        assert client.get(url).status_code == 404
