"""Secrets that are put into a message only when it is sent.

A sign-in link, its 6-digit code, an invoice link, a phone verification code and an
unsubscribe link are bearer secrets. Written into the outbox they sit in the database until
the message goes (for ever if it never does), and SQLite's WAL keeps old pages even after the
row is blanked. So the outbox row holds a *reference* instead, `[[send-time KIND ARG ...]]`,
and the channel swaps it for the real value just before rendering, in memory only
(`resolve`). The app that owns the secret registers a resolver for its KIND in its
AppConfig.ready().

The raw token must still exist at send time although only its hash is stored: it is derived,
`HMAC(SECRET_KEY, purpose + nonce)`, from a random nonce that only the reference holds. The
database alone (a backup, a stolen file) reveals nothing; sending twice gives the same link;
and once the message has gone the nonce is blanked with the other `secret_keys`.
"""

from __future__ import annotations

import base64
import re
import secrets
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.utils.crypto import salted_hmac

if TYPE_CHECKING:
    from doorstep.tenancy.models import Company


REFERENCE = re.compile(r"\[\[send-time ([a-z_]+)((?: [A-Za-z0-9_-]+)*)\]\]")

# kind -> function(company, args) returning the value to put into the message. A resolver
# raises NotificationSkipped when the secret can no longer be sent (its row is gone).
Resolver = Callable[[Any, list[str]], str]
RESOLVERS: dict[str, Resolver] = {}


def register_resolver(kind: str, resolver: Resolver) -> None:
    RESOLVERS[kind] = resolver


def reference(kind: str, *args: object) -> str:
    return "[[send-time " + " ".join([kind, *(str(arg) for arg in args)]) + "]]"


def new_nonce() -> str:
    return secrets.token_urlsafe(32)


def _derive(purpose: str, nonce: str) -> bytes:
    return salted_hmac(f"doorstep.send_time.{purpose}", nonce, algorithm="sha256").digest()


def derived_token(purpose: str, nonce: str) -> str:
    """256 bits, 43 characters of [A-Za-z0-9_-] (the shape of secrets.token_urlsafe(32))."""
    return base64.urlsafe_b64encode(_derive(purpose, nonce)).rstrip(b"=").decode()


def derived_code(purpose: str, nonce: str) -> str:
    """Six digits (the modulo bias of a 256-bit number is nil)."""
    return f"{int.from_bytes(_derive(purpose, nonce), 'big') % 1_000_000:06d}"


def resolve(value: Any, *, company: Company) -> Any:
    """`value` (a context, a list, a string) with every reference replaced by its secret."""
    if isinstance(value, str):
        if "[[send-time " not in value:
            return value
        return REFERENCE.sub(
            lambda match: RESOLVERS[match.group(1)](company, match.group(2).split()), value
        )
    if isinstance(value, dict):
        return {key: resolve(item, company=company) for key, item in value.items()}
    if isinstance(value, list):
        return [resolve(item, company=company) for item in value]
    return value
