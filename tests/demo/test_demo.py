from __future__ import annotations

from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db.models import F
from django.test import Client
from django.utils import timezone

from doorstep.billing.models import CustomerStatus, EstimateState, Invoice
from doorstep.core.models import NumberSequence
from doorstep.customers.models import Customer
from doorstep.demo.bulk import HEAVY_NAME
from doorstep.demo.catalogue import DEMO_PASSWORD
from doorstep.demo.seed import invoice_state_counts
from doorstep.demo.showcase import PAID_HISTORY_MONTHS, showcase_account
from doorstep.jobs.models import Job, JobStatus
from doorstep.payments.models import Payment
from doorstep.tenancy.models import Company

pytestmark = pytest.mark.django_db


def row_counts() -> dict[str, int]:
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.app_label not in {"contenttypes", "sessions", "django_tasks_database"}
    }


def test_demo_has_every_status_and_running_twice_changes_nothing(
    django_capture_on_commit_callbacks, mailbox
):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("demo", quiet=True)
    first = row_counts()
    call_command("demo", quiet=True)
    assert row_counts() == first

    bluewater, evergreen = (
        Company.objects.get(slug="bluewater"),
        Company.objects.get(slug="evergreen"),
    )
    assert bluewater.accent_color != evergreen.accent_color
    # The Import page has a preview waiting: two customers to create, one bad email.
    from doorstep.imports.models import ImportRun, ImportState

    [waiting] = ImportRun.objects.filter(company=bluewater)
    assert waiting.state == ImportState.PREVIEWED and waiting.total == 2
    assert [e["column"] for row in waiting.error_rows for e in row["errors"]] == ["email"]
    for company in (bluewater, evergreen):
        customers = Customer.objects.for_company(company)
        assert customers.count() == 20
        assert any(c.contacts.count() == 2 for c in customers)
        assert any(c.locations.count() > 2 for c in customers)
        assert set(invoice_state_counts(company)) == set(CustomerStatus.values)
        statuses = set(Job.objects.for_company(company).values_list("status", flat=True))
        assert statuses == set(JobStatus.values)
        states = set(company.estimate_set.values_list("state", flat=True))
        assert states == set(EstimateState.values)
        # The customer to try the portal as has a verified number for texts (profile page).
        from doorstep.access.models import PortalAccount
        from doorstep.demo.seed import demo_customer_email
        from doorstep.notifications.models import CustomerPhone

        demo = PortalAccount.objects.get(company=company, email=demo_customer_email(company))
        assert CustomerPhone.objects.get(customer_id=demo.customer_id).can_receive_texts
        _assert_activity(company)
    subjects = [m["Subject"] for m in mailbox.messages]
    assert "Your Bluewater Plumbing demo is ready" in subjects
    # Bluewater's owners get the weekly adoption digest; a sample is in the demo mail.
    from doorstep.adoption.models import DigestSetting

    assert DigestSetting.objects.get(company=bluewater).enabled
    assert not DigestSetting.objects.filter(company=evergreen).exists()
    assert "Bluewater Plumbing: your portal this week" in subjects
    # Quiet: one invoice email per company and the office's notices, no job-status emails;
    # the help site's four per company (two "received", one reply, one confirmation request);
    # Bluewater's weekly adoption digest.
    # The showcase customer's question and its answer: one notice each way per company.
    assert len(subjects) <= 45
    assert sum(s == "Please confirm your email address" for s in subjects) == 2
    assert sum("Invoice" in s for s in subjects) == 2
    assert not any("on the way" in s.lower() or "completed" in s.lower() for s in subjects)


