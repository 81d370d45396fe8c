"""Stripe's webhook signature on the raw body: `Stripe-Signature: t=<unix>,v1=<hex>`, the
HMAC-SHA256 of "{t}.{body}" with the endpoint secret, within 300 s."""

from __future__ import annotations

import hashlib
import hmac
import time

from ..base import InvalidSignature

TOLERANCE_SECONDS = 300
SIGNATURE_HEADER = "HTTP_STRIPE_SIGNATURE"  # Stripe-Signature, as Django's request.META names it


def signature_header(*, payload: bytes, secret: str, timestamp: int | None = None) -> str:
    """What Stripe sends in `Stripe-Signature` (used by tests and the benchmark)."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    signed = f"{timestamp}.".encode() + payload
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def signature_verify(*, payload: bytes, signature: str, secret: str) -> None:
    """Raises InvalidSignature unless `signature` signs `payload` with `secret`, recently."""
    parts: dict[str, list[str]] = {}
    for item in (signature or "").split(","):
        key, _, value = item.strip().partition("=")
        parts.setdefault(key, []).append(value)
    raw_timestamp = (parts.get("t") or [""])[0]
    # Unix seconds have 10 digits for centuries; 400 digits overflowed the float comparison.
    if not (raw_timestamp.isascii() and raw_timestamp.isdigit() and len(raw_timestamp) <= 12):
        raise InvalidSignature("no timestamp in the signature header")
    timestamp = int(raw_timestamp)
    if abs(time.time() - timestamp) > TOLERANCE_SECONDS:
        raise InvalidSignature("timestamp outside the 300 s tolerance")
    signed = f"{timestamp}.".encode() + payload
    expected = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    if not any(hmac.compare_digest(expected, v) for v in parts.get("v1", [])):
        raise InvalidSignature("signature does not match")
