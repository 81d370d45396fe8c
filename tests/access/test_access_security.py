"""SECURITY 2, 5, 6, 10, 11 and the portal switch: races, enumeration, rate limits, sessions,
CSRF on every POST, and raw tokens never stored or logged."""

from __future__ import annotations

import logging
import threading
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from doorstep.access.models import LoginLink, PortalSession
from doorstep.core.audit import Actor
from doorstep.tenancy.models import RegistrationPolicy, SignInMode

from ..factories import make_invoice, staff_user
from ..portal_helpers import sign_in
from .conftest import code_in, csrf_post, link_in, new_account, portal_cookie, request_link

pytestmark = pytest.mark.django_db(transaction=True)

DUMMY_TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


# --- SECURITY 2: single use under concurrency ------------------------------------------------


@pytest.mark.postgres
def test_two_concurrent_posts_make_exactly_one_session(company, account, mailbox):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL is not configured (TEST_DATABASE_URL): SQLite serialises writers")
    request_link(Client(enforce_csrf_checks=True), company, account.email)
    path = link_in(mailbox, mailbox.messages[-1])
    browsers = [Client(enforce_csrf_checks=True) for _ in range(2)]
    for browser in browsers:
        browser.get(path)  # the confirmation page; sets the CSRF cookie
    start = threading.Barrier(2)
    statuses: list[int] = []

    def click(browser: Client) -> None:
        try:
            start.wait()
            token = browser.cookies["csrftoken"].value
            statuses.append(browser.post(path, {"csrfmiddlewaretoken": token}).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=click, args=(b,)) for b in browsers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [302, 410]
    assert PortalSession.objects.count() == 1


# --- SECURITY 6: no enumeration, no mail bombing ---------------------------------------------


def test_known_and_unknown_addresses_get_identical_answers_and_work(
    company, account, mailbox, settings
):
    """Same status, same page, same number of queries: the lookup happens later, in the
    worker, so the answer's timing does not depend on the address either."""
    settings.TASKS = DUMMY_TASKS
    results = {}
    for email in [account.email, "stranger@example.test"]:
        browser = Client(enforce_csrf_checks=True)
        browser.get(f"/p/{company.slug}/sign-in")
        with CaptureQueriesContext(connection) as queries:
            response = request_link(browser, company, email)
        body = response.content.decode().replace(email, "EMAIL")
        results[email] = (response.status_code, body, len(queries))
    assert results[account.email] == results["stranger@example.test"]
    assert mailbox.messages == []  # nothing is sent in the request itself


def test_unknown_address_gets_no_email(csrf_client, company, account, mailbox):
    assert request_link(csrf_client, company, "stranger@example.test").status_code == 200
    assert mailbox.messages == []


def test_one_email_per_address_per_minute(csrf_client, company, account, mailbox):
    request_link(csrf_client, company, account.email)
    second = request_link(csrf_client, company, account.email)
    assert second.status_code == 200 and "Check your email" in second.content.decode()
    assert len(mailbox.to(account.email)) == 1
    with time_machine.travel(timezone.now() + timedelta(seconds=61)):
        request_link(csrf_client, company, account.email)
    assert len(mailbox.to(account.email)) == 2


def test_per_ip_limit(csrf_client, company, mailbox):
    for n in range(20):
        assert request_link(csrf_client, company, f"person{n}@example.test").status_code == 200
    blocked = request_link(csrf_client, company, "one-more@example.test")
    assert blocked.status_code == 429
    assert "Too many requests" in blocked.content.decode()


# --- The portal switch -------------------------------------------------------------------


def test_portal_off_stops_links_codes_and_sessions_and_on_restores(
    csrf_client, company, account, mailbox
):
    request_link(csrf_client, company, account.email)
    message = mailbox.messages[-1]
    path, code = link_in(mailbox, message), code_in(mailbox, message)
    signed_in = Client()
    sign_in(signed_in, account)
    browser = Client(enforce_csrf_checks=True)
    browser.get(path)  # the CSRF cookie, from before the switch
    company.settings.portal_enabled = False
    company.settings.save()

    for response in [
        Client().get(path),
        csrf_post(browser, path),
        signed_in.get(f"/p/{company.slug}/"),
        request_link(browser, company, account.email),
        Client().get(f"/p/{company.slug}/sign-in/code"),
    ]:
        assert response.status_code == 503
        body = response.content.decode()
        assert "The portal is currently unavailable" in body
        assert company.support_phone in body and company.support_email in body
    assert LoginLink.objects.get().used_at is None

    company.settings.portal_enabled = True
    company.settings.save()
    assert signed_in.get(f"/p/{company.slug}/").status_code == 200
    phone = Client(enforce_csrf_checks=True)
    response = csrf_post(
        phone, f"/p/{company.slug}/sign-in/code", {"email": account.email, "code": code}
    )
    assert response.status_code == 302 and portal_cookie(phone)


