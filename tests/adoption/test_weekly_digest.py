"""The weekly adoption digest to owners: on the company's chosen weekday from 08:00 in its
time zone, once per ISO week, only to owners, only when switched on, with the page's figures.
Real SMTP capture (the test SMTP server); the clock is frozen with time-machine."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from doorstep.adoption.figures import adoption_figures
from doorstep.adoption.models import Activity, ActivityVerb, DigestSent, DigestSetting, Weekday
from doorstep.adoption.periods import Period
from doorstep.adoption.rollups import rollups_catch_up
from doorstep.core.models import AuditEvent
from doorstep.core.scheduler import PERIODIC_JOBS
from doorstep.notifications.services import notifications_deliver_due
from doorstep.notifications.tasks import adoption_digests

from ..factories import staff_user
from ..office.helpers import office_client
from .test_page import history

pytestmark = pytest.mark.django_db

# Monday 15 June 2026. Los Angeles is UTC-7 in June: 08:00 there is 15:00 UTC.
MONDAY_8AM_LA = datetime(2026, 6, 15, 15, 0, tzinfo=UTC)


@pytest.fixture
def la_company(company):
    company.timezone = "America/Los_Angeles"
    company.save(update_fields=["timezone"])
    return company


def switch_on(company, weekday=Weekday.MONDAY):
    DigestSetting.objects.create(company=company, enabled=True, weekday=weekday)


def run_at(when):
    """The scheduler's hourly slot runs at `when`; the outbox then delivers what it queued."""
    with time_machine.travel(when, tick=False):
        adoption_digests.call()
        notifications_deliver_due()


def test_the_scheduler_runs_the_digest_hourly():
    assert PERIODIC_JOBS["notifications.adoption_digests"].every_seconds == 3600


def test_goes_out_on_the_chosen_weekday_from_8am_in_the_company_time_zone(la_company, mailbox):
    owner = staff_user(la_company, role="owner")
    switch_on(la_company)
    run_at(MONDAY_8AM_LA - timedelta(hours=14))  # Monday 01:00 UTC is still Sunday in LA
    run_at(MONDAY_8AM_LA - timedelta(hours=7))  # Monday 08:00 UTC = 01:00 in LA
    run_at(MONDAY_8AM_LA - timedelta(minutes=1))  # 07:59 in LA
    assert mailbox.to(owner.email) == []
    run_at(MONDAY_8AM_LA)
    [email] = mailbox.to(owner.email)
    assert email["Subject"] == f"{la_company.name}: your portal this week"


def test_another_weekday_waits_for_that_day(la_company, mailbox):
    owner = staff_user(la_company, role="owner")
    switch_on(la_company, weekday=Weekday.THURSDAY)
    run_at(MONDAY_8AM_LA)
    run_at(MONDAY_8AM_LA + timedelta(days=2))  # Wednesday
    assert mailbox.to(owner.email) == []
    run_at(MONDAY_8AM_LA + timedelta(days=3))  # Thursday 08:00 in LA
    assert len(mailbox.to(owner.email)) == 1


def test_not_twice_in_a_week_and_again_the_next_week(la_company, mailbox):
    owner = staff_user(la_company, role="owner")
    switch_on(la_company)
    run_at(MONDAY_8AM_LA)
    run_at(MONDAY_8AM_LA + timedelta(hours=1))
    run_at(MONDAY_8AM_LA + timedelta(hours=15))  # 23:00 in LA: still Monday, already sent
    assert len(mailbox.to(owner.email)) == 1
    assert DigestSent.objects.filter(company=la_company).count() == 1
    run_at(MONDAY_8AM_LA + timedelta(days=7))
    assert len(mailbox.to(owner.email)) == 2


def test_off_by_default_and_when_switched_off_nothing_is_sent(la_company, mailbox):
    owner = staff_user(la_company, role="owner")
    run_at(MONDAY_8AM_LA)  # never chosen: off
    DigestSetting.objects.create(company=la_company, enabled=False)
    run_at(MONDAY_8AM_LA + timedelta(hours=1))
    assert mailbox.to(owner.email) == []
    assert not DigestSent.objects.exists()


