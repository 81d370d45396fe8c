"""Scale-out: 2 gunicorn servers, 2 workers and 2 schedulers on one PostgreSQL through PgBouncer
(transaction mode) as the app role with row-level security on, driven at once.

Concurrently: 200 checkout payments across 50 invoices (4 partial payments of $25 each on
$100 invoices, demo provider, through the real portal POST), 1,000 signed Stripe webhook
deliveries (750 events: `requires_action` and `succeeded` for each of 375 payments, in any
order, + 250 duplicate deliveries, all shuffled), 100 sign-in link requests; one
worker is SIGKILLed in the middle and started again. Afterwards nothing is done twice or lost:
balances, payments, inbox rows, the queue, every email (real SMTP, aiosmtpd) and the
scheduler's slots are checked. (The one exception SMTP imposes: the message a worker was
sending when it was killed may arrive twice, with one Message-ID; see the email check.)
Run by CI in the PostgreSQL run (`-m scaleout` alone: ~1-2 min).
"""

from __future__ import annotations

import collections
import logging
import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack

import pytest
import requests
from django.conf import settings
from django.db import connection, transaction
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from doorstep.access.portal_sessions import portal_session_create
from doorstep.benchmarks.cluster import Cluster, cluster_env, free_port
from doorstep.benchmarks.management.commands.bench_webhooks import (
    SECRET,
    bench_company,
    intent_event,
)
from doorstep.billing.models import Invoice
from doorstep.core.models import ScheduledRun
from doorstep.core.scheduler import PERIODIC_JOBS
from doorstep.notifications.models import Notification, NotificationState
from doorstep.payments.models import Payment, PaymentState, WebhookEvent
from doorstep.payments.providers.stripe.signature import signature_header
from doorstep.tenancy.db_roles import DatabaseRoles, db_roles_apply

from ..factories import (
    CompanyFactory,
    ContactFactory,
    CustomerFactory,
    make_invoice,
    make_portal_account,
)
from ..pgbouncer import pgbouncer

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.scaleout,
    pytest.mark.django_db(transaction=True),
]

VISA = "pm_demo_visa_4242_12_30"
CSRF = "a" * 32  # any well-formed token: the cookie and the form field must match
INVOICES, PAYMENTS_EACH, WEBHOOK_EVENTS, DUPLICATES, SIGN_INS = 50, 4, 750, 250, 100
STRIPE_PAYMENTS = WEBHOOK_EVENTS // 2  # two events each
ROLES = DatabaseRoles()
# PgBouncer's server connections per role: 2 web servers x 4 threads, 2 workers, 2 schedulers
# could all hold one at once; fewer make them queue in the pooler (which is its job).
POOL_SIZE = 6


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: several processes share one database")


@transaction.atomic
def checkout_data():
    shop = CompanyFactory()
    shop.settings.partial_payments_allowed = True
    shop.settings.partial_payment_minimum = 100
    shop.settings.save()
    invoices = []
    for _ in range(10):
        customer = CustomerFactory(company=shop)
        contact = ContactFactory(customer=customer, company=shop)
        _, raw = portal_session_create(account=make_portal_account(contact))
        for _ in range(INVOICES // 10):
            invoices.append(
                (raw, make_invoice(customer, lines=[("Service call", 10000, "1", "0")]))
            )
    sign_in_emails = [
        ContactFactory(customer=CustomerFactory(company=shop), company=shop).email
        for _ in range(SIGN_INS)
    ]
    return shop, invoices, sign_in_emails


def drained(since_notification: int) -> bool:
    busy = DBTaskResult.objects.filter(
        status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING]
    ).exists()
    waiting = (
        Notification.objects.filter(pk__gt=since_notification)
        .exclude(state__in=[NotificationState.SENT, NotificationState.SKIPPED])
        .exists()
    )
    return not busy and not waiting


def test_two_of_everything_on_one_database_do_each_thing_exactly_once(smtp_server, tmp_path):
    with ExitStack() as stack:
        _two_of_everything(stack, smtp_server, tmp_path)


