"""Connect with Stripe onboarding: one account per company (a double click makes one), Stripe's
onboarding link, and the account's state in plain words. Against a local fake of Stripe's
Connect endpoints (localstripe has none)."""

from __future__ import annotations

import pytest

from doorstep.core.audit import Actor
from doorstep.core.models import AuditEvent
from doorstep.payments.connect import stripe_account_state, stripe_onboarding_start
from doorstep.payments.providers.base import ProviderError

from .stripe_connect_fake import FakeConnect

pytestmark = pytest.mark.django_db


@pytest.fixture
def stripe_connect(settings):
    fake = FakeConnect()
    fake.start()
    settings.STRIPE_SECRET_KEY = "sk_test_connect"
    settings.STRIPE_API_BASE = fake.url
    yield fake
    fake.stop()


def start(company):
    return stripe_onboarding_start(
        company=company,
        actor=Actor.system("tests"),
        return_url="https://office.test/back",
        refresh_url="https://office.test/again",
    )


def test_onboarding_creates_one_account_and_returns_stripes_hosted_page(company, stripe_connect):
    url = start(company)
    company.settings.refresh_from_db()
    account = company.settings.stripe_account_id
    assert account.startswith("acct_fake")
    assert url == f"https://connect.stripe.test/setup/{account}/1"
    assert stripe_connect.links[0]["type"] == "account_onboarding"
    assert stripe_connect.links[0]["return_url"] == "https://office.test/back"
    start(company)  # again (a second click, or coming back later): the same account
    assert len(stripe_connect.accounts) == 1 and len(stripe_connect.links) == 2
    assert AuditEvent.objects.filter(verb="stripe.onboarding_started").count() == 2


def test_state_says_what_is_missing_then_that_charges_are_enabled(company, stripe_connect):
    assert stripe_account_state(company=company) is None
    start(company)
    state = stripe_account_state(company=company)
    assert not state.charges_enabled
    assert state.missing == [
        "a bank account for payouts",
        "acceptance of Stripe's terms of service",
        "your business website",
    ]
    stripe_connect.complete(company.settings.stripe_account_id)
    state = stripe_account_state(company=company)
    assert state.charges_enabled and state.missing == []


def test_stripe_unreachable_is_a_provider_error_and_changes_nothing(company, settings):
    settings.STRIPE_SECRET_KEY = "sk_test_connect"
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"  # nothing listens
    with pytest.raises(ProviderError):
        start(company)
    company.settings.refresh_from_db()
    assert company.settings.stripe_account_id == ""
