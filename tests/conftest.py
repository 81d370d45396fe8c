from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import LazySettings
from django.test import Client

from .smtp import Mailbox, SmtpServer


@pytest.fixture(scope="session")
def smtp_server() -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def _real_smtp_and_private_storage(
    settings: LazySettings, smtp_server: SmtpServer, tmp_path: Path
) -> None:
    """Every test sends email through a real SMTP server and stores files in its own folder."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = smtp_server.port
    settings.EMAIL_USE_TLS = False
    settings.MEDIA_ROOT = str(tmp_path / "private")
    settings.BASE_URL = "https://portal.example.test"
    smtp_server.mailbox.clear()


@pytest.fixture
def mailbox(smtp_server: SmtpServer) -> Mailbox:
    return smtp_server.mailbox


@pytest.fixture
def csrf_client() -> Client:
    """Every state-changing test request goes through real CSRF checks."""
    return Client(enforce_csrf_checks=True)


@pytest.fixture
def company(db: Any) -> Any:
    from .factories import CompanyFactory

    return CompanyFactory()


@pytest.fixture
def other_company(db: Any) -> Any:
    from .factories import CompanyFactory

    return CompanyFactory()


from .browser import chromium, page  # noqa: E402, F401  (fixtures for browser tests)
from .twilio_fake import twilio  # noqa: E402, F401  (fake api.twilio.com for SMS tests)


@pytest.fixture
def receiver() -> Iterator[Any]:
    """A real HTTP server on loopback that records webhook deliveries (tests/integrations)."""
    from .integrations.receiver import Receiver

    server = Receiver().start()
    yield server
    server.stop()