def _assert_activity(company: Company) -> None:
    """Sent invoices look like real ones; every back-office queue has something in it."""
    from doorstep.access.models import InvoiceLink
    from doorstep.messaging.models import Conversation
    from doorstep.servicerequests.models import ServiceRequest, ServiceType

    sent = Invoice.objects.for_company(company).exclude(sent_at=None)
    # 24 of the plan + the showcase customer's three open ones and its two years of paid
    # monthly invoices: more than a page of invoices and of payments (keyset paging shows).
    assert sent.count() == 27 + PAID_HISTORY_MONTHS
    showcase = showcase_account(company).customer
    assert sent.filter(customer=showcase).count() > 20
    assert Payment.objects.for_company(company).filter(customer=showcase).count() > 20
    linked = set(InvoiceLink.objects.for_company(company).values_list("invoice_id", flat=True))
    assert linked == set(sent.values_list("pk", flat=True))
    assert all(i.customer.portal_accounts.exists() for i in sent.select_related("customer"))
    decided = company.estimate_set.filter(state__in=["accepted", "declined"])
    assert all(e.decided_at for e in decided)
    from doorstep.integrations.models import WebhookAttempt, WebhookEndpoint

    endpoint = WebhookEndpoint.objects.for_company(company).get()
    assert not endpoint.enabled  # nothing is sent while no demo receiver runs
    assert WebhookAttempt.objects.for_company(company).filter(succeeded=True).count() == 2
    assert WebhookAttempt.objects.for_company(company).filter(succeeded=False).count() == 2
    assert all(e.signature_name for e in decided.filter(state="accepted"))
    assert ServiceType.objects.for_company(company).filter(is_active=True).count() == 5
    requests = ServiceRequest.objects.for_company(company)
    assert sorted(requests.values_list("status", flat=True)) == ["approved", "declined", "pending"]
    assert requests.get(status="approved").job is not None
    conversations = Conversation.objects.for_company(company)
    # Two of the plan + the showcase customer's question about its booked visit.
    assert conversations.count() == 3 and conversations.filter(staff_unread__gt=0).exists()
    from doorstep.jobs.models import JobPhoto

    # Completion photos on finished jobs (the portal's job page shows them).
    # A finished job's timeline is dated on the days it happened (booked ahead, then the visit).
    finished = Job.objects.for_company(company).filter(status=JobStatus.COMPLETED).first()
    moments = list(finished.events.order_by("created_at").values_list("created_at", flat=True))
    assert moments[-1] == finished.completed_at
    assert finished.completed_at - moments[0] >= timedelta(days=6)
    photographed = JobPhoto.objects.for_company(company).values_list("job__status", flat=True)
    assert photographed and set(photographed) == {JobStatus.COMPLETED}
    # Single sign-on: an example identity provider to look at, switched off (no button).
    from doorstep.access.models import IdentityProvider

    provider = IdentityProvider.objects.for_company(company).get()
    assert provider.issuer == "https://accounts.google.com" and not provider.enabled
    from doorstep.support.models import Article, Ticket

    articles = Article.objects.for_company(company)
    assert set(articles.values_list("visibility", flat=True)) == {"public", "customers", "staff"}
    assert all("<" in a.body_html for a in articles)
    tickets = Ticket.objects.for_company(company)
    assert sorted(tickets.values_list("state", flat=True)) == ["new", "unverified", "waiting"]
    assert tickets.filter(article__isnull=False, customer__isnull=False).exists()


def test_the_printed_customer_has_a_bit_of_everything_to_look_at(capsys):
    """A newcomer signs in as the printed customer: several open invoices (one overdue), a
    booked visit, a shared document, a quote to decide and an answered question."""
    from doorstep.access.models import PortalAccount
    from doorstep.documents.models import Document
    from doorstep.messaging.models import Conversation

    call_command("demo")
    printed = capsys.readouterr().out
    for slug in ("bluewater", "evergreen"):
        email = printed.split(f"/p/{slug}/ (as a customer, e.g. ")[1].split(")")[0]
        customer = PortalAccount.objects.get(email=email, company__slug=slug).customer
        open_invoices = customer.invoices.filter(balance_due__gt=0).exclude(sent_at=None)
        assert open_invoices.count() >= 3
        assert open_invoices.filter(due_date__lt=timezone.localdate()).exists()
        assert customer.jobs.filter(status=JobStatus.TECHNICIAN_ASSIGNED).exists()
        assert Document.objects.filter(customer=customer).exists()
        assert customer.estimates.filter(state=EstimateState.SENT).exists()
        asked = Conversation.objects.get(customer=customer, job__isnull=False)
        assert asked.customer_unread == 1  # the office's answer, waiting to be read


def test_the_printed_login_opens_the_back_office_with_only_that_company(capsys):
    call_command("demo")
    printed = capsys.readouterr().out
    assert f"owner@bluewater.test / {DEMO_PASSWORD}" in printed
    assert "/p/evergreen/" in printed and "/office/" in printed
    from doorstep.access.models import PortalAccount

    sample = printed.split("as a customer, e.g. ")[1].split(")")[0]
    assert PortalAccount.objects.get(email=sample, company__slug="bluewater").state == "active"
    client = Client()
    assert client.login(username="owner@bluewater.test", password=DEMO_PASSWORD)
    body = client.get("/office/admin/billing/invoice/").content.decode()
    names = {
        slug: set(Customer.objects.filter(company__slug=slug).values_list("name", flat=True))
        for slug in ("bluewater", "evergreen")
    }
    assert "Overdue" in body and "Partially paid" in body
    assert any(f">{name}<" in body for name in names["bluewater"])
    assert not any(f">{name}<" in body for name in names["evergreen"] - names["bluewater"])