def _two_of_everything(stack, smtp_server, tmp_path):
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # a line per SMTP command
    mailbox = smtp_server.mailbox
    set_up = time.monotonic()
    shop, invoices, sign_in_emails = checkout_data()
    stripe_company, stripe_payments = bench_company(STRIPE_PAYMENTS)
    # Out of order: a late "requires_action" must never move a succeeded payment back.
    payloads = [intent_event(p) for p in stripe_payments]
    payloads += [intent_event(p, "payment_intent.requires_action") for p in stripe_payments]
    deliveries = payloads + random.sample(payloads, DUPLICATES)
    newest = Notification.objects.order_by("-pk").first()
    first_notification = newest.pk if newest else 0
    mailbox.clear()

    jobs = [("pay", raw, invoice.pk) for raw, invoice in invoices for _ in range(PAYMENTS_EACH)]
    jobs += [("webhook", payload, None) for payload in deliveries]
    jobs += [("sign_in", email, n) for n, email in enumerate(sign_in_emails)]
    random.shuffle(jobs)

    # As in production (docs/deploy.md): every process connects as the app role (row-level
    # security on, tenant transactions) and the cross-tenant jobs as the maintenance role, both
    # through one PgBouncer in transaction mode; the test's own checks read as the owner.
    db_roles_apply(connection, ROLES)
    bouncer = stack.enter_context(
        pgbouncer(users=[ROLES.app, ROLES.maintenance], pool_size=POOL_SIZE)
    )
    name = connection.settings_dict["NAME"]
    env = cluster_env(
        database_url=f"postgresql://{ROLES.app}@127.0.0.1:{bouncer}/{name}",
        extra={
            "DATABASE_MAINTENANCE_URL": f"postgresql://{ROLES.maintenance}@127.0.0.1:{bouncer}/{name}",
            "DATABASE_POOLER": "transaction",
            "STRIPE_WEBHOOK_SECRET": SECRET,
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(smtp_server.port),
            "BASE_URL": "http://127.0.0.1",
            # A killed worker's task goes back to the queue after 5 s, and its half-sent
            # email is tried again after 3 s (production: 15 min and 5 min).
            # (the email lease runs out first, so the re-run task sends it at once).
            "TASK_LEASE_SECONDS": "5",
            "NOTIFICATION_SEND_LEASE_SECONDS": "3",
            "EMAIL_TIMEOUT": "2",
            # Each sign-in request comes from its own client address (one proxy in front).
            "TRUSTED_PROXY_COUNT": "1",
        },
    )
    ports = [free_port(), free_port()]
    answers: collections.Counter[tuple[str, int]] = collections.Counter()
    done = collections.Counter()
    lock = threading.Lock()

    def run(job: tuple[str, object, object]) -> None:
        kind, value, extra = job
        port = random.choice(ports)  # a load balancer in front of both servers
        base = f"http://127.0.0.1:{port}"
        http = requests.Session()
        http.cookies.set("csrftoken", CSRF)
        if kind == "pay":
            http.cookies.set(settings.PORTAL_SESSION_COOKIE, str(value))
            data = {
                "invoice": extra,
                "method_choice": "card",
                "payment_method": VISA,
                "amount": "25.00",
                "csrfmiddlewaretoken": CSRF,
            }
            answer = http.post(f"{base}/p/{shop.slug}/pay", data=data, allow_redirects=False)
        elif kind == "webhook":
            payload = value
            header = signature_header(payload=payload, secret=SECRET)
            answer = http.post(
                f"{base}/webhooks/stripe",
                data=payload,
                headers={"Content-Type": "application/json", "Stripe-Signature": header},
            )
        else:
            answer = http.post(
                f"{base}/p/{shop.slug}/sign-in/link",
                data={"email": value, "csrfmiddlewaretoken": CSRF},
                headers={"X-Forwarded-For": f"10.9.{extra // 200}.{extra % 200 + 1}"},
                allow_redirects=False,
            )
        http.close()
        with lock:
            answers[(kind, answer.status_code)] += 1
            done["all"] += 1

    with Cluster(env=env, folder=tmp_path / "logs") as cluster:
        for n, port in enumerate(ports, 1):
            cluster.web(f"web{n}", port=port, workers=1, threads=4)
        for name in ("worker1", "worker2"):
            cluster.worker(name)
        for name in ("scheduler1", "scheduler2"):
            cluster.scheduler(name)
        cluster.wait_for_web()
        started = time.monotonic()
        set_up = started - set_up

        def kill_and_restart() -> None:
            while done["all"] < len(jobs) * 0.4:
                time.sleep(0.05)
            cluster.kill("worker1")  # SIGKILL: no chance to finish or release anything
            time.sleep(1)
            cluster.restart("worker1")

        killer = threading.Thread(target=kill_and_restart)
        killer.start()
        with ThreadPoolExecutor(12) as pool:
            list(pool.map(run, jobs))
        driven = time.monotonic() - started
        killer.join(30)
        deadline = time.monotonic() + 150
        while not drained(first_notification) and time.monotonic() < deadline:
            time.sleep(0.5)
        finished = time.monotonic() - started
        alive = cluster.alive()
        logs = {p.name: cluster.log(p) for p in cluster.processes.values()}

    assert sorted(alive) == sorted(logs), f"a process died: see {logs}"
    assert answers == {
        ("pay", 302): INVOICES * PAYMENTS_EACH,  # to the receipt page
        ("webhook", 200): WEBHOOK_EVENTS + DUPLICATES,
        ("sign_in", 200): SIGN_INS,  # "check your email"
    }, answers

    # Money: every invoice exactly paid by its four $25 payments; every webhook applied once.
    shop_invoices = Invoice.objects.filter(company=shop)
    assert {(i.amount_paid, i.balance_due) for i in shop_invoices} == {(10000, 0)}
    shop_payments = Payment.objects.filter(company=shop)
    assert shop_payments.count() == INVOICES * PAYMENTS_EACH
    assert set(shop_payments.values_list("state", "amount")) == {(PaymentState.SUCCEEDED, 2500)}
    stripe_invoices = Invoice.objects.filter(company=stripe_company)
    assert {(i.amount_paid, i.balance_due) for i in stripe_invoices} == {(12500, 0)}
    assert set(Payment.objects.filter(company=stripe_company).values_list("state", flat=True)) == {
        PaymentState.SUCCEEDED
    }
    stripe_events = WebhookEvent.objects.filter(provider="stripe", company=stripe_company)
    assert stripe_events.count() == WEBHOOK_EVENTS
    assert not stripe_events.filter(handled_at__isnull=True).exists()

    # The queue: nothing left, nothing failed; a re-claimed task (the killed worker's) is fine
    # because its effect happened once (checked above and by the emails below).
    assert drained(first_notification), "the queue did not drain: see the worker logs"
    statuses = collections.Counter(DBTaskResult.objects.values_list("status", flat=True))
    failed = [
        (r.task_path, r.exception_class_path, r.worker_ids, r.traceback.strip().splitlines()[-1:])
        for r in DBTaskResult.objects.filter(status=TaskResultStatus.FAILED)
    ]
    assert set(statuses) == {TaskResultStatus.SUCCESSFUL}, (statuses, failed)
    reclaimed = sum(
        1 for ids in DBTaskResult.objects.values_list("worker_ids", flat=True) if len(ids) > 1
    )

    # Email: each notification arrived exactly once, and each one that exists was sent.
    notifications = Notification.objects.filter(pk__gt=first_notification)
    expected = set(notifications.values_list("pk", flat=True))
    arrived = collections.Counter(int(m["X-Doorstep-Notification"]) for m in mailbox.messages)
    duplicated = {pk: n for pk, n in arrived.items() if n > 1}
    # SMTP cannot be exactly-once across a crash: a worker SIGKILLed after the mail server's
    # "250 OK" and before its outcome is saved leaves a claim that expires, and the message is
    # sent again (at least once, never lost). Only that message may arrive twice: at most one
    # (the worker sends one at a time and is killed once), re-claimed after its lease
    # (attempts 2), with one Message-ID, so mail programs show it once. Anything else is a
    # real duplicate (two workers sending the same message).
    assert len(duplicated) <= 1 and set(duplicated.values()) <= {2}, f"sent twice: {duplicated}"
    for pk in duplicated:
        copies = {
            m["Message-ID"] for m in mailbox.messages if m["X-Doorstep-Notification"] == str(pk)
        }
        assert len(copies) == 1, copies
        assert Notification.objects.get(pk=pk).attempts == 2, "a duplicate that no crash explains"
    assert set(arrived) == expected, (len(arrived), len(expected))
    receipts = notifications.filter(template="payment_receipt").count()
    assert receipts == INVOICES * PAYMENTS_EACH + STRIPE_PAYMENTS
    signed_in = {str(m["To"]).lower() for m in mailbox.messages} & set(sign_in_emails)
    assert len(signed_in) == SIGN_INS

    # The scheduler: two of them ticking every second enqueued each slot once.
    for job in PERIODIC_JOBS.values():
        slots = ScheduledRun.objects.filter(name=job.name).count()
        runs = DBTaskResult.objects.filter(task_path=job.task.module_path).count()
        assert slots >= 1 and runs == slots, (job.name, slots, runs)

    print(
        f"\nscale-out: set-up {set_up:.1f} s; {len(jobs)} requests in {driven:.1f} s "
        f"({len(jobs) / driven:.0f}/s), "
        f"drained after {finished:.1f} s; answers {dict(answers)}; "
        f"webhook events {WEBHOOK_EVENTS} + {DUPLICATES} duplicate deliveries; "
        f"payments {shop_payments.count()} checkout + {len(stripe_payments)} webhook; "
        f"emails {len(mailbox.messages)} ({receipts} receipts, {len(signed_in)} sign-in links); "
        f"tasks {sum(statuses.values())} ({reclaimed} re-claimed after the SIGKILL); "
        f"scheduler slots {ScheduledRun.objects.count()}; duplicates found = "
        f"{len(duplicated)}"
        + (" (the message in flight at the SIGKILL, sent again after its lease)" * bool(duplicated))
    )
