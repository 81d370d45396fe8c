"""Customers accept (signing with their name), decline or comment on estimates in the portal;
staff are emailed and turn an accepted estimate into a job in one action."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.contrib.messages.storage.fallback import FallbackStorage
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from doorstep.backoffice.estimates import convert_to_job
from doorstep.billing.estimates import (
    estimate_accept,
    estimate_change_state,
    estimate_convert_to_job,
)
from doorstep.billing.models import Estimate, EstimateComment, EstimateState
from doorstep.core.audit import Actor
from doorstep.core.errors import DomainError
from doorstep.jobs.models import Job, JobStatus
from doorstep.tenancy.time import company_today

from ..factories import (
    SYSTEM,
    ContactFactory,
    CustomerFactory,
    LocationFactory,
    make_estimate,
    make_portal_account,
    staff_user,
)
from ..portal_helpers import sign_in

pytestmark = pytest.mark.django_db


def sent_estimate(customer: Any, **kwargs: Any) -> Estimate:
    estimate = make_estimate(customer, title="New water heater", **kwargs)
    return estimate_change_state(
        company=customer.company, estimate=estimate, new_state="sent", actor=SYSTEM
    )


@pytest.fixture
def me(company: Any, csrf_client: Client) -> dict[str, Any]:
    customer = CustomerFactory(company=company, name="Morgan Lee")
    LocationFactory(customer=customer, street="5 Birch Road")
    sign_in(csrf_client, make_portal_account(ContactFactory(customer=customer)))
    return {"customer": customer, "client": csrf_client, "company": company}


def post(me: dict[str, Any], estimate: Estimate, data: dict[str, str], **extra: Any) -> Any:
    url = reverse("portal:estimate_detail", args=[me["company"].slug, estimate.pk])
    page = me["client"].get(url)
    assert page.status_code == 200
    token = me["client"].cookies["csrftoken"].value
    return me["client"].post(url, {**data, "csrfmiddlewaretoken": token}, **extra)


def test_accept_by_typing_a_name_records_signature_and_emails_staff(
    me, mailbox, django_capture_on_commit_callbacks
):
    estimate = sent_estimate(me["customer"])
    with django_capture_on_commit_callbacks(execute=True):
        response = post(
            me,
            estimate,
            {"action": "accept", "signature_name": "  Morgan   Lee "},
            REMOTE_ADDR="203.0.113.9",
        )
    assert response.status_code == 302
    estimate.refresh_from_db()
    assert estimate.state == EstimateState.ACCEPTED
    assert estimate.signature_name == "Morgan Lee"
    assert estimate.signature_ip == "203.0.113.9"
    assert abs(estimate.decided_at - timezone.now()) < timedelta(minutes=1)
    [message] = mailbox.to(me["company"].billing_email)
    assert message["Subject"] == f"Morgan Lee accepted {estimate.display_number}"
    assert "Signed by Morgan Lee" in mailbox.text(message)
    page = me["client"].get(response["Location"]).content.decode()
    assert "You accepted" in page and "signed by Morgan Lee" in page
    assert "Accept and sign" not in page


def test_accepting_twice_says_so_and_changes_nothing(me):
    estimate = sent_estimate(me["customer"])
    post(me, estimate, {"action": "accept", "signature_name": "Morgan Lee"})
    again = post(me, estimate, {"action": "accept", "signature_name": "Someone Else"})
    assert again.status_code == 400
    estimate.refresh_from_db()
    assert estimate.signature_name == "Morgan Lee"
    with pytest.raises(DomainError, match="already accepted"):
        estimate_accept(
            company=me["company"],
            customer=me["customer"],
            estimate=estimate,
            signature_name="X Y",
            actor=SYSTEM,
        )


def test_an_expired_estimate_cannot_be_accepted(me, mailbox):
    today = company_today(me["company"])  # between UTC midnight and New York's, UTC is a day ahead
    estimate = sent_estimate(
        me["customer"], issue_date=today - timedelta(days=40), expiry_date=today - timedelta(days=1)
    )
    page = (
        me["client"]
        .get(reverse("portal:estimate_detail", args=[me["company"].slug, estimate.pk]))
        .content.decode()
    )
    assert "Expired" in page and "Accept and sign" not in page
    response = post(me, estimate, {"action": "accept", "signature_name": "Morgan Lee"})
    assert response.status_code == 400
    assert "expired and can no longer be accepted" in response.content.decode()
    estimate.refresh_from_db()
    assert estimate.state == EstimateState.SENT and estimate.signature_name == ""
    assert mailbox.messages == []


def test_a_missing_signature_is_explained_next_to_the_field(me):
    estimate = sent_estimate(me["customer"])
    response = post(me, estimate, {"action": "accept", "signature_name": " "})
    assert response.status_code == 400
    body = response.content.decode()
    assert 'id="signature_name-error"' in body and "Type your full name to sign." in body
    estimate.refresh_from_db()
    assert estimate.state == EstimateState.SENT


def test_decline_with_a_reason_and_comment_notify_staff(
    me, mailbox, django_capture_on_commit_callbacks
):
    estimate = sent_estimate(me["customer"])
    with django_capture_on_commit_callbacks(execute=True):
        post(me, estimate, {"action": "comment", "body": "Does this include the permit?"})
        post(me, estimate, {"action": "decline", "reason": "Too expensive for now"})
    estimate.refresh_from_db()
    assert estimate.state == EstimateState.DECLINED
    assert estimate.decline_reason == "Too expensive for now"
    assert EstimateComment.objects.get().body == "Does this include the permit?"
    subjects = [m["Subject"] for m in mailbox.to(me["company"].billing_email)]
    assert subjects == [
        f"Morgan Lee commented on {estimate.display_number}",
        f"Morgan Lee declined {estimate.display_number}",
    ]
    page = (
        me["client"]
        .get(reverse("portal:estimate_detail", args=[me["company"].slug, estimate.pk]))
        .content.decode()
    )
    assert "Does this include the permit?" in page and "Too expensive for now" in page


def test_staff_email_falls_back_to_support_address(me, mailbox, django_capture_on_commit_callbacks):
    me["company"].billing_email = ""
    me["company"].save()
    estimate = sent_estimate(me["customer"])
    with django_capture_on_commit_callbacks(execute=True):
        post(me, estimate, {"action": "comment", "body": "Hello?"})
    assert len(mailbox.to(me["company"].support_email)) == 1


def test_accepted_estimate_becomes_a_job_once(me):
    estimate = sent_estimate(me["customer"])
    with pytest.raises(DomainError, match="only an accepted estimate"):
        estimate_convert_to_job(company=me["company"], estimate=estimate, actor=SYSTEM)
    estimate_accept(
        company=me["company"],
        customer=me["customer"],
        estimate=estimate,
        signature_name="Morgan Lee",
        actor=Actor.portal("m@example.test"),
    )
    job = estimate_convert_to_job(company=me["company"], estimate=estimate, actor=SYSTEM)
    assert job.customer == me["customer"] and job.title == "New water heater"
    assert job.status == JobStatus.UNSCHEDULED and "New water heater" in job.description
    assert job.location.street == "5 Birch Road"
    estimate.refresh_from_db()
    assert estimate.job == job
    with pytest.raises(DomainError, match="already a job"):
        estimate_convert_to_job(company=me["company"], estimate=estimate, actor=SYSTEM)
    assert Job.objects.count() == 1


def test_admin_action_converts_accepted_and_explains_the_rest(me):
    accepted = sent_estimate(me["customer"])
    estimate_accept(
        company=me["company"],
        customer=me["customer"],
        estimate=accepted,
        signature_name="Morgan Lee",
        actor=SYSTEM,
    )
    pending = sent_estimate(me["customer"])
    request = RequestFactory().post("/office/admin/billing/estimate/")
    request.user = staff_user(me["company"])
    request.session = {}  # type: ignore[attr-defined]
    request._messages = FallbackStorage(request)  # type: ignore[attr-defined]

    class EstimateAdminStub:
        def message_user(self, request: Any, message: str, level: int) -> None:
            from django.contrib import messages

            messages.add_message(request, level, message)

    convert_to_job(
        EstimateAdminStub(), request, Estimate.objects.filter(pk__in=[accepted.pk, pending.pk])
    )
    texts = [str(m) for m in request._messages]  # type: ignore[attr-defined]
    assert f"{accepted.display_number} is now job JOB-0001." in texts
    assert any("only an accepted estimate becomes a job" in t for t in texts)
    accepted.refresh_from_db()
    pending.refresh_from_db()
    assert accepted.job is not None and pending.job is None
