from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from doorstep.notifications.models import Notification
from doorstep.payments.models import Payment, PaymentState, WebhookEvent


@pytest.mark.postgres
@pytest.mark.scaleout  # starts real processes: left out with the scale-out test
@pytest.mark.django_db(transaction=True)
def test_bench_webhooks_goes_through_real_servers_and_workers(settings, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("the servers it starts need a database they can share (PostgreSQL here)")
    settings.VAR_DIR = tmp_path
    out = StringIO()
    call_command(
        "bench_webhooks",
        events=40,
        clients=2,
        web=1,
        workers=1,
        mode="both",
        report_only=True,
        stdout=out,
    )
    report = (tmp_path / "bench" / "webhooks.txt").read_text()
    for mode in ("request", "queued"):
        assert f"[{mode}] handled end to end: 30/30 receipts queued" in report
        assert f"[{mode}] inbox rows 30, invoices paid 30/30, payments succeeded 30/30" in report
    assert "answers {200: 40}" in report
    assert report in out.getvalue()
    # Each way did the work once: 30 events, payments and receipts per run, no more.
    assert WebhookEvent.objects.count() == 60
    assert Payment.objects.filter(state=PaymentState.SUCCEEDED).count() == 60
    assert Notification.objects.filter(template="payment_receipt").count() == 60
