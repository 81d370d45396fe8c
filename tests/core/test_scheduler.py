from datetime import UTC, datetime

import pytest

from doorstep.core.models import ScheduledRun
from doorstep.core.scheduler import scheduler_tick

pytestmark = pytest.mark.django_db


def test_each_slot_is_enqueued_once_even_when_ticked_twice():
    now = datetime(2026, 11, 21, 9, 0, 30, tzinfo=UTC)
    first = scheduler_tick(now=now)
    assert "deliver_due_notifications" in first
    assert scheduler_tick(now=now.replace(second=59)) == []
    assert "deliver_due_notifications" in scheduler_tick(now=now.replace(minute=1))
    assert ScheduledRun.objects.filter(name="deliver_due_notifications").count() == 2
