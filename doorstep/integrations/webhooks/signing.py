"""Standard Webhooks signatures: `v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">`.

The secret is `whsec_` + base64 of 24 random bytes; the HMAC key is the decoded bytes. During a
rotation's overlap each delivery carries one signature per valid secret, space separated, and a
receiver accepts the delivery if any of them matches the secret it has.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Iterable

SECRET_PREFIX = "whsec_"  # noqa: S105 (the public prefix, not a secret)


def secret_new() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(24)).decode()


def _key(secret: str) -> bytes:
    return base64.b64decode(secret.removeprefix(SECRET_PREFIX))


def signature(*, secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    signed = f"{msg_id}.{timestamp}.".encode() + body
    digest = hmac.new(_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def headers(*, secrets_: Iterable[str], msg_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    signatures = [
        signature(secret=secret, msg_id=msg_id, timestamp=timestamp, body=body)
        for secret in secrets_
    ]
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": " ".join(signatures),
    }
