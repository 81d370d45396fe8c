"""Development email backend: print each email and keep a readable copy under var/mail/."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.console import EmailBackend as ConsoleBackend
from django.core.mail.message import EmailMessage
from django.utils import timezone
from django.utils.text import slugify


class ConsoleAndFolderBackend(ConsoleBackend):
    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        folder = Path(settings.EMAIL_FOLDER)
        folder.mkdir(parents=True, exist_ok=True)
        for message in email_messages:
            stamp = timezone.now().strftime("%Y%m%d-%H%M%S-%f")
            base = folder / f"{stamp}-{slugify(message.subject)[:60]}"
            base.with_suffix(".eml").write_bytes(message.message().as_bytes())
            for content, mimetype in getattr(message, "alternatives", []):
                if mimetype == "text/html":
                    base.with_suffix(".html").write_text(str(content))
        return super().send_messages(email_messages)
