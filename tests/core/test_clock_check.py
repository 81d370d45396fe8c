"""`manage.py check` warns when the database clock and the process clock differ by > 30 s."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from doorstep.core.clock_check import server_clock_check

pytestmark = pytest.mark.django_db


def test_agreeing_clocks_give_no_warning() -> None:
    assert server_clock_check() == []


@pytest.mark.parametrize("offset", [31, -31, 600])
def test_a_process_clock_off_by_more_than_30_seconds_is_warned_about(offset: int) -> None:
    # The process clock is moved; the database keeps the real one.
    with time_machine.travel(timezone.now() + timedelta(seconds=offset), tick=True):
        messages = server_clock_check()
        out = StringIO()
        call_command("check", stdout=out, stderr=out)
    assert [m.id for m in messages] == ["doorstep.W001"]
    assert "clock" in messages[0].msg and "NTP" in messages[0].hint
    assert "doorstep.W001" in out.getvalue()


def test_29_seconds_is_within_tolerance() -> None:
    with time_machine.travel(timezone.now() + timedelta(seconds=29), tick=True):
        assert server_clock_check() == []
