from __future__ import annotations

import re
from typing import Any

from django.db.models import QuerySet

NUMBER = re.compile(r"^(?:[A-Za-z]{3}-?)?0*(\d{1,9})$")


def with_number_match(
    queryset: QuerySet[Any], found: QuerySet[Any], search_term: str
) -> QuerySet[Any]:
    """Let staff search "INV-0042", "0042" or "42" as well as names."""
    match = NUMBER.match(search_term.strip())
    if not match:
        return found
    return found | queryset.filter(number=int(match.group(1)))
