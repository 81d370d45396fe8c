"""Issue 9, item 14: no raw secret is ever written to the database or the logs.

A realistic run issues sign-in links, their codes, invoice links, unsubscribe links and a
phone verification code, with the mail server refusing at first (so everything waits in the
outbox) and then accepting; the links are opened in every form a client may send
(`l%2F<token>`, query strings). Then the database (every row, and on SQLite the file and its
WAL) and the logs are searched for every raw value that reached the customer.
"""

from __future__ import annotations

import http.cookiejar
import logging
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from doorstep.core.audit import Actor
from doorstep.notifications.customer_notices import customer_notify
from doorstep.notifications.models import Notification, NotificationState
from doorstep.notifications.preferences import phone_verification_start
from doorstep.notifications.services import notifications_deliver_due

from ..factories import make_invoice, sms_ready
from ..smtp import free_port
from .conftest import code_in, csrf_post, link_in, request_link
from .test_access_security import all_database_text

ROOT = Path(__file__).resolve().parents[2]
TOKEN = r"[A-Za-z0-9_-]{40,64}"
UNSUBSCRIBE_RE = re.compile(r"/p/[\w-]+/unsubscribe/([^\s\"'<>]+)")


def unsubscribe_token_in(mailbox, message) -> str:
    match = UNSUBSCRIBE_RE.search(mailbox.text(message))
    assert match, mailbox.text(message)
    return match.group(1)


def mail_with(mailbox, marker: str):
    [message] = [m for m in mailbox.messages if marker in mailbox.text(m)]
    return message


def code_appears(code: str, text: str) -> bool:
    """A code as something would store it: quoted (JSON, a repr) or in a sentence. A bare
    six-digit search would also hit microseconds of timestamps."""
    return bool(re.search(rf"['\"]{code}['\"]|(?:enter:|code is) {code}", text))


def link_forms(path: str) -> list[str]:
    """The link as a browser, a mail client or someone probing may send it."""
    prefix, token = path.rsplit("/", 1)
    slug_path = prefix.rsplit("/", 1)[0]
    return [
        path,
        f"{prefix}%2F{token}",
        f"{prefix}%2f{token}?utm_source=email",
        f"{slug_path}/sign-in?next={token}",
    ]


# --- In process: on the suite's database (in-memory SQLite, or PostgreSQL) --------------------


@pytest.mark.django_db(transaction=True)
def test_no_raw_secret_in_the_outbox_while_queued_nor_after_delivery(
    company, account, mailbox, twilio, caplog
):
    caplog.set_level(logging.DEBUG)
    sms_ready(company)
    mailbox.fail_next(100)  # the mail server refuses: everything waits in the outbox
    twilio.fail_next = 100
    browser = Client(enforce_csrf_checks=True)
    request_link(browser, company, account.email)
    from doorstep.access.invoice_sending import invoice_send

    invoice_send(company=company, invoice=make_invoice(account.customer), actor=Actor.system())
    customer_notify(company=company, customer=account.customer, event="job_completed", values={})
    phone_verification_start(
        company=company, customer=account.customer, phone="(555) 123-4567", actor=Actor.system()
    )
    assert Notification.objects.filter(state=NotificationState.QUEUED).count() == 4
    while_queued = all_database_text()

    mailbox.clear()
    twilio.fail_next = 0
    with time_machine.travel(timezone.now() + timedelta(minutes=5)):
        notifications_deliver_due()
    assert Notification.objects.filter(state=NotificationState.SENT).count() == 4
    sign_in_mail, invoice_mail, notice_mail = (
        mail_with(mailbox, marker) for marker in ("/l/", "/i/", "/unsubscribe/")
    )
    link, code = link_in(mailbox, sign_in_mail), code_in(mailbox, sign_in_mail)
    invoice_path = link_in(mailbox, invoice_mail)
    unsubscribe = unsubscribe_token_in(mailbox, notice_mail)
    assert unsubscribe in notice_mail["List-Unsubscribe"]
    text = twilio.texts[-1]  # the refused attempts were recorded too
    phone_code = re.search(r"code is (\d{6})", text.form["Body"])
    assert phone_code, text.form

    # Everything works, in every form the link may come in.
    for form in link_forms(link):
        assert Client().get(form).status_code in {200, 302}, form
    for form in link_forms(invoice_path)[:3]:
        assert Client().get(form).status_code == 200, form
    assert csrf_post(Client(enforce_csrf_checks=True), invoice_path).status_code == 302
    slug = company.slug
    assert Client().post(f"/p/{slug}/unsubscribe/{unsubscribe}").status_code == 200
    other_device = Client(enforce_csrf_checks=True)
    signed = csrf_post(
        other_device, f"/p/{slug}/sign-in/code", {"email": account.email, "code": code}
    )
    assert signed.status_code == 302
    assert Client().get(link).status_code == 410  # used now: refused, audited

    after = all_database_text()
    logged = "\n".join(r.getMessage() for r in caplog.records if not r.name.startswith("mail"))
    raw = [link.rsplit("/", 1)[1], invoice_path.rsplit("/", 1)[1], unsubscribe]
    for secret in raw:
        assert secret not in while_queued
        assert secret not in after
        assert secret not in logged
        assert urllib.parse.quote(secret) not in after + logged
    for six in (code, phone_code.group(1)):
        for text_ in (while_queued, after, logged):
            assert not code_appears(six, text_)


