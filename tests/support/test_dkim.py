"""Outgoing mail is DKIM-signed when a key is configured (and verifies with the public key)."""

from __future__ import annotations

from email import message_from_bytes
from pathlib import Path
from typing import Any

import dkim
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.core.mail import EmailMessage

from doorstep.notifications.dkim_backend import EmailBackend


class RawBox:
    def __init__(self) -> None:
        self.raw: list[bytes] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.raw.append(envelope.original_content or envelope.content)
        return "250 OK"


def test_mail_is_signed_with_the_configured_key(settings, tmp_path: Path) -> None:
    from aiosmtpd.controller import Controller

    from tests.smtp import free_port

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    (tmp_path / "dkim.pem").write_bytes(pem)
    public = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    import base64

    dns_record = b"v=DKIM1; k=rsa; p=" + base64.b64encode(public)
    settings.DKIM_PRIVATE_KEY_PATH = str(tmp_path / "dkim.pem")
    settings.DKIM_SELECTOR = "s1"
    settings.DKIM_DOMAIN = "acme.example"
    box, port = RawBox(), free_port()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        backend = EmailBackend(host="127.0.0.1", port=port, use_tls=False)
        EmailMessage(
            "Your request",
            "Body text é",
            "Acme <help@acme.example>",
            ["pat@example.net"],
            connection=backend,
        ).send()
    finally:
        controller.stop()
    [raw] = box.raw
    assert message_from_bytes(raw)["DKIM-Signature"]

    def dnsfunc(name: bytes, timeout: int = 5) -> bytes:
        assert name == b"s1._domainkey.acme.example."
        return dns_record

    assert dkim.verify(raw, dnsfunc=dnsfunc)
    tampered = raw.replace(b"Body text", b"Body texT")
    assert not dkim.verify(tampered, dnsfunc=dnsfunc)


def test_without_a_key_nothing_is_signed(settings) -> None:
    from doorstep.notifications.dkim_backend import dkim_sign

    settings.DKIM_PRIVATE_KEY_PATH = ""
    assert dkim_sign(b"Subject: x\r\n\r\nx") == b"Subject: x\r\n\r\nx"
