"""The adoption ledger counts what people did: a scanner's fetch is never an open, a staff
preview is nobody's view, and each payment lands in the channel it was started from."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.test import Client

from doorstep.access.estimate_sending import estimate_send
from doorstep.access.invoice_sending import invoice_send
from doorstep.adoption.models import Activity, ActivityVerb, Channel, CustomerReach
from doorstep.billing.estimates import estimate_change_state, estimate_decline
from doorstep.billing.models import EstimateState
from doorstep.core.audit import Actor
from doorstep.payments.models import PaymentMethod, PaymentSource
from doorstep.payments.office_charges import saved_card_charge
from doorstep.payments.services import payment_record_manual
from doorstep.payments.tasks import autopay_after_invoice_sent

from ..access.conftest import csrf_post, link_in
from ..factories import ContactFactory, CustomerFactory, make_estimate, make_invoice, staff_user
from ..office.helpers import office_client
from ..payments.helpers import invoice_for, make_payer, pay, post_form, signed_in

pytestmark = pytest.mark.django_db(transaction=True)
OFFICE = Actor.system("Office")
BROWSER = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Safari"
VISA = "pm_demo_visa_4242_12_30"
SENT_AT = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)


def rows(verb: str) -> list[Activity]:
    return list(Activity.objects.filter(verb=verb).order_by("pk"))


@pytest.fixture
def customer(company):
    customer = CustomerFactory(company=company, name="Pat Smith")
    ContactFactory(customer=customer, email="pat@example.test")
    return customer


def test_a_scanner_fetch_then_the_persons_confirm_is_one_open(company, customer, mailbox):
    invoice = make_invoice(customer)
    with time_machine.travel(SENT_AT, tick=False) as clock:
        invoice_send(company=company, invoice=invoice, actor=OFFICE)
        path = link_in(mailbox, mailbox.messages[-1])
        clock.shift(timedelta(seconds=2))
        # The mail gateway opens the link the moment the email arrives, with a browser's
        # User-Agent: flagged by the timing alone.
        assert Client().get(path, HTTP_USER_AGENT=BROWSER).status_code == 200
        assert Client().head(path, HTTP_USER_AGENT=BROWSER).status_code == 200
        assert rows(ActivityVerb.INVOICE_OPENED) == []
        clock.shift(timedelta(hours=3))
        person = Client(enforce_csrf_checks=True, HTTP_USER_AGENT=BROWSER)
        response = csrf_post(person, path)  # GET the page (a person's fetch), then Continue
        assert response.status_code == 302
        assert person.get(response["Location"]).status_code == 200  # the invoice page
        assert person.get(response["Location"]).status_code == 200  # and a reload
    fetches = rows(ActivityVerb.INVOICE_FETCHED)
    assert [f.scanner for f in fetches] == [True, True, False]
    [opened] = rows(ActivityVerb.INVOICE_OPENED)
    assert opened.channel == Channel.INVOICE_LINK and opened.first
    assert opened.latency_seconds == 3 * 3600 + 2
    assert opened.cohort_on == SENT_AT.date() and opened.customer_id == customer.pk
    # The confirming POST is the customer's first sign-in: invited, then activated.
    reach = CustomerReach.objects.get(customer=customer)
    assert reach.invited_at == SENT_AT and reach.activated_at is not None


def test_known_scanner_agents_and_networks_are_flagged_later_too(company, customer, mailbox):
    invoice = make_invoice(customer)
    with time_machine.travel(SENT_AT, tick=False) as clock:
        invoice_send(company=company, invoice=invoice, actor=OFFICE)
        path = link_in(mailbox, mailbox.messages[-1])
        clock.shift(timedelta(hours=1))
        Client().get(path, HTTP_USER_AGENT="Mozilla/5.0 (compatible; Barracuda Sentinel)")
        Client().get(path, HTTP_USER_AGENT=BROWSER, REMOTE_ADDR="40.107.22.10")  # Microsoft EOP
        Client().get(path, HTTP_USER_AGENT=BROWSER, REMOTE_ADDR="198.51.100.7")
    assert [f.scanner for f in rows(ActivityVerb.INVOICE_FETCHED)] == [True, True, False]
    assert rows(ActivityVerb.INVOICE_OPENED) == []


def test_a_staff_preview_counts_as_no_view(company, customer, client):
    invoice = make_invoice(customer)
    invoice_send(company=company, invoice=invoice, actor=OFFICE)
    office_client(client, company)
    url = f"/p/{company.slug}/invoices/{invoice.pk}/staff-preview"
    assert client.get(url).status_code == 200
    assert rows(ActivityVerb.INVOICE_OPENED) == []
    assert not Activity.objects.exclude(
        verb__in=[ActivityVerb.INVOICE_SENT, ActivityVerb.INVITED]
    ).exists()


def test_a_resend_is_not_a_new_invoice(company, customer, mailbox):
    invoice = make_invoice(customer)
    invoice_send(company=company, invoice=invoice, actor=OFFICE)
    invoice_send(company=company, invoice=invoice, actor=OFFICE)
    assert len(rows(ActivityVerb.INVOICE_SENT)) == 1
    assert len(rows(ActivityVerb.INVOICE_RESENT)) == 1


def _channels() -> dict[int, str]:
    return {a.object_id: a.channel for a in rows(ActivityVerb.PAYMENT_SETTLED)}


def test_each_payment_lands_in_its_channel(company, mailbox):
    payer = make_payer(company)
    # Signed in to the whole portal; then from an invoice email's link.
    in_portal = invoice_for(payer, 5000)
    assert pay(signed_in(payer), company, [in_portal], payment_method=VISA, save_card="on")
    by_link = invoice_for(payer, 6000)
    assert pay(signed_in(payer, invoice=by_link), company, [by_link], payment_method=VISA)
    # Staff charge the saved card; staff record a check.
    by_staff_card = invoice_for(payer, 7000)
    card = payer.customer.saved_methods.get()
    charged = saved_card_charge(
        company=company, invoice=by_staff_card, method_id=card.pk, actor=OFFICE
    )
    by_check = invoice_for(payer, 8000)
    check = payment_record_manual(
        company=company,
        invoice=by_check,
        amount=8000,
        method=PaymentMethod.CHECK,
        actor=Actor.staff(staff_user(company)),
        receipt=False,
    )
    # Autopay, once the customer turned it on.
    post_form(
        signed_in(payer),
        f"/p/{company.slug}/payment-methods/autopay",
        {"saved_method": card.pk, "consent": "yes"},
        page=f"/p/{company.slug}/payment-methods",
    )
    by_autopay = invoice_for(payer, 9000)
    autopay_after_invoice_sent(invoice_id=by_autopay.pk, company_id=company.pk)

    payments = {p.amount: p for p in payer.customer.payments.all()}
    assert payments[9000].source == PaymentSource.AUTOPAY
    assert _channels() == {
        payments[5000].pk: Channel.PORTAL,
        payments[6000].pk: Channel.INVOICE_LINK,
        charged.pk: Channel.OFFICE,
        check.pk: Channel.OFFICE,
        payments[9000].pk: Channel.AUTOPAY,
    }
    settled = {a.object_id: a.amount for a in rows(ActivityVerb.PAYMENT_SETTLED)}
    assert settled[payments[6000].pk] == 6000
    # Each invoice was paid in full once, in the channel of the payment that paid it.
    paid = {a.object_id: a.channel for a in rows(ActivityVerb.INVOICE_PAID)}
    assert paid == {
        in_portal.pk: Channel.PORTAL,
        by_link.pk: Channel.INVOICE_LINK,
        by_staff_card.pk: Channel.OFFICE,
        by_check.pk: Channel.OFFICE,
        by_autopay.pk: Channel.AUTOPAY,
    }


def test_one_payment_for_several_invoices_counts_each_paid_once_from_its_send(company, mailbox):
    """Two invoices emailed, then paid together two days later from the portal: each gets its
    one "paid" row, dated from its own send (the time-to-pay figures), in the payment's
    channel; the payment one "settled" row for the whole amount."""
    payer = make_payer(company)
    first, second = invoice_for(payer, 5000), invoice_for(payer, 7000)
    with time_machine.travel(SENT_AT, tick=False) as clock:
        invoice_send(company=company, invoice=first, actor=OFFICE)
        clock.shift(timedelta(hours=5))
        invoice_send(company=company, invoice=second, actor=OFFICE)
        clock.shift(timedelta(days=2))
        assert pay(signed_in(payer), company, [first, second], payment_method=VISA)
    paid = {a.object_id: a for a in rows(ActivityVerb.INVOICE_PAID)}
    assert set(paid) == {first.pk, second.pk}
    assert paid[first.pk].latency_seconds == 2 * 86400 + 5 * 3600
    assert paid[second.pk].latency_seconds == 2 * 86400
    assert {a.cohort_on for a in paid.values()} == {SENT_AT.date()}
    assert all(a.first and a.channel == Channel.PORTAL for a in paid.values())
    [settled] = rows(ActivityVerb.PAYMENT_SETTLED)
    assert settled.amount == 12000 and settled.channel == Channel.PORTAL


def test_a_bank_payment_is_pending_until_it_settles(company, mailbox):
    import time_machine as tm

    from doorstep.payments.reconciliation import payments_reconcile

    company.settings.ach_enabled = True
    company.settings.save()
    payer = make_payer(company)
    invoice = invoice_for(payer, 30000)
    pay(
        signed_in(payer),
        company,
        [invoice],
        method_choice="ach",
        payment_method="pm_demo_bank_6789",
    )
    [pending] = rows(ActivityVerb.PAYMENT_PENDING)
    assert pending.channel == Channel.PORTAL and pending.amount == 30000
    assert rows(ActivityVerb.PAYMENT_SETTLED) == [] and rows(ActivityVerb.INVOICE_PAID) == []
    from django.utils import timezone

    with tm.travel(timezone.now() + timedelta(days=3)):
        payments_reconcile()
    [settled] = rows(ActivityVerb.PAYMENT_SETTLED)
    assert settled.object_id == pending.object_id and settled.channel == Channel.PORTAL


def test_estimates_decided_in_the_portal_or_by_staff(company, customer, mailbox):
    by_customer, by_staff = make_estimate(customer), make_estimate(customer)
    with time_machine.travel(SENT_AT, tick=False) as clock:
        estimate_send(company=company, estimate=by_customer, actor=OFFICE)
        estimate_send(company=company, estimate=by_staff, actor=OFFICE)
        estimate_send(company=company, estimate=by_staff, actor=OFFICE)  # again: not new
        clock.shift(timedelta(days=2))
        estimate_decline(
            company=company,
            customer=customer,
            estimate=by_customer,
            reason="Too expensive",
            actor=Actor.portal("pat@example.test"),
        )
        estimate_change_state(
            company=company,
            estimate=by_staff,
            new_state=EstimateState.ACCEPTED,
            actor=Actor.staff(staff_user(company)),
        )
    assert len(rows(ActivityVerb.ESTIMATE_SENT)) == 2
    [declined] = rows(ActivityVerb.ESTIMATE_DECLINED)
    assert declined.channel == Channel.PORTAL and declined.detail == "Too expensive"
    assert declined.latency_seconds == 2 * 86400
    [accepted] = rows(ActivityVerb.ESTIMATE_ACCEPTED)
    assert accepted.channel == Channel.OFFICE


def test_the_ledger_is_append_only(company, customer):
    invoice = make_invoice(customer)
    invoice_send(company=company, invoice=invoice, actor=OFFICE)
    row = rows(ActivityVerb.INVOICE_SENT)[0]
    row.channel = Channel.API
    with pytest.raises(ValueError, match="append-only"):
        row.save()
