"""Connect with Stripe from the payments page (against a local fake of Stripe's Connect
endpoints) and the operator's plan page."""

from __future__ import annotations

import pytest
from django.test import Client

from doorstep.core.models import AuditEvent
from doorstep.tenancy.models import Company

from ...factories import UserFactory
from ...payments.stripe_connect_fake import FakeConnect
from ..helpers import office_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def stripe_connect(settings):
    fake = FakeConnect()
    fake.start()
    settings.STRIPE_SECRET_KEY = "sk_test_connect"
    settings.STRIPE_API_BASE = fake.url
    yield fake
    fake.stop()


@pytest.fixture
def owner(company):
    return office_client(Client(), company, "owner")


def test_connect_with_stripe_sends_the_owner_to_stripe_and_shows_what_is_missing(
    owner, company, stripe_connect, django_assert_num_queries
):
    page = owner.get("/office/settings/payments/").content.decode()
    assert "Connect with Stripe" in page
    response = owner.post("/office/settings/payments/stripe/connect")
    account = Company.objects.get(pk=company.pk).settings.stripe_account_id
    assert response.status_code == 302
    assert response["Location"] == f"https://connect.stripe.test/setup/{account}/1"
    link = stripe_connect.links[0]
    assert link["return_url"] == "https://portal.example.test/office/settings/payments/stripe/back"
    assert link["refresh_url"].endswith("/office/settings/payments/stripe/refresh")
    back = owner.get("/office/settings/payments/stripe/back", follow=True).content.decode()
    assert "Continue with Stripe" in back and account in back
    owner.get("/office/settings/payments/stripe/state")
    with django_assert_num_queries(5):
        state = owner.get("/office/settings/payments/stripe/state").content.decode()
    assert "Not ready for payments" in state
    assert "a bank account for payouts" in state and "your business website" in state
    stripe_connect.complete(account)
    state = owner.get("/office/settings/payments/stripe/state").content.decode()
    assert "Charges enabled" in state and "Stripe still needs" not in state
    # An expired onboarding link: Stripe sends the owner to refresh_url for a fresh one.
    again = owner.get("/office/settings/payments/stripe/refresh")
    assert again["Location"].endswith("/2") and len(stripe_connect.accounts) == 1


def test_connect_needs_a_post(owner, stripe_connect):
    assert owner.get("/office/settings/payments/stripe/connect").status_code == 405
    assert stripe_connect.accounts == {}


def test_stripe_down_is_said_in_plain_words(owner, company, settings):
    settings.STRIPE_SECRET_KEY = "sk_test_connect"
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"
    response = owner.post("/office/settings/payments/stripe/connect", follow=True)
    assert "Stripe could not be reached just now" in response.content.decode()


def test_only_the_operator_gives_a_plan(owner, company):
    page = owner.get("/office/settings/plan/").content.decode()
    assert "Your Doorstep provider sets the plan" in page
    assert owner.post("/office/settings/plan/", {"plan": "starter"}).status_code == 403
    assert Company.objects.get(pk=company.pk).plan == ""
    operator = Client()
    operator.force_login(UserFactory(is_superuser=True))
    operator.post("/office/company/", {"company": company.pk})
    response = operator.post("/office/settings/plan/", {"plan": "starter"}, follow=True)
    assert "is now on the Starter plan" in response.content.decode()
    assert Company.objects.get(pk=company.pk).plan == "starter"
    assert AuditEvent.objects.filter(company=company, verb="plan.changed").count() == 1
    page = owner.get("/office/settings/plan/").content.decode()
    assert "available on the Pro plan" in page