def test_bulk_growth_numbers_and_links_consistently_and_is_repeatable():
    call_command(
        "demo",
        invoices=300,
        jobs=200,
        companies=3,
        heavy_invoices=40,
        heavy_jobs=15,
        quiet=True,
    )
    companies = Company.objects.all()
    assert companies.count() == 3
    assert Invoice.objects.count() == 300 and Job.objects.count() == 200
    heavy = Customer.objects.get(name=HEAVY_NAME)
    assert (heavy.invoices.count(), heavy.jobs.count()) == (40, 15)
    # Numbers are unique per company and the sequence continues after the last one.
    for company in companies:
        numbers = list(Invoice.objects.for_company(company).values_list("number", flat=True))
        assert len(numbers) == len(set(numbers))
        sequence = NumberSequence.objects.get(company=company, kind="invoice")
        assert sequence.last_value == max(numbers)
    assert not Invoice.objects.exclude(job=None).exclude(job__customer=F("customer")).exists()
    assert Counter(Invoice.objects.values_list("state", flat=True)).keys() >= {"open", "draft"}
    for invoice in Invoice.objects.exclude(amount_paid=0)[:20]:
        assert sum(a.amount for a in invoice.allocations.all()) == invoice.amount_paid

    before = row_counts()
    call_command("demo", invoices=300, jobs=200, companies=3, quiet=True)
    assert row_counts() == before


@pytest.mark.postgres
def test_bulk_growth_leaves_postgresql_with_fresh_planner_statistics():
    """Without ANALYZE a grown benchmark database is planned as if it were empty until
    autovacuum gets round to it. pg_class.reltuples is -1 for a table never analysed (PG 14+),
    and the rows of this test's transaction are invisible to autovacuum: only our ANALYZE
    can have counted them."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL planner statistics; this run is on SQLite")
    from doorstep.billing.models import Invoice
    from doorstep.jobs.models import Job

    call_command("demo", quiet=True)
    # Grown past what the demo companies already hold (their showcase has dozens of invoices),
    # so the bulk loader writes rows and must refresh the statistics. It runs as the
    # maintenance role, which owns no table: a plain ANALYZE skipped them all.
    invoices, jobs = Invoice.objects.count() + 150, Job.objects.count() + 100
    call_command("demo", invoices=invoices, jobs=jobs, companies=2, heavy_invoices=0,
                 heavy_jobs=0, quiet=True)  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, reltuples FROM pg_class WHERE relname IN "
            "('billing_invoice', 'jobs_job')"
        )
        estimates = dict(cursor.fetchall())
    assert estimates["billing_invoice"] >= invoices and estimates["jobs_job"] >= jobs


def test_the_two_step_demo_customer_signs_in_with_the_documented_secret(mailbox):
    from django.utils import timezone

    from doorstep.access.two_step import secret_key, totp
    from doorstep.demo.activity import DEMO_TWO_STEP_EMAIL, DEMO_TWO_STEP_SECRET

    call_command("demo", quiet=True)
    docs = (Path(__file__).parents[2] / "docs" / "demo-data.md").read_text()
    assert DEMO_TWO_STEP_SECRET in docs and DEMO_TWO_STEP_EMAIL in docs
    client = Client()
    first = client.post(
        "/p/evergreen/sign-in", {"email": DEMO_TWO_STEP_EMAIL, "password": DEMO_PASSWORD}
    )
    import re

    assert first.status_code == 302, re.findall(r"field-error[^<]*<", first.content.decode())
    assert first["Location"].endswith("/sign-in/two-step")
    code = totp(secret_key(DEMO_TWO_STEP_SECRET), timezone.now().timestamp())
    done = client.post("/p/evergreen/sign-in/two-step", {"code": code})
    assert done.status_code == 302 and client.get("/p/evergreen/").status_code == 200


def test_the_two_step_demo_customer_signs_in_once_with_each_documented_recovery_code(mailbox):
    from doorstep.demo.activity import DEMO_RECOVERY_CODES, DEMO_TWO_STEP_EMAIL

    call_command("demo", quiet=True)
    docs = (Path(__file__).parents[2] / "docs" / "demo-data.md").read_text()
    assert DEMO_RECOVERY_CODES[0] in docs and DEMO_RECOVERY_CODES[-1] in docs
    assert len(DEMO_RECOVERY_CODES) == 10

    def sign_in_with(code: str) -> Client:
        client = Client()
        first = client.post(
            "/p/evergreen/sign-in", {"email": DEMO_TWO_STEP_EMAIL, "password": DEMO_PASSWORD}
        )
        assert first["Location"].endswith("/sign-in/two-step")
        client.post("/p/evergreen/sign-in/two-step", {"code": code})
        return client

    assert sign_in_with(DEMO_RECOVERY_CODES[0]).get("/p/evergreen/").status_code == 200
    # Used once: the same code no longer lets anyone in.
    assert sign_in_with(DEMO_RECOVERY_CODES[0]).get("/p/evergreen/").status_code != 200
