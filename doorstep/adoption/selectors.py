"""Customers by how far the portal reached them (the office's customers list filter)."""

from __future__ import annotations

from typing import Any

PORTAL_FILTERS = {
    "never_signed_in": "Never signed in",
    "not_activated": "Invited, not activated",
}


def customers_by_portal_reach(rows: Any, *, reach: str) -> Any:
    """`rows` (customers) narrowed to those who never signed in, or who were invited (a link
    or an invoice/estimate email reached them) and never signed in; else unchanged."""
    if reach == "never_signed_in":
        return rows.exclude(portal_reach__activated_at__isnull=False)
    if reach == "not_activated":
        return rows.filter(
            portal_reach__invited_at__isnull=False, portal_reach__activated_at__isnull=True
        )
    return rows