def test_the_redaction_covers_every_token_form():
    from doorstep.access.logging import redact

    token = "Zm9vYmFyYmF6cXV4cXV1eGNvcmdlZ3JhdWx0Z2FycGx5"
    signature = "tYXR8Yq3w0pYwQbU7bQvW3xF1Gv0l3NwqPz9M2a1bCd"
    signed = f"eyJjIjoxLCJ1IjoyLCJlIjoiam9iX2NvbXBsZXRlZCJ9:1xYVF1:{signature}"
    lines = [
        f'"GET /p/acme/l/{token} HTTP/1.1" 200',
        f'"GET /p/acme/l%2F{token} HTTP/1.1" 200',
        f'"GET /p/acme/l%252F{token} HTTP/1.1" 404',
        f'"GET /p/acme/%6C/{token} HTTP/1.1" 200',
        f'"POST /p/acme/i/{token} HTTP/1.1" 302',
        f'"GET /p/acme/sign-in?next={token}&x=1 HTTP/1.1" 200',
        f'"GET /p/acme/password/set/{token}?a=b HTTP/1.1" 200',
        f'"POST /p/acme/unsubscribe/{signed} HTTP/1.1" 200',
        f"Not Found: /p/acme/register/verify/{token}",
    ]
    for line in lines:
        cleaned = redact(line)
        assert token not in cleaned and signature not in cleaned
        assert "[redacted]" in cleaned, line
    plain = '"GET /p/acme/invoices/?page=2&q=%20pipe HTTP/1.1" 200'
    assert redact(plain) == plain


# --- Out of process: the real web server on a SQLite file, as `make run` has it ---------------


