"""What the office home counts about customer messages (one aggregate query)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Count, Max

from .models import Conversation

if TYPE_CHECKING:
    from doorstep.tenancy.models import Company


def conversations_unread_by_staff(*, company: Company) -> dict[str, object]:
    """Conversations with a customer message no one in the office has read yet, and when the
    newest of them arrived (the (company, staff_unread) index)."""
    row = (
        Conversation.objects.for_company(company)
        .filter(staff_unread__gt=0)
        .aggregate(count=Count("pk"), newest=Max("last_message_at"))
    )
    return {"count": row["count"] or 0, "newest": row["newest"]}
