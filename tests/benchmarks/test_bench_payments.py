from io import StringIO

import pytest
from django.core.management import call_command

from doorstep.payments.models import Payment


@pytest.mark.django_db
def test_bench_payments_runs_and_leaves_nothing_behind(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    out = StringIO()
    call_command("bench_payments", events=20, payments=3, stdout=out)
    report = (tmp_path / "bench" / "payments.txt").read_text()
    assert "events/s" in report and "pay -> paid" in report
    assert "invoices paid 15/15" in report
    assert report in out.getvalue()
    assert not Payment.objects.exists()  # rolled back