class Browser:
    """A cookie-keeping HTTP client speaking to the server over the network."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect()
        )

    def request(self, path: str, data: dict[str, str] | None = None) -> int:
        body = None
        if data is not None:
            token = next((c.value for c in self.jar if c.name == "csrftoken"), "")
            body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": token}).encode()
        try:
            with self.opener.open(self.base + path, data=body, timeout=30) as response:
                return int(response.status)
        except urllib.error.HTTPError as error:
            return error.code

    def post(self, path: str, data: dict[str, str] | None = None, *, page: str = "") -> int:
        if not any(c.name == "csrftoken" for c in self.jar):
            self.request(page or path)
        return self.request(path, data or {})


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None


SETUP = """
from tests.factories import ContactFactory, CustomerFactory, make_invoice, make_portal_account
from doorstep.access.invoice_sending import invoice_send
from doorstep.core.audit import Actor
from doorstep.notifications.customer_notices import customer_notify
from doorstep.tenancy.models import Company
from tests.factories import CompanyFactory
company = CompanyFactory(slug="acme")
customer = CustomerFactory(company=company, name="Pat Smith")
contact = ContactFactory(customer=customer, email="pat@example.test")
account = make_portal_account(contact)
invoice_send(company=company, invoice=make_invoice(customer), actor=Actor.system())
customer_notify(company=company, customer=customer, event="job_completed", values={})
"""


def serving(base: str) -> bool:
    try:
        return Browser(base).request("/p/acme/sign-in") == 200
    except urllib.error.URLError:
        return False  # not listening yet


def wait_for(predicate, seconds: float = 20.0) -> None:
    deadline = time.monotonic() + seconds
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def test_no_raw_secret_in_the_sqlite_file_its_wal_or_the_server_log(tmp_path, mailbox, smtp_server):
    """gunicorn (as in the Procfile, with its access log) on a WAL-mode SQLite file; tasks run
    in the web process so no other program is needed. The test keeps a connection to the file
    open, as the worker and scheduler do, so the WAL stays on disk to be searched."""
    db = tmp_path / "doorstep.sqlite3"
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DOORSTEP_", "PYTEST"))},
        "DEBUG": "true",
        "SECRET_KEY": "test-secret-key-for-the-secrets-at-rest-run-0123456789",
        "DATABASE_URL": f"sqlite:///{db}",
        "DOORSTEP_VAR_DIR": str(tmp_path / "var"),
        "BASE_URL": base,
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_server.port),
        "TASKS_BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
        "LOG_LEVEL": "DEBUG",
        "PYTHONPATH": str(ROOT),
    }
    manage = [sys.executable, str(ROOT / "manage.py")]
    run = {"cwd": ROOT, "env": env, "capture_output": True, "text": True, "timeout": 300}
    migrated = subprocess.run([*manage, "migrate", "--no-input", "-v", "0"], **run, check=False)
    assert migrated.returncode == 0, migrated.stderr
    keeper = sqlite3.connect(db)  # like the worker's connection: the WAL is not removed
    keeper.execute("SELECT count(*) FROM django_migrations").fetchone()
    log_path = tmp_path / "server.log"
    setup = subprocess.run([*manage, "shell", "-c", SETUP], **run, check=False)
    assert setup.returncode == 0, setup.stderr
    log_path.write_text(setup.stdout + setup.stderr)
    wait_for(lambda: len(mailbox.messages) == 2)
    invoice_mail, notice_mail = (mail_with(mailbox, m) for m in ("/i/", "/unsubscribe/"))
    with log_path.open("a") as log:
        server = subprocess.Popen(
            [
                sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{port}",
                "--workers", "1", "--access-logfile", "-", "--no-control-socket",
            ],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        wait_for(lambda: serving(base), 60)
        customer = Browser(base)
        assert customer.post("/p/acme/sign-in/link", {"email": "pat@example.test"},
                             page="/p/acme/sign-in") == 200  # fmt: skip
        wait_for(lambda: len(mailbox.messages) == 3)
        sign_in_mail = mail_with(mailbox, "/l/")
        link, code = link_in_base(mailbox, sign_in_mail, base), code_in(mailbox, sign_in_mail)
        for form in link_forms(link):
            assert Browser(base).request(form) in {200, 302}, form
        phone = Browser(base)
        assert phone.post("/p/acme/sign-in/code", {"email": "pat@example.test", "code": code},
                          page="/p/acme/sign-in/code") == 302  # fmt: skip
        assert Browser(base).request(link) == 410  # used by the code: refused and audited
        invoice_path = link_in_base(mailbox, invoice_mail, base)
        for form in link_forms(invoice_path)[:3]:
            assert Browser(base).request(form) == 200, form
        assert Browser(base).post(invoice_path) == 302
        unsubscribe = unsubscribe_token_in(mailbox, notice_mail)
        assert Browser(base).request(f"/p/acme/unsubscribe/{unsubscribe}") == 200
        assert Browser(base).request(f"/p/acme/unsubscribe%2F{unsubscribe}", {}) == 200
        assert Browser(base).request(f"/p/acme/l/{'B' * 43}") == 404
        stored = db.read_bytes()
        wal = Path(f"{db}-wal").read_bytes()
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        keeper.close()
    logged = log_path.read_text()
    assert "GET /p/acme/l/[redacted]" in logged  # the access log did record the requests
    assert len(wal) > 0
    raw = [link.rsplit("/", 1)[1], invoice_path.rsplit("/", 1)[1], unsubscribe]
    for secret in raw:
        for place, content in (("database file", stored), ("WAL", wal)):
            assert secret.encode() not in content, place
        assert secret not in logged and urllib.parse.quote(secret) not in logged
    files = (stored.decode("latin-1"), wal.decode("latin-1"), logged)
    assert not any(code_appears(code, content) for content in files)


def link_in_base(mailbox, message, base: str) -> str:
    match = re.search(re.escape(base) + rf"(/p/[\w-]+/(?:l|i)/{TOKEN})", mailbox.text(message))
    assert match, mailbox.text(message)
    return match.group(1)


@pytest.mark.django_db(transaction=True)
def test_no_raw_registration_link_in_the_outbox_while_queued_nor_after_delivery(company, mailbox):
    from doorstep.access.models import RegistrationRequest, RegistrationState
    from doorstep.tenancy.models import RegistrationPolicy, SignInMode

    company.settings.sign_in_mode = SignInMode.PASSWORD
    company.settings.registration_policy = RegistrationPolicy.STAFF_APPROVAL
    company.settings.save()
    mailbox.fail_next(100)  # the verification email waits in the outbox
    csrf_post(
        Client(enforce_csrf_checks=True),
        f"/p/{company.slug}/register",
        {"name": "Robin Hale", "email": "robin@harborview.test", "phone": "555-0101"},
    )
    while_queued = all_database_text()
    mailbox.clear()
    with time_machine.travel(timezone.now() + timedelta(minutes=5)):
        notifications_deliver_due()
    path = link_in(mailbox, mailbox.to("robin@harborview.test")[-1])
    token = path.rsplit("/", 1)[1]
    assert token not in while_queued
    csrf_post(Client(enforce_csrf_checks=True), path)  # the link still verifies the address
    assert RegistrationRequest.objects.get().state == RegistrationState.PENDING
    assert token not in all_database_text()
