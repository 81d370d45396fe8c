"""Secrets that travel by email: link tokens and 6-digit codes.

Tokens carry 256 bits (secrets.token_urlsafe, or HMAC(SECRET_KEY, a 256-bit nonce from
`secrets`) for emailed links: see doorstep.notifications.send_time); the database keeps only
their SHA-256. A 6-digit code has too few possibilities for a bare hash, so it is stored as an
HMAC keyed with SECRET_KEY and the link's own token hash (a database leak alone does not
reveal it).
"""

from __future__ import annotations

import hmac
import re
import secrets

from django.utils.crypto import salted_hmac

from .portal_sessions import token_hash

__all__ = ["code_hash", "code_matches", "new_code", "new_token", "token_hash", "token_looks_valid"]

# secrets.token_urlsafe(32) gives 43 characters of [A-Za-z0-9_-].
TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9_-]{40,64}$")
CODE_SHAPE = re.compile(r"^\d{6}$")


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_looks_valid(raw: str) -> bool:
    return bool(TOKEN_SHAPE.match(raw or ""))


def new_code() -> str:
    return f"{secrets.randbelow(1_000_000):06d}"


def code_hash(code: str, *, link_token_hash: str) -> str:
    return salted_hmac("doorstep.access.code", f"{link_token_hash}:{code}").hexdigest()


def code_matches(code: str, *, link_token_hash: str, stored: str) -> bool:
    if not CODE_SHAPE.match(code or "") or not stored:
        return False
    return hmac.compare_digest(code_hash(code, link_token_hash=link_token_hash), stored)