# --- SECURITY 10: sessions -----------------------------------------------------------------


def test_new_session_key_at_every_sign_in(csrf_client, company, account, mailbox):
    keys = []
    for minute in (0, 2):
        with time_machine.travel(timezone.now() + timedelta(minutes=minute)):
            request_link(csrf_client, company, account.email)
            csrf_post(csrf_client, link_in(mailbox, mailbox.messages[-1]))
            keys.append(portal_cookie(csrf_client))
    assert keys[0] and keys[1] and keys[0] != keys[1]
    assert PortalSession.objects.filter(ended_at__isnull=True).count() == 1


def test_idle_and_absolute_timeouts(company, account):
    home = f"/p/{company.slug}/"
    idle = Client()
    sign_in(idle, account)
    with time_machine.travel(timezone.now() + timedelta(minutes=31)):
        assert idle.get(home).status_code == 302

    busy = Client()
    sign_in(busy, account)
    start = timezone.now()
    for step in range(1, 36):  # a request every 20 minutes, for almost 12 hours
        with time_machine.travel(start + timedelta(minutes=20 * step)):
            assert busy.get(home).status_code == 200
    with time_machine.travel(start + timedelta(hours=12, minutes=1)):
        assert busy.get(home).status_code == 302


def test_portal_and_staff_sessions_are_separate(company, account):
    staff = Client()
    staff.force_login(staff_user(company))
    assert staff.get(f"/p/{company.slug}/").status_code == 302
    customer = Client()
    sign_in(customer, account)
    assert customer.get("/office/").status_code == 302  # to the staff login


def test_sign_out_everywhere_by_the_customer(csrf_client, company, account):
    laptop, phone = Client(), csrf_client
    sign_in(laptop, account)
    sign_in(phone, account)
    response = csrf_post(
        phone, f"/p/{company.slug}/sign-out-everywhere", page=f"/p/{company.slug}/"
    )
    assert response.status_code == 200 and "signed out everywhere" in response.content.decode()
    assert laptop.get(f"/p/{company.slug}/").status_code == 302
    assert phone.get(f"/p/{company.slug}/").status_code == 302


def test_sign_out_ends_only_this_session(csrf_client, company, account):
    other = Client()
    sign_in(other, account)
    sign_in(csrf_client, account)
    response = csrf_post(csrf_client, f"/p/{company.slug}/sign-out", page=f"/p/{company.slug}/")
    assert response.status_code == 302
    assert csrf_client.get(f"/p/{company.slug}/").status_code == 302
    assert other.get(f"/p/{company.slug}/").status_code == 200


# --- SECURITY 11: every POST needs its CSRF token -----------------------------------------


def test_every_post_rejects_a_missing_csrf_token(company, account, mailbox):
    company.settings.sign_in_mode = SignInMode.BOTH
    company.settings.registration_policy = RegistrationPolicy.STAFF_APPROVAL
    company.settings.save()
    request_link(Client(enforce_csrf_checks=True), company, account.email)
    link = link_in(mailbox, mailbox.messages[-1])
    staff = Client(enforce_csrf_checks=True)
    staff.force_login(staff_user(company))
    signed_in = Client(enforce_csrf_checks=True)
    sign_in(signed_in, account)
    p = f"/p/{company.slug}"
    anonymous_posts = [
        f"{p}/sign-in",
        f"{p}/sign-in/link",
        f"{p}/sign-in/code",
        link,
        f"{link}/fresh",
        f"{p}/i/{'a' * 43}",
        f"{p}/password/forgot",
        f"{p}/password/set/{'a' * 43}",
        f"{p}/register",
        f"{p}/register/verify/{'a' * 43}",
    ]
    for url in anonymous_posts:
        response = Client(enforce_csrf_checks=True).post(
            url, {"email": account.email, "code": "123456", "password": "x" * 12}
        )
        assert response.status_code == 403, url
    for url in [f"{p}/sign-out", f"{p}/sign-out-everywhere"]:
        assert signed_in.post(url).status_code == 403, url
    for url in [
        f"/office/access/customers/{account.customer.pk}/resend",
        f"/office/access/customers/{account.customer.pk}/deactivate",
        "/office/admin/access/registrationrequest/1/approve/",
        "/office/admin/access/registrationrequest/1/decline/",
    ]:
        assert staff.post(url, {"customer": account.customer.pk}).status_code == 403, url
    # Nothing happened: the link is unused, the session alive, the account still usable.
    assert LoginLink.objects.get().used_at is None
    assert signed_in.get(f"{p}/").status_code == 200
    assert len(mailbox.messages) == 1


