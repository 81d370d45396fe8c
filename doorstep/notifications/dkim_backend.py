"""An SMTP email backend that DKIM-signs every message when a key is configured.

Settings: DKIM_PRIVATE_KEY_PATH (PEM, RSA), DKIM_SELECTOR, DKIM_DOMAIN (default: the domain
of DEFAULT_FROM_EMAIL). Without a key it is Django's SMTP backend unchanged. The public key
goes into DNS at <selector>._domainkey.<domain> (docs/help-site.md).
"""

from __future__ import annotations

import smtplib
from functools import lru_cache
from pathlib import Path
from typing import Any

import dkim
from django.conf import settings
from django.core.mail.backends.smtp import EmailBackend as SmtpBackend
from django.core.mail.message import sanitize_address

SIGNED_HEADERS = [
    b"from",
    b"to",
    b"subject",
    b"date",
    b"message-id",
    b"reply-to",
    b"mime-version",
    b"content-type",
]


@lru_cache(maxsize=4)
def _key(path: str) -> bytes:
    return Path(path).read_bytes()


def dkim_domain() -> str:
    return (
        settings.DKIM_DOMAIN
        or settings.DEFAULT_FROM_EMAIL.split("<")[-1].rstrip(">").rsplit("@", 1)[-1]
    )


def dkim_sign(message_bytes: bytes) -> bytes:
    """`message_bytes` with a DKIM-Signature header in front (unchanged without a key)."""
    if not settings.DKIM_PRIVATE_KEY_PATH:
        return message_bytes
    signature = dkim.sign(
        message_bytes,
        selector=settings.DKIM_SELECTOR.encode(),
        domain=dkim_domain().encode(),
        privkey=_key(settings.DKIM_PRIVATE_KEY_PATH),
        canonicalize=(b"relaxed", b"relaxed"),
        include_headers=SIGNED_HEADERS,
    )
    return signature + message_bytes


class EmailBackend(SmtpBackend):
    def _send(self, email_message: Any) -> bool:
        if not email_message.recipients():
            return False
        encoding = email_message.encoding or settings.DEFAULT_CHARSET
        from_email = sanitize_address(email_message.from_email, encoding)
        recipients = [sanitize_address(addr, encoding) for addr in email_message.recipients()]
        message = email_message.message()
        content = dkim_sign(message.as_bytes(linesep="\r\n"))
        try:
            self.connection.sendmail(from_email, recipients, content)  # type: ignore[union-attr]
        except smtplib.SMTPException:
            if not self.fail_silently:
                raise
            return False
        return True
