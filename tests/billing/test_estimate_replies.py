"""Staff read the customer's questions on an estimate and reply from its back-office page; the
customer is emailed a link to the estimate in the portal, where the thread shows who said what."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from doorstep.billing.estimates import estimate_accept, estimate_comment_add
from doorstep.billing.models import EstimateComment
from doorstep.core.audit import Actor
from doorstep.core.models import AuditEvent

from ..backoffice.helpers import staff_client
from ..factories import (
    ContactFactory,
    CustomerFactory,
    make_portal_account,
    staff_user,
)
from ..portal_helpers import sign_in
from .test_estimate_decisions import sent_estimate

pytestmark = pytest.mark.django_db


def reply(client: Client, estimate: Any, body: str) -> Any:
    url = f"/office/admin/billing/estimate/{estimate.pk}/reply/"
    assert client.get(url).status_code == 200
    return client.post(
        url, {"csrfmiddlewaretoken": client.cookies["csrftoken"].value, "body": body}
    )


@pytest.fixture
def thread(company: Any) -> dict[str, Any]:
    customer = CustomerFactory(company=company, name="Morgan Lee")
    contact = ContactFactory(customer=customer, email="morgan@example.test")
    estimate = sent_estimate(customer)
    estimate_comment_add(
        company=company,
        customer=customer,
        estimate=estimate,
        body="Does this include the permit?",
        actor=Actor.portal("morgan@example.test"),
    )
    owner = staff_user(company, first_name="Dana", last_name="Brooks")
    return {"customer": customer, "contact": contact, "estimate": estimate, "owner": owner}


def test_staff_read_the_question_reply_and_the_customer_is_emailed(
    company, thread, mailbox, django_capture_on_commit_callbacks
):
    estimate = thread["estimate"]
    client = staff_client(thread["owner"])
    page = client.get(f"/office/admin/billing/estimate/{estimate.pk}/change/").content.decode()
    assert "Does this include the permit?" in page and "Morgan Lee (customer)" in page
    assert f"/office/admin/billing/estimate/{estimate.pk}/reply/" in page

    with django_capture_on_commit_callbacks(execute=True):
        response = reply(client, estimate, "Yes, the permit is in the first line.")
    assert response.status_code == 302
    answer = EstimateComment.objects.get(from_customer=False)
    assert answer.body == "Yes, the permit is in the first line."
    assert answer.author_label == "Dana Brooks"
    assert AuditEvent.objects.filter(
        target_id=estimate.pk, verb="estimate.comment_replied"
    ).exists()

    [message] = mailbox.to("morgan@example.test")
    assert estimate.display_number in message["Subject"]
    link = f"/p/{company.slug}/estimates/{estimate.pk}/"
    assert link in mailbox.text(message)

    portal = Client()
    sign_in(portal, make_portal_account(thread["contact"]))
    body = portal.get(link).content.decode()
    assert body.index("Does this include the permit?") < body.index("Yes, the permit is in")
    assert "You ·" in body and f"Dana Brooks, {company.name}" in body


def test_a_decided_estimate_is_locked_but_still_answerable(company, thread):
    estimate = thread["estimate"]
    estimate_accept(
        company=company,
        customer=thread["customer"],
        estimate=estimate,
        signature_name="Morgan Lee",
        actor=Actor.portal("morgan@example.test"),
    )
    client = staff_client(thread["owner"])
    assert reply(client, estimate, "Thanks! We'll call to book.").status_code == 302
    assert EstimateComment.objects.filter(from_customer=False).count() == 1


def test_an_empty_reply_is_refused_next_to_the_field(company, thread, mailbox):
    client = staff_client(thread["owner"])
    response = reply(client, thread["estimate"], "   ")
    assert response.status_code == 400
    assert response.context["form"].errors["body"]
    assert not EstimateComment.objects.filter(from_customer=False).exists()
    assert mailbox.messages == []


def test_another_companys_staff_cannot_reply(company, other_company, thread):
    client = staff_client(staff_user(other_company))
    url = f"/office/admin/billing/estimate/{thread['estimate'].pk}/reply/"
    assert client.get(url).status_code == 404
    response = client.post(url, {"body": "Hi"})  # staff_client: no CSRF token needed to 404
    assert response.status_code in (403, 404)
    assert not EstimateComment.objects.filter(from_customer=False).exists()