# --- SECURITY 5: raw tokens are neither stored nor logged -------------------------------


def all_database_text() -> str:
    chunks = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            chunks.extend(repr(row) for row in cursor.fetchall())
    return "\n".join(chunks)


def test_raw_tokens_are_not_in_the_database_or_logs(csrf_client, company, account, mailbox, caplog):
    from doorstep.access.invoice_sending import invoice_send

    caplog.set_level(logging.DEBUG)
    request_link(csrf_client, company, account.email)
    message = mailbox.messages[-1]
    link, code = link_in(mailbox, message), code_in(mailbox, message)
    Client().get(link)
    csrf_post(csrf_client, link)
    Client().get(link)  # a used link: refused (410) and audited
    invoice_send(company=company, invoice=make_invoice(account.customer), actor=Actor.system())
    invoice_path = link_in(mailbox, mailbox.messages[-1])
    csrf_post(Client(enforce_csrf_checks=True), invoice_path)
    secrets_ = [link.rsplit("/", 1)[1], invoice_path.rsplit("/", 1)[1]]

    stored = all_database_text()
    # The fake SMTP server's own log is the outside world (it sees the email, as it must).
    logged = "\n".join(r.getMessage() for r in caplog.records if not r.name.startswith("mail"))
    for secret in secrets_:
        assert secret not in stored
        assert secret not in logged
    assert f"'{code}'" not in stored and f"enter: {code}" not in stored


def test_request_lines_with_tokens_are_redacted_in_logs():
    from doorstep.access.logging import RedactLinkTokens

    record = logging.LogRecord(
        "django.server",
        logging.INFO,
        __file__,
        1,
        '"%s" %s',
        ("GET /p/acme/l/SECRETabc123 HTTP/1.1", 200),
        None,
    )
    RedactLinkTokens().filter(record)
    assert "SECRET" not in record.getMessage() and "/p/acme/l/[redacted]" in record.getMessage()


def test_two_companies_same_email_two_accounts(company, other_company):
    first = new_account(company, "same@example.test")
    second = new_account(other_company, "same@example.test")
    assert first.company != second.company and first.pk != second.pk
    with_session = Client()
    sign_in(with_session, first)
    assert with_session.get(f"/p/{company.slug}/").status_code == 200
    assert with_session.get(f"/p/{other_company.slug}/").status_code == 302


def test_the_one_query_gate_keeps_companies_apart(company, other_company):
    """The session is found by its key AND the URL's company in one query: a cookie of
    company X sent to company Y's portal is no session at all there (sign-in redirect,
    Y's own sign-in page), to an unknown portal a 404; X's session stays valid."""
    mine = new_account(company, "gate@example.test")
    browser = Client()
    session = sign_in(browser, mine)
    with CaptureQueriesContext(connection) as queries:
        assert browser.get(f"/p/{company.slug}/").status_code == 200
    # The first query after the tenant transaction's BEGIN (PostgreSQL, docs/adr/0003).
    first = next(q["sql"] for q in queries if q["sql"] != "BEGIN")
    assert 'FROM "access_portalsession"' in first
    assert 'INNER JOIN "tenancy_company"' in first
    other = browser.get(f"/p/{other_company.slug}/invoices/")
    assert other.status_code == 302
    assert other["Location"].startswith(f"/p/{other_company.slug}/sign-in")
    assert browser.get("/p/no-such-company/").status_code == 404
    session.refresh_from_db()
    assert session.ended_at is None
    assert browser.get(f"/p/{company.slug}/").status_code == 200
