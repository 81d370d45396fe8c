"""SECURITY.md 12: every portal URL, walked from the resolver, answers another customer of the
same company and a customer of another company with a 404 that shows none of the object."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, get_resolver, reverse

from doorstep.access.models import SessionScope
from doorstep.billing.estimates import estimate_accept, estimate_change_state

from ..factories import SYSTEM, make_estimate
from ..portal_helpers import sign_in
from .conftest import customer_with_one_of_each

pytestmark = pytest.mark.django_db

# URL parameter -> which of the customer's objects fills it.
OBJECT_PARAMS = {
    "invoice_id": "invoice",
    "job_id": "job",
    "estimate_id": "estimate",
    "document_id": "document",
    "photo_id": "job_photo",  # the completion photo of the job
}
PUBLIC = {"logo", "banner"}  # the company's logo and banner: not a customer's object
# The office's "Preview as the customer": a staff page (staff session, never a customer's);
# its access and query count are tested in tests/office/money.
STAFF = {"invoice_staff_preview"}
# Two-step steps of the signed-in account itself (no object id): without two-step in the
# right state they send the customer back to portal:two_step. Their rules, isolation and
# counts are in tests/access/test_two_step.py.
TWO_STEP_STEPS = {"two_step_enable", "two_step_codes", "two_step_disable"}


def portal_patterns() -> list[URLPattern]:
    _, resolver = get_resolver().namespace_dict["portal"]
    patterns = [p for p in resolver.url_patterns if isinstance(p, URLPattern)]
    assert len(patterns) >= 14
    return patterns


def params_of(pattern: URLPattern) -> list[str]:
    return list(pattern.pattern.converters)


# Pages whose object must be in a given state to be shown to its own customer at all.
OBJECT_FOR_PAGE = {("estimate_signed_pdf", "estimate_id"): "accepted_estimate"}


def url_for(pattern: URLPattern, slug: str, owner: dict[str, Any]) -> str:
    kwargs: dict[str, Any] = {"company_slug": slug}
    for param in params_of(pattern):
        assert param in OBJECT_PARAMS, f"New URL parameter {param}: add it to the matrix"
        key = OBJECT_FOR_PAGE.get((str(pattern.name), param), OBJECT_PARAMS[param])
        kwargs[param] = owner[key].pk
    return reverse(f"portal:{pattern.name}", kwargs=kwargs)


def missing_url(pattern: URLPattern, slug: str) -> str:
    kwargs: dict[str, Any] = {"company_slug": slug}
    kwargs.update({param: 999_999 for param in params_of(pattern)})
    return reverse(f"portal:{pattern.name}", kwargs=kwargs)


def assert_hides(body: str, owner: dict[str, Any]) -> None:
    for secret in owner["secrets"]:
        assert secret not in body, secret


def with_accepted_estimate(owner: dict[str, Any]) -> dict[str, Any]:
    """`owner` plus an estimate it has signed (the signed copy exists only for those)."""
    estimate = make_estimate(owner["customer"], title="Signed estimate")
    company = owner["customer"].company
    estimate_change_state(company=company, estimate=estimate, new_state="sent", actor=SYSTEM)
    estimate_accept(
        company=company,
        customer=owner["customer"],
        estimate=estimate,
        signature_name="Alice Signer",
        actor=SYSTEM,
    )
    return {**owner, "accepted_estimate": estimate}


def test_every_portal_url_is_private_to_its_customer(company, other_company, alice):
    alice = with_accepted_estimate(alice)
    bob = customer_with_one_of_each(company, "Bob", cents=1717)
    carol = customer_with_one_of_each(other_company, "Carol", cents=2929)
    as_alice, as_bob, as_carol = Client(), Client(), Client()
    sign_in(as_alice, alice["account"])
    sign_in(as_bob, bob["account"])
    sign_in(as_carol, carol["account"])
    checked = 0
    for pattern in portal_patterns():
        if pattern.name in PUBLIC | STAFF | TWO_STEP_STEPS:
            continue
        own = as_alice.get(url_for(pattern, company.slug, alice))
        assert own.status_code == 200, pattern.name
        if params_of(pattern):
            missing = as_bob.get(missing_url(pattern, company.slug))
            assert missing.status_code == 404
            # Bob (same company) and Carol (her own portal) ask for Alice's objects.
            for client, slug in ((as_bob, company.slug), (as_carol, other_company.slug)):
                response = client.get(url_for(pattern, slug, alice))
                assert response.status_code == 404, (pattern.name, slug)
                # Indistinguishable from a missing one in the asker's own (branded) portal
                # (the page has a sign-out form: its CSRF token is masked afresh each time).
                here = client.get(missing_url(pattern, slug))
                assert unmasked(response) == unmasked(here)
                assert_hides(response.content.decode(), alice)
            # A POST (the estimate page's actions) is refused the same way.
            post = as_bob.post(url_for(pattern, company.slug, alice), {"action": "comment"})
            assert post.status_code in (403, 404, 405)
        else:
            for client, slug in ((as_bob, company.slug), (as_carol, other_company.slug)):
                response = client.get(url_for(pattern, slug, alice))
                assert response.status_code == 200, (pattern.name, slug)
                assert_hides(response.content.decode(), alice)
        # Carol's session is bound to her company: Alice's portal does not let her in at all.
        foreign = as_carol.get(url_for(pattern, company.slug, alice))
        assert foreign.status_code == 302 and "/sign-in" in foreign["Location"]
        checked += 1
    assert checked >= 13


def test_an_invoice_link_session_sees_only_its_invoice(company, alice):
    second = customer_with_one_of_each(company, "Alice2", cents=555)  # noqa: F841  (other objects exist)
    alice = with_accepted_estimate(alice)
    client = Client()
    sign_in(client, alice["account"], scope=SessionScope.INVOICE, invoice=alice["invoice"])
    slug = company.slug
    invoice = alice["invoice"]
    page = client.get(reverse("portal:invoice_detail", args=[slug, invoice.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    assert 'class="main-nav"' not in body and "All invoices" not in body
    assert client.get(reverse("portal:invoice_pdf", args=[slug, invoice.pk])).status_code == 200
    from ..factories import make_invoice

    other_invoice = make_invoice(alice["customer"])
    assert (
        client.get(reverse("portal:invoice_detail", args=[slug, other_invoice.pk])).status_code
        == 404
    )
    for pattern in portal_patterns():
        if pattern.name in PUBLIC | {"invoice_detail", "invoice_pdf"}:
            continue
        response = client.get(url_for(pattern, slug, alice))
        assert response.status_code == 302, pattern.name


def unmasked(response) -> str:
    """The page without what differs on every request: the CSRF token, and the request id
    shown for support (it names the request, never the record)."""
    body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())
    return body.replace(response["X-Request-ID"], "")