def test_only_the_active_owners_of_that_company_get_it(la_company, other_company, mailbox):
    owners = [staff_user(la_company, role="owner") for _ in range(2)]
    manager = staff_user(la_company, role="manager")
    former = staff_user(la_company, role="owner", is_active=False)
    elsewhere = staff_user(other_company, role="owner")
    switch_on(la_company)
    run_at(MONDAY_8AM_LA)
    assert all(len(mailbox.to(owner.email)) == 1 for owner in owners)
    for user in (manager, former, elsewhere):
        assert mailbox.to(user.email) == []


def test_figures_match_the_adoption_page(la_company, mailbox):
    owner = staff_user(la_company, role="owner")
    switch_on(la_company)
    history(la_company, months=1, per_month=40)
    with time_machine.travel(MONDAY_8AM_LA, tick=False):
        rollups_catch_up(company=la_company)
    run_at(MONDAY_8AM_LA)
    [email] = mailbox.to(owner.email)
    text = email.get_body(preferencelist=("plain",)).get_content()
    html = email.get_body(preferencelist=("html",)).get_content()

    # The 7 days to yesterday (Sunday 14 June, in LA) on the page's own reckoning.
    this_week = Period("custom", datetime(2026, 6, 8).date(), datetime(2026, 6, 14).date())
    with time_machine.travel(MONDAY_8AM_LA, tick=False):
        page = adoption_figures(company=la_company, period=this_week)
    share = page.payment_count.share
    assert page.payment_count.total > 0
    assert f"- Payments through the portal: {share}%" in text
    sent = Activity.objects.filter(
        verb=ActivityVerb.INVOICE_SENT,
        occurred_at__gte=datetime(2026, 6, 8, 7, tzinfo=UTC),  # midnight in LA
        occurred_at__lt=datetime(2026, 6, 15, 7, tzinfo=UTC),
    ).count()
    assert f"- Invoices sent: {sent} (before:" in text
    assert sent > 0
    # The office home's three numbers.
    assert "Active on the portal: 0 of 1 customers" in text
    assert "/office/adoption/" in text and 'href="http' in html


def test_subject_and_text_are_plain_text_and_the_html_is_escaped(la_company, mailbox):
    la_company.name = 'Ben & Jerry\'s <"Pipes">'
    la_company.save(update_fields=["name"])
    owner = staff_user(la_company, role="owner")
    switch_on(la_company)
    run_at(MONDAY_8AM_LA)
    [email] = mailbox.to(owner.email)
    assert email["Subject"] == 'Ben & Jerry\'s <"Pipes">: your portal this week'
    text = email.get_body(preferencelist=("plain",)).get_content()
    html = email.get_body(preferencelist=("html",)).get_content()
    assert 'Ben & Jerry\'s <"Pipes">' in text and "&amp;" not in text
    assert "Ben &amp; Jerry" in html and '<"Pipes">' not in html


def test_an_owner_switches_it_on_from_the_adoption_page(la_company, client):
    office_client(client, la_company)
    page = client.get("/office/adoption/").content.decode()
    assert "Weekly digest" in page and 'name="enabled"' in page
    response = client.post("/office/adoption/digest/", {"enabled": "on", "weekday": "3"})
    assert response.status_code == 302
    setting = DigestSetting.objects.get(company=la_company)
    assert setting.enabled and setting.weekday == Weekday.THURSDAY
    [event] = AuditEvent.objects.filter(verb="settings.changed")
    assert event.message == "Weekly adoption digest on, Thursdays"
    assert "every Thursday" in client.get("/office/adoption/").content.decode()
    client.post("/office/adoption/digest/", {"weekday": "3"})  # unticked: off again
    assert not DigestSetting.objects.get(company=la_company).enabled


def test_a_bad_day_is_explained_and_saves_nothing(la_company, client):
    office_client(client, la_company)
    response = client.post("/office/adoption/digest/", {"enabled": "on", "weekday": "9"})
    assert response.status_code == 400
    assert "Choose a day of the week." in response.content.decode()
    assert not DigestSetting.objects.exists()


def test_an_office_manager_sees_the_page_but_not_the_digest_setting(la_company, client):
    office_client(client, la_company, role="office")
    assert 'name="enabled"' not in client.get("/office/adoption/").content.decode()
    response = client.post("/office/adoption/digest/", {"enabled": "on", "weekday": "0"})
    assert response.status_code == 403
    assert not DigestSetting.objects.exists()
